"""The README's first command shows what the tool is for: run on the sample it
names, the dry run proposes a split with a non-root runtime."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli_helpers import ROOT, msb


def test_the_readme_sample_is_split():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = re.search(r"msb-refactor (corpus/\S+/Dockerfile)\n", readme).group(1)
    p = msb(Path(ROOT) / sample, cwd=ROOT)
    assert p.returncode == 0, p.err
    assert "+FROM golang:1.19 AS builder" in p.out and "+FROM gcr.io/distroless/static-debian13" in p.out
    assert "+USER 65532:65532" in p.out
