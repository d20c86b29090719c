"""Shared test helpers: where the shared corpus is, and BuildKit's parser.

What the suite needs from outside the repository (BuildKit's parser, the
shared corpus, container builds) and when its absence fails instead of
skipping is in tests/required.py.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# pytest_runtest_setup is the hook that skips or fails `corpus` tests; it
# is imported here so that pytest finds it for the whole suite.
from tests.required import (  # noqa: F401
    REAL_CORPUS,
    ROOT,
    buildkit,
    pytest_runtest_setup,
    real_corpus_files,
)

# CI runs at least 1,000 generated examples per property (issue 2).
settings.register_profile("ci", max_examples=1000, deadline=None)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: tests that read the shared corpus (tests/required.py skips, or fails, them without it)
needs_real_corpus = pytest.mark.corpus


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
            "heredocs": [
                {"name": h.name, "file_descriptor": h.file_descriptor, "content": h.content} for h in c.heredocs
            ],
        }
        for c in dockerfile.parse_string(text)
    ]
