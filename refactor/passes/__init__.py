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
generated from them (``python scripts/gen_docs.py``) and a test runs each
pass on its Example and expects its Use instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

import attrs

if TYPE_CHECKING:  # pragma: no cover
    from ..context import BuildContext
    from ..syntax.nodes import BodyNode, Dockerfile

SECTIONS = ("What it does", "Why", "Example", "Use instead", "Fix safety")

# Settings of the final image a pass must keep unless it names them in
# ``Pass.changes_image`` (the engine compares them before and after).
IMAGE_CONTRACT = ("entrypoint", "cmd", "env", "expose", "workdir", "user", "volume", "stopsignal", "healthcheck")


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
    def unsafe(cls, reason: str) -> Applicability:
        return cls(False, reason)

    @property
    def label(self) -> str:
        return "safe" if self.safe else "unsafe"


SAFE = Applicability(True)


def unsafe(reason: str) -> Applicability:
    """An unsafe applicability; the reason is shown to the user."""
    return Applicability.unsafe(reason)


# What an edit can do to a body node (matched by identity).
REPLACE, REMOVE, BEFORE, AFTER, MOVE_BEFORE, MOVE_AFTER = (
    "replace",
    "remove",
    "before",
    "after",
    "move-before",
    "move-after",
)


@attrs.define
class Edit:
    """One change a user sees as one line: any number of operations on body
    nodes (matched by identity), applied together or not at all.

    Build it with ``Outcome.change`` (or ``Outcome.edit`` for a single
    replacement) and chain the operations::

        out.change("split the build", applicability=SAFE) \\
           .insert_before(first, *builder_stage) \\
           .replace(cmd, new_cmd) \\
           .move(copy, after=workdir) \\
           .remove(old_run)

    An instruction owns the comments and blank lines right above it
    (``Dockerfile.leading``): ``remove`` and ``move`` take them along, and
    ``insert_before`` puts new nodes above them. ``replace`` keeps them.
    ``applicability`` has no default on purpose.
    """

    line: int
    message: str
    applicability: Applicability = attrs.field(kw_only=True)
    ops: list[tuple[str, object, tuple]] = attrs.Factory(list)
    details: dict = attrs.field(factory=dict, kw_only=True)  # figures for reports (JSON), beside the message
    # (setting, value before, value after): image settings this change rewrites that its pass
    # does not declare in ``changes_image``; the engine checks the final image against each.
    resolves: list[tuple[str, object, object]] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.applicability, Applicability):
            raise TypeError("Edit.applicability must be SAFE or unsafe(reason)")

    def replace(self, old: BodyNode, *new: BodyNode) -> Edit:
        """Put ``new`` where ``old`` is (nothing: remove ``old`` alone)."""
        self.ops.append((REPLACE, old, new))
        return self

    def remove(self, *nodes: BodyNode) -> Edit:
        """Remove each node with the comments and blank lines it owns."""
        self.ops.extend((REMOVE, n, ()) for n in nodes)
        return self

    def insert_before(self, anchor: BodyNode, *new: BodyNode) -> Edit:
        """Insert ``new`` above ``anchor`` and the comments it owns."""
        self.ops.append((BEFORE, anchor, new))
        return self

    def insert_after(self, anchor: BodyNode, *new: BodyNode) -> Edit:
        self.ops.append((AFTER, anchor, new))
        return self

    def resolve(self, setting: str, before: object, after: object) -> Edit:
        """Declare that this change turns the final image's ``setting`` (an
        ``IMAGE_CONTRACT`` name) from exactly ``before`` into exactly
        ``after`` (``npm start`` resolved to the ``node`` command it runs);
        any other change of it still fails the file."""
        if setting not in IMAGE_CONTRACT:
            raise ValueError(f"unknown image setting {setting!r}")
        self.resolves.append((setting, before, after))
        return self

    def move(self, node: BodyNode, *, before: BodyNode | None = None, after: BodyNode | None = None) -> Edit:
        """Move ``node`` with the comments it owns above ``before`` (and its
        comments) or right below ``after``."""
        if (before is None) == (after is None):
            raise TypeError("move needs exactly one of before= or after=")
        self.ops.append((MOVE_BEFORE, node, (before,)) if before is not None else (MOVE_AFTER, node, (after,)))
        return self


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


