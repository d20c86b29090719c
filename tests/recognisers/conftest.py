"""Recognising RUN commands in small Dockerfiles with small build contexts."""

from __future__ import annotations

from pathlib import Path

import pytest

import refactor
from refactor.context import BuildContext
from refactor.recognisers import RunFacts, recognise_run
from refactor.syntax.nodes import Run


def write_context(root: Path, files: dict[str, str]) -> BuildContext:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return BuildContext(root)


@pytest.fixture
def recognise(tmp_path):
    """``recognise(dockerfile, files, run=-1)``: the RunFacts of one RUN
    (the last by default) with ``files`` as the build context."""

    calls = []

    def run(dockerfile: str, files: dict[str, str] | None = None, index: int = -1) -> RunFacts:
        calls.append(1)  # a fresh context per call
        context = write_context(tmp_path / f"ctx{len(calls)}", files or {})
        tree = refactor.parse(dockerfile)
        runs = [i for i in tree.instructions if isinstance(i, Run)]
        return recognise_run(tree, runs[index], context)

    return run
