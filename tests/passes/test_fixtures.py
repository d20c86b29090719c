"""Every pass fixture, corpus/<CODE>/<case>/: the whole outcome, exactly.

The format (case.toml for inputs, the generated expected.toml and
Dockerfile.fixed) is described in tests/pass_fixtures.py; after a change
of behaviour, `python scripts/update_fixtures.py` rewrites the expectations
and the diff is reviewed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pass_fixtures import CORPUS, EXPECTED, FIXED, ROOT, all_cases, run_case, update

CASES = all_cases()


def test_there_are_fixtures_for_every_pass():
    from refactor.passes import all_passes

    codes = {p.parent.name for p in CASES}
    missing = {c.code for c in all_passes()} - codes
    assert not missing, f"passes without fixtures: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture(case: Path):
    run = run_case(case)
    assert not run.problems, "\n".join(run.problems)
    differences = run.differences()
    assert not differences, "\n".join(differences) + "\nrun `python scripts/update_fixtures.py` and review the diff"


def copy_case(name: str, tmp_path: Path) -> Path:
    """A case outside the corpus (a pass code as its parent folder)."""
    case = tmp_path / "MSB001" / name
    shutil.copytree(CORPUS / "MSB001" / name, case)
    return case


def test_a_declined_file_needs_case_toml_to_say_so(tmp_path):
    case = copy_case("backtick-escape", tmp_path)
    assert run_case(case).problems == ()
    (case / "case.toml").unlink()
    problems = run_case(case).problems
    assert len(problems) == 1 and "the pass declines the whole file (MSB001: the file uses the backtick" in problems[0]
    assert 'declined = "<part of the reason>"' in problems[0]
    # ... and a case.toml that says declined when the pass does not decline is stale
    other = copy_case("basic-cmd", tmp_path)
    (other / "case.toml").write_text('declined = "backtick"\n')
    assert "case.toml says declined = 'backtick', but the result is changed" in run_case(other).problems[0]
    # outcomes are not inputs: they belong in expected.toml
    (other / "case.toml").write_text('notes = ["x"]\n')
    assert "unknown key 'notes'" in run_case(other).problems[0]


def test_the_stability_run_gets_the_fixtures_own_build_context(tmp_path, monkeypatch):
    """Both runs see the fixture's folder: a pass that asks about the build
    context gets the same answer the second time."""
    from refactor import engine

    seen = []
    real = engine.refactor_text

    def spy(text, path, passes=None, **kw):
        seen.append(kw["build_context"])
        return real(text, path, passes, **kw)

    monkeypatch.setattr(engine, "refactor_text", spy)
    case = copy_case("basic-cmd", tmp_path)
    assert run_case(case).problems == ()
    assert len(seen) == 2  # the run, and the run over its output
    roots = {Path(c.root).resolve() for c in seen}
    assert roots == {case.resolve()}


def test_every_part_of_the_outcome_is_compared(tmp_path):
    case = copy_case("entrypoint-with-cmd", tmp_path)
    expected = (case / EXPECTED).read_text()
    for old, new in [
        ("MSB001:2:unsafe", "MSB001:3:unsafe"),
        ("[unsafe: CMD at line 3", "[unsafe: CMD at line 4"),
        ("notes = []", 'notes = ["MSB001:3:CMD left in shell form"]'),
        ("unsafe-available = 0", "unsafe-available = 1"),
        ('status = "changed"', 'status = "unchanged"'),
    ]:
        assert old in expected, old
        (case / EXPECTED).write_text(expected.replace(old, new))
        assert run_case(case).differences(), (old, new)
    (case / EXPECTED).write_text(expected)
    (case / FIXED).write_bytes((case / FIXED).read_bytes().replace(b"\n", b"\r\n"))
    assert run_case(case).differences()
    (case / FIXED).unlink()
    assert "(missing)" in run_case(case).differences()[0]


def test_update_writes_checks_and_removes(tmp_path):
    import io

    changed, left_alone = copy_case("basic-cmd", tmp_path), copy_case("already-exec", tmp_path)
    (changed / EXPECTED).unlink()
    (left_alone / FIXED).write_text("stale\n")  # the pass does not change this file
    out, err = io.StringIO(), io.StringIO()
    assert update([changed, left_alone], check=True, out=out, err=err) == 1
    assert "expected.toml (missing)" in err.getvalue() and "should not exist" in err.getvalue()
    assert not (changed / EXPECTED).exists()  # --check writes nothing
    assert update([changed, left_alone], out=out, err=err) == 0
    assert f"wrote {changed / EXPECTED}" in out.getvalue() and f"removed {left_alone / FIXED}" in out.getvalue()
    assert (changed / EXPECTED).read_bytes() == (CORPUS / "MSB001" / "basic-cmd" / EXPECTED).read_bytes()
    assert update([changed, left_alone], check=True, out=out, err=err) == 0
    # A case with problems is never written: an expectation must not record a failure.
    (left_alone / "case.toml").write_text('declined = "nothing"\n')
    before = (left_alone / EXPECTED).read_bytes()
    assert update([left_alone], out=out, err=err) == 1 and (left_alone / EXPECTED).read_bytes() == before


def test_update_script_runs_from_a_checkout(tmp_path):
    case = copy_case("basic-cmd", tmp_path)
    script = [sys.executable, str(ROOT / "scripts" / "update_fixtures.py")]
    p = subprocess.run([*script, "--check", str(case)], capture_output=True, text=True, timeout=120, check=False)
    assert p.returncode == 0, p.stderr
    (case / EXPECTED).write_text((case / EXPECTED).read_text().replace("MSB001:4:", "MSB001:5:"))
    p = subprocess.run([*script, "--check", str(case)], capture_output=True, text=True, timeout=120, check=False)
    assert p.returncode == 1 and '-    "MSB001:5:safe' in p.stderr and '+    "MSB001:4:safe' in p.stderr
    p = subprocess.run([*script, str(tmp_path)], capture_output=True, text=True, timeout=120, check=False)
    assert p.returncode == 2 and "not a fixture" in p.stderr
