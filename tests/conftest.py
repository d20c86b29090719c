"""Shared test helpers: where the shared corpus is, and BuildKit's parser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
REAL_CORPUS = Path(os.environ.get("MSB_REAL_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))

# CI runs at least 1,000 generated examples per property (issue 2).
settings.register_profile("ci", max_examples=1000, deadline=None)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def real_corpus_files() -> list[Path]:
    if not REAL_CORPUS.is_dir():
        return []
    return sorted(p for p in REAL_CORPUS.iterdir() if p.name != "MANIFEST.tsv")


needs_real_corpus = pytest.mark.skipif(
    not REAL_CORPUS.is_dir(),
    reason=f"the shared corpus is not at {REAL_CORPUS} (set MSB_REAL_CORPUS); .ci/run has it",
)


def buildkit():
    """BuildKit's parser (the `dockerfile` package), or skip when missing."""
    return pytest.importorskip("dockerfile", reason="BuildKit's parser: pip install dockerfile (a test extra)")


def buildkit_commands_of(text: str) -> list[dict]:
    """BuildKit's reading of ``text`` in the fields of ``parse --json``."""
    dockerfile = buildkit()
    return [
        {
            "cmd": c.cmd,
            "sub_cmd": c.sub_cmd,
            "json": c.json,
            "original": c.original,
            "start_line": c.start_line,
            "end_line": c.end_line,
            "flags": list(c.flags),
            "value": list(c.value),
            "heredocs": [{"name": h.name, "file_descriptor": h.file_descriptor, "content": h.content} for h in c.heredocs],
        }
        for c in dockerfile.parse_string(text)
    ]
