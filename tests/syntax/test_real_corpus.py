"""The whole shared corpus: byte-exact round trip, and BuildKit's reading."""

from __future__ import annotations

import pytest

import refactor
from refactor.syntax.commands import buildkit_commands

from ..conftest import buildkit, buildkit_commands_of, needs_real_corpus, real_corpus_files

pytestmark = [pytest.mark.corpus, needs_real_corpus]


def test_every_real_dockerfile_prints_back_byte_for_byte():
    files = real_corpus_files()
    assert len(files) >= 3733
    differing = []
    for path in files:
        text = path.read_bytes().decode("utf-8")
        if refactor.parse(text, str(path)).code != text:
            differing.append(path.name)
    assert differing == []


def test_every_real_dockerfile_buildkit_accepts_reads_the_same():
    dockerfile = buildkit()
    compared = 0
    disagreements = []
    for path in real_corpus_files():
        text = path.read_bytes().decode("utf-8")
        try:
            expected = buildkit_commands_of(text)
        except dockerfile.GoParseError:
            continue  # BuildKit refuses it; nothing to agree with
        compared += 1
        ours = buildkit_commands(refactor.parse(text, str(path)))
        if ours != expected:
            first = next((i for i, (a, b) in enumerate(zip(ours, expected)) if a != b), min(len(ours), len(expected)))
            disagreements.append(f"{path.name}: instruction {first}")
    assert compared >= 3700
    assert disagreements == []
