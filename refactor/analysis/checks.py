"""What BuildKit needs of a multi-stage file, as a set of problems.

The engine compares a pass's result with what it started from: a problem the
result has and the input did not (a ``COPY --from`` that names no earlier
stage, a stage that reads an ARG it does not declare, a final stage that
other stages build on) fails the file with the pass named. Problems are
phrased without line numbers, so the same problem before and after an edit
compares equal.
"""

from __future__ import annotations

from ..syntax.nodes import Arg, Dockerfile
from . import facts
from .expand import references

# Instructions whose words BuildKit expands (RUN, CMD and ENTRYPOINT are the shell's).
EXPANDED = frozenset({"ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"})


def stage_problems(tree: Dockerfile) -> frozenset[str]:
    """The tree's problems; computed once per tree (the engine asks of a
    pass's input what it asked of the previous pass's output)."""
    memo = facts(tree).memo
    found = memo.get(_MEMO)
    if found is None:
        found = memo[_MEMO] = _stage_problems(tree)
    return found


_MEMO = "checks.stage_problems"


def _stage_problems(tree: Dockerfile) -> frozenset[str]:
    declared_args = {name for ins in tree.instructions if isinstance(ins, Arg) for name, _ in ins.pairs}
    if (
        len(tree.stages) <= 1
        and not declared_args
        and not any(f.name in ("from", "mount") for ins in tree.instructions for f in ins.flags)
    ):
        return frozenset()  # one stage, no ARG, no --from: nothing to get wrong (the common case, kept cheap)
    found = facts(tree)
    graph = found.stages
    problems: set[str] = set()
    for info in graph:
        for edge in info.uses:
            if edge.problem:
                problems.add(f"{edge.kind} --from={edge.ref}: {edge.problem}")
            elif edge.stage is None:
                problems.add(f"{edge.kind} --from={edge.ref} names no earlier stage")
        for ins in info.stage.instructions[1:]:
            if ins.name not in EXPANDED or "$" not in ins.rest:
                continue
            scope = found.scope_before(ins)
            for name in references(ins.rest, tree.escape):
                var = scope.lookup(name)
                if name in declared_args and (var is None or var.source == "base image"):
                    problems.add(f"stage {info.name or info.index} reads ${name} without declaring ARG {name}")
    final = graph.final
    if final is not None and len(graph) > 1:
        for info in graph:
            if info is not final and final.index in info.deps:
                problems.add(f"stage {info.name or info.index} builds on the final stage")
    return frozenset(problems)
