"""Every pass fixture: corpus/<CODE>/<case>/Dockerfile -> Dockerfile.fixed.

No ``Dockerfile.fixed`` means the pass must leave the file alone. An
optional ``case.toml`` sets ``unsafe-fixes`` and states expectations:
``notes`` (substrings of the notes), ``changes`` (``CODE:line:safety``),
``unsafe-available``, ``declined``, ``skipped``. Bytes are compared exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from refactor import parse
from refactor.engine import Status, refactor_text
from refactor.files import decode, encode
from refactor.passes import select

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted(p for p in ROOT.glob("corpus/MSB*/*") if (p / "Dockerfile").is_file())


def test_there_are_fixtures_for_every_pass():
    from refactor.passes import all_passes

    codes = {p.parent.name for p in CASES}
    missing = {c.code for c in all_passes()} - codes
    assert not missing, f"passes without fixtures: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture(case: Path):
    code = case.parent.name
    spec = tomllib.loads((case / "case.toml").read_text()) if (case / "case.toml").is_file() else {}
    unsafe = spec.get("unsafe-fixes", False)
    passes = select([code])
    source = decode((case / "Dockerfile").read_bytes())
    result = refactor_text(source, str(case / "Dockerfile"), passes, unsafe_fixes=unsafe)
    assert result.status is not Status.FAILED, result.error
    fixed = case / "Dockerfile.fixed"
    if fixed.is_file():
        assert result.status is Status.CHANGED, (result.status, result.notes, result.reason)
        out = encode(result.output)
        assert out == fixed.read_bytes()
        # The output parses, prints back byte for byte, and a second run changes nothing.
        tree = parse(result.output)
        assert tree.code == result.output
        again = refactor_text(result.output, "again", passes, unsafe_fixes=unsafe)
        assert again.status is Status.UNCHANGED, again.changes
    else:
        assert result.status in (Status.UNCHANGED, Status.SKIPPED)
        assert result.output is None
        assert not result.changes
    notes = [n.message for n in result.notes]
    for want in spec.get("notes", []):
        assert any(want in n for n in notes), (want, notes)
    if "changes" in spec:
        got = [f"{c.code}:{c.line}:{c.applicability}" for c in result.changes]
        assert got == spec["changes"]
    if "unsafe-available" in spec:
        assert result.unsafe_available == spec["unsafe-available"]
    if "declined" in spec:
        assert result.status is Status.SKIPPED and spec["declined"] in result.reason
    if "skipped" in spec:
        assert result.status is Status.SKIPPED and spec["skipped"] in result.reason
