"""Passes: one module per pass, one class each, and the registry.

A pass looks at a parsed Dockerfile and proposes edits. It never writes
anything: the engine (``refactor.engine``) applies the edits it is allowed
to, runs the passes again until nothing changes, and checks the result
before anything is shown or written.

Writing a pass::

    class ExecFormCmd(Pass):
        '''## What it does ... ## Why ... ## Example ... ## Use instead ... ## Fix safety ...'''
        code = "MSB001"
        name = "exec-form-cmd"

        def run(self, tree, ctx):
            out = Outcome()
            for ins in tree.instructions:
                ...
                out.edit(ins, new_node, message="...", applicability=SAFE)
                out.note(other, "left alone: ...")
            return out

An edit must say whether it is safe or unsafe (with the reason); there is
no default. ``Decline("reason")`` returned from ``run`` skips the whole
file for this pass with a one-line reason the user sees.

The docstring has fixed sections (``## What it does``, ``## Why``,
``## Example``, ``## Use instead``, ``## Fix safety``); ``docs/passes/`` is
generated from them (``python -m refactor.docs``) and a test runs each
pass on its Example and expects its Use instead.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, ClassVar, Iterable, Sequence

import attrs

if TYPE_CHECKING:  # pragma: no cover
    from ..context import BuildContext
    from ..syntax.nodes import BodyNode, Dockerfile

SECTIONS = ("What it does", "Why", "Example", "Use instead", "Fix safety")


@attrs.frozen
class Applicability:
    """Whether an edit may be applied by default (safe) or only with
    ``--unsafe-fixes`` (unsafe, with the reason a user reads)."""

    safe: bool
    reason: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.safe and not (self.reason and self.reason.strip()):
            raise ValueError("an unsafe edit must give its reason")

    @classmethod
    def unsafe(cls, reason: str) -> "Applicability":
        return cls(False, reason)

    @property
    def label(self) -> str:
        return "safe" if self.safe else "unsafe"


SAFE = Applicability(True)


def unsafe(reason: str) -> Applicability:
    """An unsafe applicability; the reason is shown to the user."""
    return Applicability.unsafe(reason)


@attrs.frozen
class Edit:
    """Replace body nodes (matched by identity) with new ones, as one change.

    ``replacements`` pairs an existing node with the nodes that take its
    place: ``(node, ())`` removes it, ``(anchor, (new, anchor))`` inserts
    before it. ``applicability`` has no default on purpose.
    """

    replacements: tuple[tuple[object, tuple[object, ...]], ...]
    line: int
    message: str
    applicability: Applicability = attrs.field(kw_only=True)
    code: str = ""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.applicability, Applicability):
            raise TypeError("Edit.applicability must be SAFE or unsafe(reason)")

    @property
    def targets(self) -> list[int]:
        return [id(old) for old, _ in self.replacements]


@attrs.frozen
class Note:
    """Something a pass left alone, and why (one line a user can act on)."""

    code: str
    line: int
    message: str


@attrs.frozen
class Decline:
    """The pass declines the whole file; ``reason`` is one line."""

    reason: str


@attrs.define
class Outcome:
    """What one run of a pass over a file proposes."""

    edits: list[Edit] = attrs.Factory(list)
    notes: list[Note] = attrs.Factory(list)
    code: str = ""

    def edit(
        self,
        old: "BodyNode",
        *new: "BodyNode",
        message: str,
        applicability: Applicability,
        line: int | None = None,
    ) -> Edit:
        """Propose replacing ``old`` with ``new`` (nothing: remove it)."""
        e = Edit(((old, tuple(new)),), line if line is not None else getattr(old, "line", 0), message,
                 applicability=applicability, code=self.code)
        self.edits.append(e)
        return e

    def add(self, edit: Edit) -> Edit:
        edit = attrs.evolve(edit, code=self.code)
        self.edits.append(edit)
        return edit

    def note(self, node_or_line: object, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) else getattr(node_or_line, "line", 0)
        self.notes.append(Note(self.code, line, message))


@attrs.frozen
class PassContext:
    """What a pass may ask about the file being rewritten."""

    path: str | None
    build_context: "BuildContext"
    """What the build context holds (``--context``, or the Dockerfile's directory)."""
    buildkit_syntax: bool
    """True when BuildKit-only syntax (heredocs, COPY --link, RUN --mount)
    may be introduced: the file has a ``# syntax=`` line or the user opted in."""
    unsafe_fixes: bool = False


class Pass:
    """Base class of every pass. Subclasses set ``code`` and ``name``, write
    the docstring in the fixed sections, and implement ``run``."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""

    def outcome(self) -> Outcome:
        return Outcome(code=self.code)

    def run(self, tree: "Dockerfile", ctx: PassContext) -> "Outcome | Decline":  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        return doc_sections(cls)["What it does"].strip().split("\n\n")[0].replace("\n", " ")


def doc_sections(cls: type) -> dict[str, str]:
    """The ``## Section`` blocks of a pass's docstring (all five required)."""
    import inspect
    import re

    doc = inspect.cleandoc(cls.__doc__ or "")
    found: dict[str, str] = {}
    current = None
    buf: list[str] = []
    for line in doc.splitlines():
        m = re.match(r"^##\s+(.+?)\s*$", line)
        if m:
            if current is not None:
                found[current] = "\n".join(buf).strip("\n")
            current, buf = m.group(1), []
        elif current is not None:
            buf.append(line)
    if current is not None:
        found[current] = "\n".join(buf).strip("\n")
    missing = [s for s in SECTIONS if s not in found]
    if missing:
        raise ValueError(f"{cls.__name__} docstring lacks section(s): {', '.join(missing)}")
    return found


def fenced_code(section: str) -> str:
    """The text of the first fenced code block in a docstring section."""
    import re

    m = re.search(r"```[a-zA-Z]*\n(.*?)```", section, re.S)
    if not m:
        raise ValueError("section has no fenced code block")
    return m.group(1)


# -- registry -----------------------------------------------------------------

# Modules under refactor/passes/, in the order passes run.
PASS_MODULES: tuple[str, ...] = ("msb001_exec_form",)

_REGISTRY: list[type[Pass]] | None = None
_EXTRA: list[type[Pass]] = []


def use_extra_passes(classes: Iterable[type[Pass]]) -> None:
    """Register passes beyond ``PASS_MODULES`` for this process (tests and
    local experiments call this before running; nothing is imported by name
    from the environment)."""
    global _REGISTRY
    _EXTRA[:] = list(classes)
    _REGISTRY = None


def all_passes() -> list[type[Pass]]:
    """Every registered pass class, in run order (by code)."""
    global _REGISTRY
    if _REGISTRY is None:
        found: list[type[Pass]] = []
        for modname in PASS_MODULES:
            mod = importlib.import_module(f"{__name__}.{modname}")
            classes = [c for c in vars(mod).values()
                       if isinstance(c, type) and issubclass(c, Pass) and c is not Pass and c.__module__ == mod.__name__]
            if len(classes) != 1:
                raise RuntimeError(f"{mod.__name__} must define exactly one Pass class")
            found.append(classes[0])
        found.extend(_EXTRA)
        codes = [c.code for c in found]
        if len(set(codes)) != len(codes):
            raise RuntimeError(f"duplicate pass codes: {codes}")
        _REGISTRY = sorted(found, key=lambda c: c.code)
    return list(_REGISTRY)


def reset_registry() -> None:
    """Forget loaded passes and any extra ones."""
    use_extra_passes(())


def by_code(code: str) -> type[Pass] | None:
    code = code.strip().upper()
    for cls in all_passes():
        if cls.code == code or cls.name.upper() == code:
            return cls
    return None


class SelectionError(ValueError):
    """A --select/--ignore entry that matches no pass."""


def _matches(cls: type[Pass], selector: str) -> bool:
    s = selector.strip().upper()
    return s == "ALL" or cls.code.startswith(s) or cls.name.upper() == s


def select(select: Sequence[str] | None = None, ignore: Sequence[str] | None = None,
           passes: Iterable[type[Pass]] | None = None) -> list[type[Pass]]:
    """Resolve codes or prefixes (``MSB``, ``MSB0``, ``MSB001``, a pass name,
    or ``ALL``) to pass classes in run order. Unknown selectors raise."""
    pool = list(passes) if passes is not None else all_passes()
    for sel in list(select or []) + list(ignore or []):
        if not any(_matches(c, sel) for c in pool):
            raise SelectionError(f"unknown pass code or prefix: {sel!r} (see `msb-refactor rules`)")
    chosen = [c for c in pool if not select or any(_matches(c, s) for s in select)]
    return [c for c in chosen if not any(_matches(c, s) for s in (ignore or []))]


def split_codes(values: Iterable[str] | None) -> list[str]:
    """``["MSB001,MSB002", "MSB3"]`` -> ``["MSB001", "MSB002", "MSB3"]``."""
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in str(v).split(",") if p.strip())
    return out


__all__ = [
    "Applicability", "SAFE", "unsafe", "Edit", "Note", "Decline", "Outcome", "PassContext", "Pass",
    "all_passes", "use_extra_passes", "by_code", "select", "split_codes", "doc_sections", "fenced_code", "SelectionError",
]
