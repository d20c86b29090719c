"""Every pass over the whole shared corpus: no crash, no traceback, and
every failure a one-line message (a syntax error adds its line and caret)."""

from __future__ import annotations

import re
import shutil

import pytest

from refactor.engine import Status, refactor_text
from refactor.files import decode
from tests.cli_helpers import msb
from tests.conftest import needs_real_corpus, real_corpus_files

pytestmark = [needs_real_corpus, pytest.mark.corpus]

SYNTAX_ERROR = re.compile(r"^[^\n]+:\d+:\d+: [^\n]+\n    [^\n]*\n    *\^$")


def _one_line_or_located(error: str) -> bool:
    return "\n" not in error or bool(SYNTAX_ERROR.match(error))


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe-fixes"])
def test_engine_over_corpus(unsafe):
    files = real_corpus_files()
    assert len(files) > 3000
    counts = {s: 0 for s in Status}
    bad = []
    for path in files:
        try:
            text = decode(path.read_bytes())
        except ValueError:
            counts[Status.SKIPPED] += 1
            continue
        r = refactor_text(text, str(path), unsafe_fixes=unsafe)
        counts[r.status] += 1
        if r.status is Status.FAILED and (not _one_line_or_located(r.error) or "internal error" in r.error):
            bad.append(r.error)
        if r.status is Status.CHANGED:
            assert (r.output != text or r.extra_files) and r.changes  # or only a file beside it (MSB206)
    assert not bad, bad[:5]
    assert counts[Status.CHANGED] > 50  # MSB001 has real work in this corpus
    print({s.value: n for s, n in counts.items()})


def materialise(dest):
    """Copy the corpus into a tree the command discovers: ``a__b__Dockerfile``
    becomes ``a__b/Dockerfile``."""
    for path in real_corpus_files():
        head, _, name = path.name.rpartition("__")
        target = dest / (head or "_") / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def test_command_writes_whole_corpus_then_check_is_clean(tmp_path):
    materialise(tmp_path)
    p = msb("--write", "--unsafe-fixes", "-j", "2", tmp_path, timeout=600)
    assert p.returncode in (0, 123), p.err[-2000:]
    for line in p.err.splitlines():
        assert not line.startswith(("Traceback", "  File ")), line
    failures = [ln for ln in p.err.splitlines() if "internal error" in ln]
    assert not failures, failures[:5]
    summary = p.err.strip().splitlines()[-1]
    assert re.match(r"^\d+ files: \d+ changed, \d+ unchanged, \d+ skipped, \d+ failed in ", summary), summary
    assert int(summary.split()[0]) == len(real_corpus_files())
    again = msb("--check", "--unsafe-fixes", "-j", "2", "-q", tmp_path, timeout=600)
    assert again.returncode == p.returncode  # nothing more to change (failures stay failures)
    assert "would change" not in again.err
