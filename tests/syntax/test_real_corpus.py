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
            first = next(
                (i for i, (a, b) in enumerate(zip(ours, expected, strict=False)) if a != b),
                min(len(ours), len(expected)),
            )
            disagreements.append(f"{path.name}: instruction {first}")
    assert compared >= 3700
    assert disagreements == []


def test_parse_json_command_prints_buildkits_reading_of_the_whole_corpus(tmp_path):
    """`msb-refactor parse --json` over every file, compared field for field."""
    import json
    import subprocess
    import sys

    dockerfile = buildkit()
    files = real_corpus_files()
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(str(p) for p in files))
    # All files in one run of the real command (xargs keeps argv within limits).
    out = subprocess.run(
        f"xargs -d '\\n' {sys.executable} -m refactor parse --json < {listing}",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    printed = []
    for chunk in out.stdout.split("\n]\n"):
        if chunk.strip():
            printed.extend(json.loads(chunk + "\n]"))
    assert len(printed) == len(files)
    compared = 0
    for entry, path in zip(printed, files, strict=False):
        assert entry["path"] == str(path)
        try:
            expected = buildkit_commands_of(path.read_bytes().decode("utf-8"))
        except dockerfile.GoParseError:
            assert entry["commands"] == []  # the comments-only file
            continue
        assert entry["commands"] == expected, path.name
        compared += 1
    assert compared >= 3700