@attrs.frozen
class SideFile:
    """A file beside the Dockerfile a pass proposes (``.dockerignore``):
    ``old`` is its text when read (None: it does not exist), ``new`` the
    whole text proposed. Shown as a diff, written with ``--write``."""

    path: str
    old: str | None
    new: str
    message: str
    applicability: Applicability
    line: int = 0  # the Dockerfile line it is about


@attrs.define
class Outcome:
    """What one run of a pass over a file proposes. The engine records
    every edit and note under the code of the pass that returned it."""

    edits: list[Edit] = attrs.Factory(list)
    notes: list[Note] = attrs.Factory(list)
    code: str = ""
    files: list[SideFile] = attrs.Factory(list)

    def change(
        self,
        message: str,
        *,
        applicability: Applicability,
        line: int | None = None,
        at: BodyNode | None = None,
        details: dict | None = None,
    ) -> Edit:
        """Start one change; add operations to the returned edit. Its line is
        ``line``, or that of ``at``, or that of the first node it touches.
        ``details``: figures the JSON report gives beside the message."""
        e = Edit(
            line if line is not None else getattr(at, "line", 0),
            message,
            applicability=applicability,
            details=dict(details or {}),
        )
        self.edits.append(e)
        return e

    def edit(
        self,
        old: BodyNode,
        *new: BodyNode,
        message: str,
        applicability: Applicability,
        line: int | None = None,
    ) -> Edit:
        """Propose replacing ``old`` with ``new`` (nothing: remove it)."""
        return self.change(message, applicability=applicability, line=line, at=old).replace(old, *new)

    def propose_file(
        self, path: str, old: str | None, new: str, *, message: str, applicability: Applicability, line: int = 0
    ) -> None:
        """Propose the whole text of a file beside the Dockerfile (see ``SideFile``)."""
        self.files.append(SideFile(path, old, new, message, applicability, line))

    def note(self, node_or_line: object, message: str) -> None:
        line = node_or_line if isinstance(node_or_line, int) else getattr(node_or_line, "line", 0)
        self.notes.append(Note(self.code, line, message))


@attrs.frozen
class PassContext:
    """What a pass may ask about the file being rewritten."""

    path: str | None
    build_context: BuildContext
    """What the build context holds (``--context``, or the Dockerfile's directory)."""
    buildkit_syntax: bool
    """True when BuildKit-only syntax (heredocs, COPY --link, RUN --mount)
    may be introduced: the file has a ``# syntax=`` line or the user opted in."""
    unsafe_fixes: bool = False
    runtime: str = "distroless"
    """The kind of base a split's runtime stage gets (``--runtime``)."""
    runtimes: tuple | None = attrs.field(default=None, eq=False)
    """The user's ``[tool.msb-refactor.runtimes]`` table and its file, if any."""
    test_stage: bool = False
    """A split moves RUN steps that only test into a ``test`` stage (``--test-stage``)."""
    bind_manifests: bool = False
    """Dependency manifests are bind-mounted into the install instead of copied (``--bind-manifests``, MSB205)."""

    def catalog(self):
        """The runtime catalog with the user's overrides (read once per table)."""
        from ..catalog import load_catalog

        if self.runtimes is None:
            return load_catalog()
        table, source = self.runtimes
        found = _CATALOGS.get(id(table))
        if found is None or found[0] is not table:
            found = _CATALOGS[id(table)] = (table, load_catalog(table, source=source))
        return found[1]


_CATALOGS: dict[int, tuple] = {}


