"""One module per ecosystem. Each reads the single stage of a build and
returns a ``refactor.split.Plan``, a one-line reason why it cannot split it,
or None when the stage is not of its ecosystem. ``plan_split`` asks them in
order and returns the first answer.

A module says what it is with module attributes, so that adding one is
adding its name to ``MODULES``:

- ``TITLE``: its name for people ("Go"), in messages and docs;
- ``COMMANDS``: the commands it builds with, as regular expressions of the
  command name (``go``, ``g\\+\\+``);
- ``NEEDLES``: plain substrings, one of which every such command holds (a
  cheap test before the regular expression);
- ``EXAMPLE`` and ``FIXTURE_PREFIX``: the MSB101 fixture its docs page shows,
  and the prefix of its fixtures' names.
"""

from __future__ import annotations

import importlib
import re
from functools import cache

# In the order asked: a module that knows a package manager comes before the
# C/C++ one, since installing a package may compile native code with make.
# Python first: it claims only a stage that calls no other module's build
# command, and answers most without reading its RUNs as shell.
MODULES = ("python", "go", "rust", "jvm", "dotnet", "static", "nextjs", "node", "bun", "native")


@cache
def modules() -> tuple:
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in MODULES)


# A command starts after an operator or a keyword, behind assignments: a
# stage whose RUNs call none of the modules' commands is not read further.
# Most Dockerfiles build nothing these modules know.
_ASSIGNMENT = r"""[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)\s+"""


@cache
def build_words(reading_build_runs: bool = False) -> re.Pattern:
    """The modules' commands; with ``reading_build_runs``, only those of the
    modules that read ``StageFacts.build_runs`` (a module with
    ``READS_BUILD_RUNS = False``, such as Node's, reads its commands itself:
    recognising its RUNs for the others would be work nobody uses)."""
    chosen = [m for m in modules() if not reading_build_runs or getattr(m, "READS_BUILD_RUNS", True)]
    commands = "|".join(c for m in chosen for c in m.COMMANDS)
    return re.compile(
        r"(?:^|&&|;|\|\||\||\bthen|\bdo|\belse|\(|\{|`|\$\()\s*(?:" + _ASSIGNMENT + r")*"
        r"(?:\S*/)?(?:" + commands + r")(?=\s|$)",
        re.M,
    )


@cache
def _needles() -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for m in modules() for n in m.NEEDLES))


def _may_build(text: str) -> bool:
    # The search costs ~10 us a RUN; the substring test a few hundred ns.
    return any(n in text for n in _needles()) and build_words().search(text) is not None


def titles() -> str:
    """What the split knows ("Go, Rust, C/C++"), for messages."""
    return ", ".join(m.TITLE for m in modules())


def plan_split(tree, stage, ctx):
    from ..split import config_reads_base_variables, read_stage

    runs = [ins for ins in stage.instructions if ins.name == "RUN"]
    if not any(_may_build(ins.rest) or ins.heredocs for ins in runs):
        return None
    stage_facts = read_stage(tree, stage, ctx, build_words(reading_build_runs=True))
    if isinstance(stage_facts, str):
        return stage_facts
    for module in modules():
        answer = module.plan(tree, stage, ctx, stage_facts)
        if answer is not None:
            if isinstance(answer, str):
                return answer
            # Whatever the ecosystem: the runtime's base is another image.
            return config_reads_base_variables(tree, stage) or answer
    for ins, run in stage_facts.build_runs:  # no ecosystem saw a build: say what could not be read
        if run.unknown:
            return f"RUN at line {ins.line}: {run.unknown[0]}"
    return None
