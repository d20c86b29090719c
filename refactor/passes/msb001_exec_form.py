"""MSB001: shell-form CMD/ENTRYPOINT to JSON exec form."""

from __future__ import annotations

import attrs

from ..analysis.shellwords import SHELL_BUILTINS, NotSimple, simple_words
from ..analysis.stages import ancestry, before
from ..syntax.build import json_words
from ..syntax.nodes import Cmd, ContinuationComment, Entrypoint, Shell
from . import SAFE, Decline, Pass, unsafe


class ExecFormCmd(Pass):
    """
    ## What it does
    Rewrites a shell-form `CMD` or `ENTRYPOINT` (`CMD node server.js`) to
    JSON exec form (`CMD ["node", "server.js"]`) when the command uses no
    shell feature. A leading `exec` is dropped, since exec form already runs
    the program directly. Commands that need a shell (variables, `&&`,
    pipes, redirections, globs, builtins such as `cd`) are left alone, with
    the reason.

    ## Why
    Shell form runs `/bin/sh -c "node server.js"`. Where `/bin/sh` is dash
    (Debian, Ubuntu and the many images built on them) the shell stays
    PID 1 and the application is its child. `docker stop` sends SIGTERM to
    PID 1; the shell does not pass it on, so the application gets no chance
    to shut down cleanly and is killed after the timeout (10 s by default).
    Some shells (bash) replace themselves with a lone command, but exec
    form does not depend on which shell an image has: the application is
    PID 1 and receives the signal. Exec form also no longer needs `/bin/sh`
    in the image, which lets a later stage use a minimal base.

    ## Example
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY . .
    CMD node server.js --port 8080
    ```

    ## Use instead
    ```dockerfile
    FROM node:20-slim
    WORKDIR /app
    COPY . .
    CMD ["node", "server.js", "--port", "8080"]
    ```

    ## Fix safety
    Rewriting `CMD` is safe when the stage has no `ENTRYPOINT`: the same
    words run, without the shell in between. With an exec-form
    `ENTRYPOINT` in the stage the fix is unsafe: the entrypoint receives the
    words themselves instead of `/bin/sh -c "..."`, which is usually what
    was meant but changes its arguments. An `ENTRYPOINT` the base image
    sets is not visible here; entrypoint scripts that end in `exec "$@"`
    run the same command either way.

    Rewriting `ENTRYPOINT` is always unsafe: in exec form it receives
    `CMD` and `docker run` arguments, which shell form silently ignored.

    Nothing is rewritten when a `SHELL` instruction is in effect, when the
    file uses the backtick escape or a Windows base image (the command may
    run under `cmd.exe` or PowerShell), or when a comment sits inside the
    instruction's continuation lines (it would be lost).
    """

    code = "MSB001"
    name = "exec-form-cmd"
    # The image's command changes form (`/bin/sh -c "..."` -> the words).
    changes_image = frozenset({"cmd", "entrypoint"})

    def run(self, tree, ctx):
        out = self.outcome()
        body = tree.body
        candidates = {id(n) for n in body if type(n) in _KINDS and not n.is_exec_form}
        if not candidates:
            return out
        if tree.escape == "`":
            return Decline("the file uses the backtick escape (Windows): shell form may run under cmd.exe")
        stages = tree.stages
        for stage in stages:
            if not any(id(n) in candidates for n in stage.nodes):
                continue
            chain = ancestry(tree, stage, stages)
            windows = next((s.from_ for s in chain if _windows_image(s.from_.image)), None)
            for ins in stage.instructions:
                if id(ins) not in candidates:
                    continue
                kw = ins.name
                if windows is not None:
                    out.note(
                        ins,
                        f"{kw} left in shell form: the base image `{windows.image}` looks like Windows,"
                        " where shell form runs under cmd.exe",
                    )
                    continue
                shell = _shell_in_effect(chain, stage, ins)
                if shell is not None:
                    out.note(ins, f"{kw} left in shell form: SHELL at line {shell.line} decides how it runs")
                    continue
                if any(type(ln) is ContinuationComment for ln in ins.lines):
                    out.note(ins, f"{kw} left in shell form: a comment inside its continuation lines would be lost")
                    continue
                if ins.flags:
                    out.note(ins, f"{kw} left in shell form: `{ins.raw_flags[0]}` is read as a flag by BuildKit")
                    continue
                text = ins.rest
                if not text.strip():
                    continue
                if text.lstrip().startswith("["):
                    out.note(
                        ins,
                        f"{kw} left in shell form: it looks like a JSON array but is not valid JSON"
                        " (strings need double quotes), so BuildKit runs it with /bin/sh -c",
                    )
                    continue
                try:
                    words = simple_words(text)
                except NotSimple as e:
                    out.note(ins, f"{kw} left in shell form: the command needs a shell ({e})")
                    continue
                dropped_exec = False
                if words and words[0] == "exec":
                    if len(words) == 1:
                        out.note(ins, f"{kw} left in shell form: a bare `exec` runs nothing")
                        continue
                    if words[1].startswith("-"):
                        out.note(ins, f"{kw} left in shell form: `exec` with options needs a shell")
                        continue
                    words, dropped_exec = words[1:], True
                if not words:
                    continue
                if words[0] in SHELL_BUILTINS:
                    out.note(
                        ins,
                        f"{kw} left in shell form: `{words[0]}` is a shell builtin or keyword,"
                        " which exec form cannot run the same way",
                    )
                    continue
                new = _exec_form(tree, ins, words, dropped_exec)
                applicability = self._applicability(ins, stage, chain)
                if dropped_exec:
                    message = f"shell-form {kw} needs /bin/sh only to `exec {words[0]}`; exec form runs it directly"
                else:
                    message = (
                        f"shell-form {kw} runs `{words[0]}` under /bin/sh -c, where signals may not reach"
                        " it; use exec form"
                    )
                out.edit(ins, new, applicability=applicability, message=message)
        return out

    @staticmethod
    def _applicability(ins, stage, chain):
        if isinstance(ins, Entrypoint):
            cmds = [c for c in stage.instructions if isinstance(c, Cmd)]
            if cmds:
                return unsafe(
                    f"CMD at line {cmds[-1].line} would become arguments of the exec-form ENTRYPOINT,"
                    " which shell form ignored"
                )
            return unsafe("an exec-form ENTRYPOINT receives `docker run` arguments, which shell form ignored")
        entry = None
        for s in reversed(chain):  # farthest ancestor first, so the nearest wins
            for n in s.instructions:
                if isinstance(n, Entrypoint):
                    entry = n
        if entry is not None and entry.is_exec_form:
            return unsafe(
                f"the ENTRYPOINT at line {entry.line} would receive the words themselves instead of `/bin/sh -c ...`"
            )
        return SAFE