class Pass:
    """Base class of every pass. Subclasses set ``code`` and ``name``, write
    the docstring in the fixed sections, and implement ``run``."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    runs_after: ClassVar[tuple[str, ...]] = ()
    """Codes of passes that must run before this one when both are selected."""
    changes_image: ClassVar[frozenset[str]] = frozenset()
    """Final-image settings this pass may change (``IMAGE_CONTRACT`` names);
    the engine fails a file whose edits change any other."""

    def outcome(self) -> Outcome:
        return Outcome(code=self.code)

    def run(self, tree: Dockerfile, ctx: PassContext) -> Outcome | Decline:  # pragma: no cover
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
PASS_MODULES: tuple[str, ...] = (
    "msb001_exec_form",
    "msb101_split",
    "msb301_non_root",
    "msb201_manifests_first",
    "msb202_package_hygiene",
    "msb203_npm_ci",
    "msb204_pip_no_cache",
    "msb205_cache_mounts",
    "msb206_dockerignore",
)

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
    """Every registered pass class, in run order (``run_order``)."""
    global _REGISTRY
    if _REGISTRY is None:
        found: list[type[Pass]] = []
        for modname in PASS_MODULES:
            mod = importlib.import_module(f"{__name__}.{modname}")
            classes = [
                c
                for c in vars(mod).values()
                if isinstance(c, type) and issubclass(c, Pass) and c is not Pass and c.__module__ == mod.__name__
            ]
            if len(classes) != 1:
                raise RuntimeError(f"{mod.__name__} must define exactly one Pass class")
            found.append(classes[0])
        found.extend(_EXTRA)
        codes = [c.code for c in found]
        if len(set(codes)) != len(codes):
            raise RuntimeError(f"duplicate pass codes: {codes}")
        _REGISTRY = run_order(found)
    return list(_REGISTRY)


def run_order(classes: Iterable[type[Pass]], strict: bool = True) -> list[type[Pass]]:
    """Code order, except that a pass runs after every pass it names in
    ``runs_after``. A cycle is a RuntimeError (at registry load, before any
    file is read), and so, when ``strict``, is a name that is no pass;
    otherwise passes not among ``classes`` (not selected) are ignored."""
    by_code = {c.code: c for c in classes}
    for c in by_code.values():
        strange = sorted(set(c.changes_image) - set(IMAGE_CONTRACT))
        if strange:
            raise RuntimeError(f"{c.code} declares changes to unknown image settings: {', '.join(strange)}")
        unknown = [d for d in c.runs_after if d not in by_code]
        if unknown and strict:
            raise RuntimeError(f"{c.code} runs after unknown pass(es): {', '.join(unknown)}")
    order: list[type[Pass]] = []
    state: dict[str, str] = {}  # code -> "visiting" | "done"

    def visit(c: type[Pass], path: list[str]) -> None:
        if state.get(c.code) == "done":
            return
        if state.get(c.code) == "visiting":
            cycle = path[path.index(c.code) :] + [c.code]
            raise RuntimeError(f"pass order has a cycle: {' -> '.join(cycle)}")
        state[c.code] = "visiting"
        for dep in sorted(c.runs_after):
            if dep in by_code:
                visit(by_code[dep], path + [c.code])
        state[c.code] = "done"
        order.append(c)

    for code in sorted(by_code):
        visit(by_code[code], [])
    return order


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


def select(
    select: Sequence[str] | None = None, ignore: Sequence[str] | None = None, passes: Iterable[type[Pass]] | None = None
) -> list[type[Pass]]:
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
    "IMAGE_CONTRACT",
    "Applicability",
    "SAFE",
    "unsafe",
    "Edit",
    "Note",
    "SideFile",
    "Decline",
    "Outcome",
    "PassContext",
    "Pass",
    "all_passes",
    "use_extra_passes",
    "run_order",
    "by_code",
    "select",
    "split_codes",
    "doc_sections",
    "fenced_code",
    "SelectionError",
]
