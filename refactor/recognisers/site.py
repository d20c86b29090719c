"""Where a command runs: its RUN, its words, its environment, its directory.

``RunSite`` holds what every command of one RUN shares: the facts of the
tree, the stage's state, the variables as the shell sees them (with the
values the official build images set, ``images.py``), WORKDIR, and the
files the image got from the build context. ``Invocation`` is one command
ready for a recogniser: the command name after wrappers (``sudo``, ``env``),
its arguments with variables expanded where known, the environment the
tool sees, and the absolute directory it runs in.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from functools import cached_property

import attrs

from ..analysis import facts
from ..analysis.shell import Script, SimpleCommand, Word, run_script, word_fields
from ..context import BuildContext
from ..syntax.nodes import Dockerfile, Instruction, Run
from .images import image_env, image_workdir
from .sources import ImageFiles

# Commands that run the command after them: name -> options that take a value.
WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"}),
    "env": frozenset({"-u", "-C", "--unset", "--chdir", "-S"}),
    "time": frozenset({"-f", "-o", "--format", "--output"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "command": frozenset(),
    "exec": frozenset({"-a"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
}
_BLANKS = " \t\n"


@attrs.frozen
class Arg:
    """One argument: its value when known, and the text it was written as."""

    value: str | None
    raw: str
    variables: tuple[str, ...] = ()


class RunSite:
    """What the commands of one RUN share."""

    def __init__(self, tree: Dockerfile, ins: Run, context: BuildContext) -> None:
        self.ins = ins
        self.context = context
        self.facts = facts(tree)
        self.state = self.facts.state_before(ins)
        self.base = self.state.base
        self.scope = self.facts.scope_before(ins)
        self._environment = self.facts.run_environment(ins)
        workdir = self.state.workdir
        self.workdir: str | None = workdir if isinstance(workdir, str) else image_workdir(self.base)
        self.workdir_reason = None if self.workdir is not None else getattr(workdir, "reason", "WORKDIR is not known")

    @property
    def tree(self) -> Dockerfile:
        # Through the facts' weak reference: sites live in the tree's facts
        # (``of``), and a strong one would keep every tree alive for good.
        return self.facts.tree

    @cached_property
    def script(self) -> Script:
        shell = self.state.shell
        return run_script(self.ins, shell if isinstance(shell, tuple) else None)

    @cached_property
    def files(self) -> ImageFiles:
        return ImageFiles(self)

    def lookup(self, name: str) -> str | None:
        """``name`` as the shell sees it ("" unset, None unknown), with what
        an official build image is known to set."""
        value = self._environment(name)
        if value is None:
            var = self.scope.lookup(name)
            if var is not None and var.source == "base image":
                return image_env(self.base, name)
        return value

    def why_unknown(self, name: str) -> str:
        var = self.scope.lookup(name)
        return (var.reason if var is not None and var.reason else None) or f"${name} is not known here"

    def earlier_instructions(self) -> Iterator[Instruction]:
        """The instructions of the stage's chain before this RUN, oldest first."""
        graph = self.facts.stages
        info = graph.stage_of(self.ins)
        if info is None:
            return
        for stage in reversed(graph.chain(info.index)):
            for node in stage.stage.instructions[1:]:
                if node is self.ins:
                    return
                yield node

    @cached_property
    def earlier_runs(self) -> tuple[RunSite, ...]:
        return tuple(
            RunSite.of(self.tree, node, self.context) for node in self.earlier_instructions() if isinstance(node, Run)
        )

    @classmethod
    def of(cls, tree: Dockerfile, ins: Run, context: BuildContext) -> RunSite:
        """The site of ``ins``, made once per tree and context: every later RUN
        reads the commands of the earlier ones (their history)."""
        memo = facts(tree).memo
        key = ("run-site", id(ins), id(context))
        site = memo.get(key)
        if site is None:
            site = memo[key] = cls(tree, ins, context)
        return site

    def invocations(self) -> list[Invocation]:
        return self._invocations

    def release(self) -> None:
        """Drop what refers back to this site (its commands, its files): its
        tree is gone (``refactor.analysis`` calls this when it evicts the facts)."""
        for name in ("_invocations", "files", "earlier_runs"):
            self.__dict__.pop(name, None)

    @cached_property
    def _invocations(self) -> list[Invocation]:
        return [Invocation(self, cmd, k) for k, cmd in enumerate(self.script.commands)]

    def history(self, before: Invocation | None = None) -> Iterator[Invocation]:
        """Every command the stage ran before ``before`` (or before this RUN), oldest first."""
        for site in self.earlier_runs:
            yield from site.invocations()
        if before is not None:
            yield from self.invocations()[: before.index]


