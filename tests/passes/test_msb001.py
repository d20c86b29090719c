"""MSB001 against BuildKit's own parser: every rewrite reads back, in
BuildKit, as exec form with exactly the words /bin/sh would have run."""

from __future__ import annotations

from pathlib import Path

import pytest

from refactor.analysis.shellwords import simple_words
from tests.conftest import buildkit_commands_of

ROOT = Path(__file__).resolve().parents[2]
FIXED = sorted(p.parent for p in ROOT.glob("corpus/MSB001/*/Dockerfile.fixed"))


@pytest.mark.parametrize("case", FIXED, ids=[p.name for p in FIXED])
def test_buildkit_reads_the_rewrite_as_the_same_words(case):
    before = buildkit_commands_of((case / "Dockerfile").read_bytes().decode("utf-8"))
    after = buildkit_commands_of((case / "Dockerfile.fixed").read_bytes().decode("utf-8"))
    assert len(before) == len(after)
    rewritten = 0
    for b, a in zip(before, after, strict=False):
        assert b["cmd"] == a["cmd"]
        if b == a or b["cmd"].upper() not in ("CMD", "ENTRYPOINT") or b["json"]:
            assert b["value"] == a["value"]
            continue
        words = simple_words(b["value"][0])
        if words[0] == "exec":
            words = words[1:]
        assert a["json"] is True
        assert a["value"] == words
        rewritten += 1
    assert rewritten >= 1
