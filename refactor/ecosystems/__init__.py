"""One module per ecosystem. Each reads the single stage of a build and
returns a ``refactor.split.Plan``, a one-line reason why it cannot split it,
or None when the stage is not of its ecosystem. ``plan_split`` asks them in
order and returns the first answer."""

from __future__ import annotations

import importlib
import re

MODULES = ("go", "rust", "native")
# The commands the modules build with: a stage whose RUNs name none of them
# is not read further (most Dockerfiles build nothing these modules know).
BUILD_WORDS = re.compile(r"\b(?:go|cargo|rustc|make|cmake|gcc|g\+\+|cc|c\+\+|clang|clang\+\+)\b")


def plan_split(tree, stage, ctx):
    from ..split import read_stage

    runs = [ins for ins in stage.instructions if ins.name == "RUN"]
    if not any(BUILD_WORDS.search(ins.rest) or ins.heredocs for ins in runs):
        return None
    stage_facts = read_stage(tree, stage, ctx)
    if isinstance(stage_facts, str):
        return stage_facts
    for name in MODULES:
        answer = importlib.import_module(f"{__name__}.{name}").plan(tree, stage, ctx, stage_facts)
        if answer is not None:
            return answer
    for ins, run in stage_facts.runs:  # no ecosystem saw a build: say what could not be read
        if run.unknown:
            return f"RUN at line {ins.line}: {run.unknown[0]}"
    return None
