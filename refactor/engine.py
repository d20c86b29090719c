"""Run passes over one Dockerfile's text and prove the result sound.

``refactor_text`` parses the text, runs the selected passes in registry
order until a round changes nothing (at most ``MAX_ROUNDS``; not
converging is an internal error), then, only if something changed,
re-parses the new text and checks that it prints back identically, reads
back as the same tree, introduces no BuildKit-only syntax the file did not
allow, and that a further run of every pass changes nothing. Only then is
the result ``changed``. Every failure is a value: one file's problem never
stops a bulk run.

An unchanged file is parsed once and never re-parsed.
"""

from __future__ import annotations

import enum
import re
from typing import Sequence

import attrs

from .passes import Decline, Edit, Note, Outcome, Pass, PassContext, all_passes
from .syntax.errors import DockerfileSyntaxError
from .syntax.nodes import Add, BlankLine, Comment, Copy, Dockerfile, Instruction, Run, UnknownInstruction
from .syntax.parser import parse

MAX_ROUNDS = 16
_BODY_TYPES = (Instruction, Comment, BlankLine)


class Status(str, enum.Enum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    SKIPPED = "skipped"
    FAILED = "failed"


@attrs.frozen
class Change:
    """One applied edit: pass code, line in the original file, message."""

    code: str
    line: int
    message: str
    applicability: str  # "safe" or "unsafe"
    reason: str | None = None  # why it is unsafe


@attrs.frozen
class FileResult:
    """The outcome for one file."""

    path: str
    status: Status
    changes: tuple[Change, ...] = ()
    notes: tuple[Note, ...] = ()
    reason: str | None = None  # skipped: why
    error: str | None = None  # failed: what (first line is the summary)
    source: str | None = None
    output: str | None = None
    unsafe_available: int = 0  # unsafe edits not applied (no --unsafe-fixes)
    written: bool = False
    diff: str | None = None
    verification: str | None = None  # --verify: what building both versions showed

    @property
    def changed(self) -> bool:
        return self.status is Status.CHANGED

    def __reduce__(self):
        # Results cross from worker processes in bulk: plain tuples pickle
        # several times faster than attrs instances and enum members.
        return (_rebuild_result, (
            self.path, self.status.value,
            tuple((c.code, c.line, c.message, c.applicability, c.reason) for c in self.changes),
            tuple((n.code, n.line, n.message) for n in self.notes),
            self.reason, self.error, self.source, self.output, self.unsafe_available, self.written, self.diff,
        ))


_STATUS = {s.value: s for s in Status}


def _rebuild_result(path, status, changes, notes, reason, error, source, output, unsafe_available, written, diff):
    return FileResult(path, _STATUS[status], tuple(Change(*c) for c in changes), tuple(Note(*n) for n in notes),
                      reason, error, source, output, unsafe_available, written, diff)


class InternalError(Exception):
    """A pass misbehaved; the message names the pass and what went wrong."""


_IGNORE = re.compile(r"msb-refactor\s*:\s*ignore\b\s*(?:=\s*([A-Za-z0-9_,\- ]*))?", re.I)


def inline_ignores(tree: Dockerfile) -> tuple[list[str] | None, int]:
    """Codes switched off by ``# msb-refactor: ignore=MSB001,MSB002`` comments.

    Returns (codes, line); ``codes`` is ``["ALL"]`` for a bare
    ``# msb-refactor: ignore`` and None when there is no such comment.
    """
    from .syntax.nodes import Comment

    codes: list[str] = []
    line = 0
    found = False
    for node in tree.body:
        if type(node) is Comment and "msb-refactor" in node.text:
            m = _IGNORE.search(node.text)
            if m:
                found = True
                line = line or node.line
                listed = [c.strip() for c in (m.group(1) or "").split(",") if c.strip()]
                codes.extend(listed or ["ALL"])
    return (codes if found else None), line


def _matches(cls: type[Pass], code: str) -> bool:
    c = code.upper()
    return c == "ALL" or cls.code.startswith(c) or cls.name.upper() == c


BUILDKIT_FLAGS = {
    Run: {"mount", "network", "security", "device"},
    Copy: {"link", "parents", "exclude", "chmod"},
    Add: {"link", "parents", "exclude", "chmod", "checksum", "keep-git-dir", "unpack"},
}


def buildkit_features(tree: Dockerfile) -> set[str]:
    """The BuildKit-only constructs a tree uses (heredocs, ``RUN --mount``...)."""
    out: set[str] = set()
    for ins in tree.instructions:
        if ins.heredoc_bodies:
            out.add(f"{ins.name} heredoc")
        flags = BUILDKIT_FLAGS.get(type(ins))
        if flags:
            for f in ins.flags:
                if f.name in flags:
                    out.add(f"{ins.name} --{f.name}")
    return out


def _apply(tree: Dockerfile, edits: Sequence[Edit]) -> tuple[Dockerfile, list[Edit]]:
    """Apply non-overlapping edits in one copy; overlapping ones wait a round."""
    repl: dict[int, tuple] = {}
    used: list[Edit] = []
    for e in edits:
        if any(t in repl for t in e.targets):
            continue
        for old, new in e.replacements:
            for n in new:
                if not isinstance(n, _BODY_TYPES):
                    raise InternalError(f"{e.code} proposed a replacement that is not a body node: {type(n).__name__}")
            repl[id(old)] = tuple(new)
        used.append(e)
    body = []
    hit = 0
    for n in tree.body:
        r = repl.get(id(n))
        if r is None:
            body.append(n)
        else:
            body.extend(r)
            hit += 1
    if hit != len(repl):
        codes = ", ".join(sorted({e.code for e in used}))
        raise InternalError(f"{codes} edited a node that is not in the file's body")
    return tree.with_body(body), used


def refactor_text(
    text: str,
    path: str | None = None,
    passes: Sequence[type[Pass]] | None = None,
    *,
    unsafe_fixes: bool = False,
    build_context=None,
    buildkit_syntax: bool = False,
    keep_text: bool = True,
) -> FileResult:
    """Run ``passes`` (default: all) over ``text``; see the module docstring."""
    shown = path or "<stdin>"
    try:
        tree = parse(text, path=shown)
    except DockerfileSyntaxError as e:
        return FileResult(shown, Status.FAILED, error=str(e))
    except RecursionError:
        return FileResult(shown, Status.FAILED, error=f"{shown}: file is too deeply nested to parse")
    except Exception as e:  # a parser bug must not stop a bulk run
        return FileResult(shown, Status.FAILED, error=f"{shown}: internal error in the parser: {_one_line(e)}")

    unknown = next((i for i in tree.instructions if isinstance(i, UnknownInstruction)), None)
    if unknown is not None:
        # Kept in the tree, never dropped; but BuildKit cannot build the file,
        # so no rewrite of it can be proved to build either.
        return FileResult(shown, Status.FAILED, error=(
            f"{shown}:{unknown.line}:{unknown.column}: unknown instruction {unknown.keyword!r}:"
            " BuildKit cannot build this file; left untouched"))

    classes = list(all_passes() if passes is None else passes)
    ignored, ignore_line = inline_ignores(tree)
    if ignored is not None:
        kept = [c for c in classes if not any(_matches(c, code) for code in ignored)]
        if not kept:
            return FileResult(shown, Status.SKIPPED,
                              reason=f"switched off by `# msb-refactor: ignore` at line {ignore_line}",
                              source=text if keep_text else None)
        classes = kept
    instances = [c() for c in classes]
    if build_context is None:  # BuildKit's default: the Dockerfile's directory (nothing is read until asked)
        from .context import BuildContext

        build_context = BuildContext.for_dockerfile(path)
    ctx = PassContext(shown, build_context, buildkit_syntax or tree.directive("syntax") is not None, unsafe_fixes)
    try:
        return _run(text, tree, shown, instances, ctx, unsafe_fixes, keep_text)
    except InternalError as e:
        return FileResult(shown, Status.FAILED, error=f"{shown}: internal error: {e}; file left untouched")


def _one_line(e: BaseException) -> str:
    msg = str(e).strip().splitlines()
    return f"{type(e).__name__}: {msg[0]}" if msg else type(e).__name__


def _run_pass(p: Pass, tree: Dockerfile, ctx: PassContext):
    try:
        out = p.run(tree, ctx)
    except InternalError:
        raise
    except Exception as e:
        raise InternalError(f"{p.code} ({p.name}) crashed: {_one_line(e)}") from None
    if not isinstance(out, (Outcome, Decline)):
        raise InternalError(f"{p.code} ({p.name}) returned {type(out).__name__}, not an Outcome or Decline")
    if not isinstance(out, Decline):
        for e in out.edits:
            if not e.code:
                object.__setattr__(e, "code", p.code)
    return out


def _run(text, tree, shown, passes, ctx, unsafe_fixes, keep_text) -> FileResult:
    original = tree
    changes: list[Change] = []
    declined: dict[str, str] = {}
    notes: list[Note] = []
    unsafe_left = 0
    for _round in range(MAX_ROUNDS):
        progressed = False
        notes, unsafe_left = [], 0
        for p in passes:
            if p.code in declined:
                continue
            out = _run_pass(p, tree, ctx)
            if isinstance(out, Decline):
                declined[p.code] = out.reason
                continue
            notes.extend(out.notes)
            ok = [e for e in out.edits if e.applicability.safe or unsafe_fixes]
            unsafe_left += len(out.edits) - len(ok)
            if ok:
                tree, used = _apply(tree, ok)
                changes.extend(Change(e.code, e.line, e.message, e.applicability.label, e.applicability.reason)
                               for e in used)
                progressed = True
        if not progressed:
            break
    else:
        last = changes[-1]
        raise InternalError(
            f"passes did not converge after {MAX_ROUNDS} rounds ({last.code} keeps changing line {last.line})")

    decline_notes = tuple(Note(code, 0, f"declined: {reason}") for code, reason in declined.items())
    if not changes:
        if declined and len(declined) == len(passes):
            return FileResult(shown, Status.SKIPPED, reason="; ".join(f"{c}: {r}" for c, r in declined.items()),
                              source=text if keep_text else None)
        return FileResult(shown, Status.UNCHANGED, notes=tuple(notes) + decline_notes, unsafe_available=unsafe_left,
                          source=text if keep_text else None)

    new_text = tree.code
    codes = ", ".join(sorted({c.code for c in changes}))
    try:
        reparsed = parse(new_text, path=shown)
    except DockerfileSyntaxError as e:
        raise InternalError(f"{codes} produced text that does not parse ({e.message} at line {e.line})") from None
    if reparsed.code != new_text:
        raise InternalError(f"{codes} produced text that does not print back identically")
    if reparsed != tree:
        raise InternalError(f"{codes} produced a tree that reads back differently from its text")
    if not ctx.buildkit_syntax:
        new_features = buildkit_features(reparsed) - buildkit_features(original)
        if new_features:
            raise InternalError(
                f"{codes} introduced BuildKit-only syntax ({', '.join(sorted(new_features))}) in a file without"
                " a `# syntax=` line")
    notes, unsafe_left = [], 0
    for p in passes:
        if p.code in declined:
            continue
        out = _run_pass(p, reparsed, ctx)
        if isinstance(out, Decline):
            continue
        ok = [e for e in out.edits if e.applicability.safe or unsafe_fixes]
        if ok:
            raise InternalError(f"result is not stable: {p.code} would change line {ok[0].line} again")
        notes.extend(out.notes)
        unsafe_left += len(out.edits)
    if new_text == text:
        return FileResult(shown, Status.UNCHANGED, notes=tuple(notes) + decline_notes, unsafe_available=unsafe_left,
                          source=text if keep_text else None)
    return FileResult(shown, Status.CHANGED, changes=tuple(changes), notes=tuple(notes) + decline_notes,
                      source=text, output=new_text, unsafe_available=unsafe_left)
