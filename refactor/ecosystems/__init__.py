"""One module per ecosystem. Each reads the single stage of a build and
returns a ``refactor.split.Plan``, a one-line reason why it cannot split it,
or None when the stage is not of its ecosystem. ``plan_split`` asks them in
order and returns the first answer."""

from __future__ import annotations

import importlib
import re

MODULES = ("go", "rust", "native")
# The commands the modules build with, where a command starts (after an
# operator or a keyword, behind assignments): a stage whose RUNs call none of
# them is not read further. Most Dockerfiles build nothing these modules know,
# and installing gcc or make is not building with them.
_ASSIGNMENT = r"""[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s+"""
BUILD_WORDS = re.compile(
    r"(?:^|&&|;|\|\||\||\bthen|\bdo|\belse|\(|\{|`|\$\()\s*(?:" + _ASSIGNMENT + r")*"
    r"(?:\S*/)?(?:go|cargo|rustc|make|gmake|cmake|gcc|g\+\+|cc|c\+\+|clang|clang\+\+|\./configure)(?=\s|$)",
    re.M,
)

# Each command BUILD_WORDS finds holds one of these: a text with none of them
# is not searched (the search costs ~10 us a RUN; this test a few hundred ns).
_NEEDLES = ("go", "rustc", "make", "cc", "g++", "c++", "clang", "configure")


def _may_build(text: str) -> bool:
    return any(n in text for n in _NEEDLES) and BUILD_WORDS.search(text) is not None


def plan_split(tree, stage, ctx):
    from ..split import read_stage

    runs = [ins for ins in stage.instructions if ins.name == "RUN"]
    if not any(_may_build(ins.rest) or ins.heredocs for ins in runs):
        return None
    stage_facts = read_stage(tree, stage, ctx, BUILD_WORDS)
    if isinstance(stage_facts, str):
        return stage_facts
    for name in MODULES:
        answer = importlib.import_module(f"{__name__}.{name}").plan(tree, stage, ctx, stage_facts)
        if answer is not None:
            return answer
    for ins, run in stage_facts.build_runs:  # no ecosystem saw a build: say what could not be read
        if run.unknown:
            return f"RUN at line {ins.line}: {run.unknown[0]}"
    return None
