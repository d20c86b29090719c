"""Which stages a stage is built on, within one Dockerfile."""

from __future__ import annotations

from ..syntax.nodes import Dockerfile, Instruction, Stage


def stage_of(tree: Dockerfile, node: Instruction) -> Stage | None:
    """The stage whose body holds ``node`` (None before the first FROM)."""
    for stage in tree.stages:
        if any(n is node for n in stage.nodes):
            return stage
    return None


def ancestry(tree: Dockerfile, stage: Stage, stages: "tuple[Stage, ...] | None" = None) -> list[Stage]:
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
