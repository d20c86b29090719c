"""Test runners of the ecosystems without a recogniser of their own yet
(Node, Python, JVM), so that a split keeps their step in the builder."""

from __future__ import annotations

from .model import Findings, TestStep
from .site import Invocation

# Command -> the leading arguments that make it a test run (empty: any).
TEST_COMMANDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "npm": (("test",), ("t",), ("run", "test"), ("run-script", "test")),
    "yarn": (("test",), ("run", "test")),
    "pnpm": (("test",), ("t",), ("run", "test")),
    "bun": (("test",),),
    "pytest": ((),),
    "py.test": ((),),
    "tox": ((),),
    "nox": ((),),
    "python": (("-m", "pytest"), ("-m", "unittest")),
    "python3": (("-m", "pytest"), ("-m", "unittest")),
    "mvn": (("test",), ("verify",)),
    "gradle": (("test",), ("check",)),
    "./gradlew": (("test",), ("check",)),
    "dotnet": (("test",),),
}
COMMANDS = frozenset(name.rsplit("/", 1)[-1] for name in TEST_COMMANDS)


def recognise(inv: Invocation) -> Findings | None:
    words = [a.value for a in inv.args]
    for command, prefixes in TEST_COMMANDS.items():
        if command.rsplit("/", 1)[-1] != inv.name:
            continue
        for prefix in prefixes:
            if tuple(words[: len(prefix)]) == prefix:
                return Findings(tests=(TestStep(inv.name, "test", inv.cwd, inv.cmd),))
    return None