_KINDS = (Cmd, Entrypoint)


def _windows_image(image: str) -> bool:
    low = image.lower()
    return any(w in low for w in ("windows/", "windowsservercore", "nanoserver", "servercore", "/windows:"))


def _shell_in_effect(chain, stage, ins):
    for n in reversed(before(stage, ins)):
        if isinstance(n, Shell):
            return n
    for s in chain[1:]:
        for n in reversed(s.instructions):
            if isinstance(n, Shell):
                return n
    return None


def _exec_form(tree, ins, words, dropped_exec):
    """The exec-form instruction, keeping the original's line layout when
    its words sat on several continuation lines (one line per original line,
    each with its indentation); otherwise on one line."""
    from ..syntax.parser import parse_instruction

    groups = [(indent, g) for indent, g in (_line_groups(ins, dropped_exec) or []) if g]
    if len(groups) > 1 and [w for _, g in groups for w in g] == words:
        lines = []
        for k, (indent, group) in enumerate(groups):
            body = json_words(group)[1:-1]  # this line's words, without the brackets
            if k == 0:
                body = f"{ins.indent}{ins.keyword} [{body}"
            else:
                body = indent + body
            lines.append(body + (f", {tree.escape}" if k < len(groups) - 1 else "]"))
        text = "\n".join(lines)
    else:
        text = f"{ins.indent}{ins.keyword} {json_words(words)}"
    made = parse_instruction(text, escape=tree.escape)
    nl = tree.style.newline
    last = len(made.lines) - 1
    new_lines = tuple(attrs.evolve(ln, newline=ins.newline if k == last else nl) for k, ln in enumerate(made.lines))
    return attrs.evolve(made, lines=new_lines)


def _line_groups(ins, dropped_exec):
    """The words of each physical line, with its indentation, or None when
    a word spans lines (or a line is not simple on its own)."""
    from ..syntax import buildkit as bk
    from ..syntax.nodes import SourceLine

    groups = []
    for k, ln in enumerate(ins.lines):
        if type(ln) is not SourceLine:
            continue
        text = ln.text
        if k < len(ins.lines) - 1:
            text, _ = bk.trim_continuation(text, ins.escape)
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        content = text.lstrip(bk.GO_SPACE)
        if k == 0:
            if not content.startswith(ins.keyword):
                return None
            content = content[len(ins.keyword) :]
        if content and content[-1] not in " \t" and k < len(ins.lines) - 1:
            return None  # the next line continues this word
        try:
            groups.append((indent, simple_words(content)))
        except NotSimple:
            return None
    if dropped_exec:
        for _, g in groups:
            if g:
                if g[0] != "exec":
                    return None
                del g[0]
                break
    return groups