class Invocation:
    """One command of a RUN, ready for a recogniser."""

    def __init__(self, site: RunSite, cmd: SimpleCommand, index: int) -> None:
        self.site = site
        self.cmd = cmd
        self.index = index
        self.unknown: list[str] = []

    @cached_property
    def name(self) -> str | None:
        """The command name after any wrapper. Read from the literal first
        word when it is no wrapper, so a command no recogniser wants costs no
        expansion of its arguments (most commands of a big RUN)."""
        first = self.cmd.argv[0].literal if self.cmd.argv else None
        if first is not None and "/" not in first and first not in WRAPPERS:
            return first
        return self._unwrapped[0]

    @property
    def args(self) -> list[Arg]:
        return self._unwrapped[1]

    @property
    def assigned(self) -> dict[str, Arg]:
        return self._unwrapped[2]

    @cached_property
    def _unwrapped(self) -> tuple[str | None, list[Arg], dict[str, Arg]]:
        assigned: dict[str, Arg] = {a.name: self._arg(a.value)[0] for a in self.cmd.assignments}
        args = [a for w in self.cmd.argv for a in self._arg(w)]
        name, rest = _unwrap(args, assigned)
        return name, rest, assigned

    # -- words ---------------------------------------------------------------------

    def _arg(self, word: Word) -> list[Arg]:
        lookup = self.site.lookup
        fields = word_fields(word, lookup, self.cmd.script_variables)
        if fields is not None:
            return [Arg(v, word.raw, word.variables) for v in fields]
        # A lone unquoted $VAR whose value has blanks: the shell splits it.
        if len(word.parts) == 1 and word.parts[0][0] == "var" and not word.parts[0][2] and not word.parts[0][3]:
            name = word.parts[0][1]
            value = None if name in self.cmd.script_variables else lookup(name)
            if value is not None and not any(c in value for c in "*?["):
                return [Arg(v, word.raw, (name,)) for v in value.split()]
        return [Arg(None, word.raw, word.variables)]

    def why(self, arg: Arg) -> str:
        """Why ``arg`` has no value, in a few words."""
        names = [n for n in arg.variables if n not in self.cmd.script_variables and self.site.lookup(n) is None]
        if names:
            return self.site.why_unknown(names[0])
        if arg.variables:
            return f"the script sets ${arg.variables[0]} itself"
        return "it is not a plain word"

    def problem(self, parsed) -> str:
        """A parse problem of ``flags.parse`` as a reason."""
        bad = parsed.unreadable
        return f"cannot read `{bad.raw}`: {self.why(bad)}" if bad is not None else parsed.problem

    @property
    def text(self) -> str:
        """The command as written (for messages)."""
        start, end = self.cmd.span
        text = " ".join(self.site.script.text[start:end].split())
        return text if len(text) <= 80 else text[:77] + "..."

    # -- where and with what -------------------------------------------------------

    @cached_property
    def cwd(self) -> str | None:
        """The absolute directory it runs in; None when not known."""
        rel = self.cmd.cwd
        if rel is None:
            return None
        if rel.startswith("/"):
            return rel
        workdir = self.site.workdir
        return None if workdir is None else posixpath.normpath(posixpath.join(workdir, rel))

    def cwd_reason(self) -> str:
        if self.cmd.cwd is None:
            return "the directory it runs in is not known (a `cd` that may not run or whose target expands)"
        return self.site.workdir_reason or "WORKDIR is not known"

    def path(self, value: str, base: str | None = None) -> str | None:
        """``value`` as an absolute path, relative to ``base`` or the cwd."""
        if value.startswith("/"):
            return posixpath.normpath(value)
        base = base if base is not None else self.cwd
        return None if base is None else posixpath.normpath(posixpath.join(base, value))

    def env(self, name: str) -> str | None:
        """``name`` in the tool's environment ("" unset, None unknown):
        the command's own ``NAME=value``, an earlier ``export`` or
        ``unset`` in the script, else the RUN's environment."""
        if name in self.assigned:
            return self.assigned[name].value
        if name in self.cmd.script_variables:
            return self._script_env(name)
        return self.site.lookup(name)

    def _script_env(self, name: str) -> str | None:
        value: str | None = None
        found = False
        for k in range(self.index):
            earlier = self.site.script.commands[k]
            words = earlier.words()
            if earlier.context or earlier.conditional:
                if _sets(earlier, name):
                    return None  # set in a subshell or a branch: not known here
                continue
            if words and words[0] == "export":
                for w in words[1:]:
                    key, eq, val = w.partition("=")
                    if key == name:
                        value, found = (val if eq else value), True
            elif words and words[0] == "unset" and name in words[1:]:
                value, found = "", True
            elif not earlier.argv:
                for a in earlier.assignments:
                    if a.name == name:
                        # A plain assignment reaches the tool only if the name was exported.
                        before = value if found else self.site.lookup(name)
                        if not before:  # unset or unknown: whether it is exported is not known
                            return None
                        value, found = a.value.literal, True
        return value if found else None

    def variables(self, *args: Arg) -> tuple[str, ...]:
        """The ARG/ENV names the given arguments read."""
        return tuple(dict.fromkeys(n for a in args for n in a.variables))


def _sets(cmd: SimpleCommand, name: str) -> bool:
    words = cmd.words() or []
    return any(a.name == name for a in cmd.assignments) or (
        bool(words) and words[0] in ("export", "unset", "read") and any(w.split("=")[0] == name for w in words[1:])
    )


def _unwrap(args: list[Arg], assigned: dict[str, Arg]) -> tuple[str | None, list[Arg]]:
    """The command name after ``sudo``/``env``/``time`` ..., and its arguments."""
    while args:
        name = args[0].value
        base = posixpath.basename(name) if name else None
        if base not in WRAPPERS:
            return base, args[1:]
        valued = WRAPPERS[base]
        k = 1
        while k < len(args):
            value = args[k].value
            if value is None:
                return None, args[k:]
            if base == "env" and "=" in value and not value.startswith("-"):
                key, _, val = value.partition("=")
                assigned[key] = Arg(val, args[k].raw, args[k].variables)
            elif value in valued:
                k += 1
            elif not value.startswith("-") or value == "--":
                if value == "--":
                    k += 1
                break
            k += 1
        args = args[k:]
    return None, []
