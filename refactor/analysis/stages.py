"""Which stages a stage is built on or takes files from, within one Dockerfile.

``stage_graph(tree)`` resolves every stage reference as BuildKit's
``dockerfile2llb`` does:

* ``FROM x``: ``x`` (after expanding the global ARGs, those declared
  before the first FROM) names an *earlier* stage, by name, compared
  case-insensitively (BuildKit lower-cases stage names); anything else,
  a number included (``FROM 0``), is an image.
* ``COPY --from=x``: a stage name (case-insensitive) or a stage index
  (``--from=0``); anything else is an image. Naming this stage or a later
  one fails the build, and BuildKit refuses a variable in ``--from``.
* ``RUN --mount=from=x``: a stage by name only (an index is an image);
  ``type=tmpfs`` takes nothing, ``type=cache`` without ``from`` nothing.

The final stage is the last one (``--target`` is not considered).

``stage_of``, ``ancestry`` and ``before`` are the older helpers MSB001 uses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import attrs

from ..syntax.nodes import Add, Arg, CopyLike, Dockerfile, From, Instruction, Run, Stage
from .expand import ExpansionError, Scope, Var, expand, expand_exact

# BuildKit's defaultArgs: set for FROM lines and for `ARG NAME` in a stage,
# from the platforms of the build (unknown here).
PLATFORM_ARGS = (
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
)
_GO_INT = re.compile(r"[+-]?[0-9]+\Z")  # what Go's strconv.Atoi accepts


@attrs.frozen
class Edge:
    """One use of a stage or an image by a stage.

    ``kind``: ``"from"``, ``"copy"`` (COPY or ADD ``--from``) or
    ``"mount"`` (``RUN --mount=from=``). ``ref`` is the reference as
    written (for FROM, expanded when it could be). ``stage`` is the
    earlier stage it names, ``image`` the image otherwise; both are None
    when it cannot be resolved, and ``problem`` says why (unknown ARG, or
    what makes BuildKit fail the build).
    """

    kind: str
    ref: str
    stage: int | None
    image: str | None
    problem: str | None = None
    node: Instruction | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class StageInfo:
    """A stage and what it uses: ``base`` is its FROM, ``uses`` the
    ``--from`` and mount references of its instructions, in order."""

    index: int
    name: str | None  # lower case, as BuildKit keeps it
    base: Edge
    uses: tuple[Edge, ...]
    stage: Stage = attrs.field(eq=False, repr=False)

    @property
    def parent(self) -> int | None:
        """The earlier stage this one is built FROM, if any."""
        return self.base.stage

    @property
    def deps(self) -> tuple[int, ...]:
        """Stages this one needs directly (its parent first), each once."""
        found = [e.stage for e in (self.base, *self.uses) if e.stage is not None]
        return tuple(dict.fromkeys(found))


class StageGraph:
    """Every stage, its parent and the stages it copies or mounts from."""

    def __init__(self, stages: tuple[StageInfo, ...], global_scope: Scope) -> None:
        self.stages = stages
        self.global_scope = global_scope  # the variables FROM lines see
        self._by_node = {id(n): s.index for s in stages for n in s.stage.nodes}

    def __len__(self) -> int:
        return len(self.stages)

    def __iter__(self):
        return iter(self.stages)

    def __getitem__(self, index: int) -> StageInfo:
        return self.stages[index]

    @property
    def final(self) -> StageInfo | None:
        """The last stage: what a build without ``--target`` produces."""
        return self.stages[-1] if self.stages else None

    def by_name(self, name: str) -> StageInfo | None:
        """The stage ``--from=name`` names (the last with that name)."""
        low = name.lower()
        for s in reversed(self.stages):
            if s.name == low:
                return s
        return None

    def stage_of(self, node: Instruction) -> StageInfo | None:
        """The stage holding ``node`` (by identity), None outside any stage."""
        index = self._by_node.get(id(node))
        if index is None or not any(n is node for n in self.stages[index].stage.nodes):
            return None
        return self.stages[index]

    def chain(self, stage: int) -> tuple[StageInfo, ...]:
        """``stage`` and the stages it is built FROM, nearest first."""
        out = [self.stages[stage]]
        while out[-1].parent is not None:
            out.append(self.stages[out[-1].parent])
        return tuple(out)

    def root(self, stage: int) -> Edge:
        """The FROM the chain of ``stage`` starts with (an image, or unresolved)."""
        return self.chain(stage)[-1].base

    def needed_by(self, stage: int) -> frozenset[int]:
        """``stage`` and every stage it needs, transitively."""
        seen: set[int] = set()
        todo = [stage]
        while todo:
            i = todo.pop()
            if i not in seen:
                seen.add(i)
                todo.extend(self.stages[i].deps)
        return frozenset(seen)

    @property
    def needed_by_final(self) -> frozenset[int]:
        """The stages a build of the final stage runs (the final one included)."""
        return self.needed_by(len(self.stages) - 1) if self.stages else frozenset()

    def users_of(self, stage: int) -> tuple[Edge, ...]:
        """Every edge, in any stage, that names ``stage``."""
        return tuple(e for s in self.stages for e in (s.base, *s.uses) if e.stage == stage)


@functools.cache
def _platform_vars() -> dict[str, Var]:
    """The platform ARGs every file starts with (Var is immutable: made once; Scope copies the dict)."""
    return {n: Var(n, None, "platform ARG", f"${n} depends on the build's platform") for n in PLATFORM_ARGS}


def global_scopes(tree: Dockerfile) -> tuple[Scope, dict[int, Scope]]:
    """The global scope (what FROM lines see) and the scope before each ARG
    that precedes the first FROM (by id of the node).

    BuildKit's buildMetaArgs: the platform ARGs are set; each global ARG
    with a default takes it (expanded with what came before); one without
    a default keeps what it had, or only ``--build-arg`` sets it.
    """
    scope = Scope(_platform_vars())
    before: dict[int, Scope] = {}
    for node in tree.body:
        if isinstance(node, From):
            break
        if not isinstance(node, Arg):
            continue
        before[id(node)] = scope
        for word in node.value:
            name, eq, raw = word.partition("=")
            if eq:
                exp = expand(raw, scope, tree.escape)
                reason = f"ARG {name}: {exp.reason} (BuildKit fails the build)" if exp.error else exp.reason
                scope = scope.set(Var(name, exp.text, "global ARG", reason, raw=raw, node=node))
            elif name not in scope:
                reason = f"ARG {name} has no default: only --build-arg {name} sets it"
                scope = scope.set(Var(name, None, "global ARG", reason, node=node))
    return scope, before


def stage_graph(tree: Dockerfile, global_scope: Scope | None = None) -> StageGraph:
    """Resolve every stage reference of ``tree`` (see the module docstring)."""
    if global_scope is None:
        global_scope = global_scopes(tree)[0]
    stages = tree.stages
    names = [s.name.lower() if s.name else None for s in stages]
    infos = []
    for stage in stages:
        base = _from_edge(stage, names, global_scope, tree.escape)
        uses = tuple(_uses(stage, names))
        infos.append(StageInfo(stage.index, names[stage.index], base, uses, stage))
    return StageGraph(tuple(infos), global_scope)


def _from_edge(stage: Stage, names: list, scope: Scope, escape: str) -> Edge:
    node = stage.from_
    written = node.image
    exp = expand(written, scope, escape)
    if exp.text is None:
        return Edge("from", written, None, None, exp.reason, node)
    ref = exp.text
    if ref == "":
        return Edge("from", ref, None, None, f"base name ({written}) should not be blank", node)
    low = ref.lower()
    for i in range(stage.index - 1, -1, -1):
        if names[i] == low:
            return Edge("from", ref, i, None, None, node)
    return Edge("from", ref, None, ref, None, node)


def _uses(stage: Stage, names: list) -> Iterable[Edge]:
    for ins in stage.instructions:
        if isinstance(ins, CopyLike) and ins.from_stage is not None:
            yield _copy_edge(ins, stage.index, names)
        elif isinstance(ins, Run):
            for mount in ins.mounts:
                ref = mount.get("from")
                if ref and mount.get("type", "bind") != "tmpfs":
                    yield _named_edge("mount", ins, ref, stage.index, names)


def _copy_edge(ins: CopyLike, current: int, names: list) -> Edge:
    ref = ins.from_stage
    if isinstance(ins, Add):
        return Edge("copy", ref, None, None, "ADD has no --from flag: BuildKit fails the build", ins)
    try:
        same = expand_exact(ref, {}) == ref
    except ExpansionError:
        same = False
    if not same:
        return Edge("copy", ref, None, None, "BuildKit does not expand variables in --from: the build fails", ins)
    if _GO_INT.match(ref):
        index = int(ref)
        if index < 0 or index >= len(names):
            return Edge("copy", ref, None, None, f"invalid stage index {index}: the build fails", ins)
        if index >= current:
            return Edge(
                "copy", ref, None, None, f"stage {index} is not defined before this stage: the build fails", ins
            )
        return Edge("copy", ref, index, None, None, ins)
    return _named_edge("copy", ins, ref, current, names)


def _named_edge(kind: str, ins: Instruction, ref: str, current: int, names: list) -> Edge:
    if "$" in ref and kind == "mount":
        return Edge(kind, ref, None, None, "a variable in a mount's from= is not resolved here", ins)
    low = ref.lower()
    for i in range(len(names) - 1, -1, -1):
        if names[i] == low:
            if i >= current:
                return Edge(kind, ref, None, None, f"stage {ref!r} is not defined before this stage", ins)
            return Edge(kind, ref, i, None, None, ins)
    return Edge(kind, ref, None, ref, None, ins)


# -- older helpers (MSB001) ---------------------------------------------------


def stage_of(tree: Dockerfile, node: Instruction) -> Stage | None:
    """The stage whose body holds ``node`` (None before the first FROM)."""
    for stage in tree.stages:
        if any(n is node for n in stage.nodes):
            return stage
    return None


def ancestry(tree: Dockerfile, stage: Stage, stages: tuple[Stage, ...] | None = None) -> list[Stage]:
    """``stage`` and the earlier stages it is built FROM, nearest first.

    ``FROM builder`` continues a stage named ``builder`` (names are
    case-insensitive; an index such as ``FROM 0`` is not a stage reference
    in FROM). Pass ``stages`` (``tree.stages``) when calling in a loop.
    """
    if stages is None:
        stages = tree.stages
    chain = [stage]
    seen = {stage.index}
    current = stage
    while True:
        image = current.from_.image.lower()
        parent = None
        for s in stages[: current.index]:
            if s.name and s.name.lower() == image:
                parent = s
        if parent is None or parent.index in seen:
            return chain
        chain.append(parent)
        seen.add(parent.index)
        current = parent


def before(stage: Stage, node: Instruction) -> tuple[Instruction, ...]:
    """The instructions of ``stage`` up to (not including) ``node``."""
    out = []
    for n in stage.instructions:
        if n is node:
            break
        out.append(n)
    return tuple(out)
