"""`msb-refactor --verify` end to end: the real command builds the original
and the rewrite of sample apps, reports both, and writes a rewrite only when
it builds and behaves the same."""

import shutil

import pytest

from tests.apps import APPS_DIR, load_app
from tests.cli_helpers import msb

pytestmark = pytest.mark.e2e


def copy_app(name: str, tmp_path):
    app = load_app(APPS_DIR / name)
    dest = tmp_path / name
    shutil.copytree(app.dir, dest)
    return app, dest


def selftest_args(app) -> list[str]:
    return [f"--verify-env={k}={v}" for k, v in app.selftest_env.items()]


@pytest.mark.parametrize("name", ["c-make", "go-cmd"])
def test_verify_builds_both_and_writes_a_rewrite_that_behaves_the_same(name, engine, tmp_path):
    app, dest = copy_app(name, tmp_path)
    dockerfile = dest / "Dockerfile"
    before = dockerfile.read_text()
    p = msb("--write", "--verify", *selftest_args(app), dockerfile, timeout=1800)
    print(p.err)
    assert p.returncode == 0, p.err
    after = dockerfile.read_text()
    assert after != before and after.rstrip().endswith('"]')  # MSB001 made CMD exec form
    report = [ln.split(": verify: ", 1)[1] for ln in p.err.splitlines() if ": verify: " in ln]
    assert any(ln.startswith("original: ") and " built in " in ln for ln in report)
    assert any(ln.startswith("rewritten: ") and " built in " in ln for ln in report)
    assert any(ln.startswith("size ratio rewritten/original: ") for ln in report)
    assert "smoke output matches: True" in report
    smoke = [ln for ln in report if ln.strip().startswith("smoke exit=0")]
    assert len(smoke) == 2 and all(app.expect in ln for ln in smoke)
    assert f"wrote {dockerfile}" in p.err


def test_verify_refuses_to_write_a_rewrite_that_does_not_build(engine, tmp_path):
    app, dest = copy_app("c-make", tmp_path)
    dockerfile = dest / "Dockerfile"
    before = dockerfile.read_bytes()
    p = msb("--write", "--verify", "--select", "TST101", *selftest_args(app), dockerfile, timeout=1800,
            extra_passes="tests.e2e.breaking_passes:BreaksTheBuild")
    print(p.err)
    assert p.returncode == 123
    assert f"{dockerfile}: verification failed: the rewrite does not build; not written" in p.err
    assert f"{dockerfile}: verify: rewritten: BUILD FAILED" in p.err
    assert dockerfile.read_bytes() == before  # nothing written
    # Without --verify the same rewrite passes the engine's own checks: only
    # building it shows that it is wrong.
    dry = msb("--select", "TST101", dockerfile, extra_passes="tests.e2e.breaking_passes:BreaksTheBuild")
    assert dry.returncode == 0 and "+RUN exit 3" in dry.out


def test_verify_standard_input_builds_it_from_the_named_context(engine, tmp_path):
    """`-` is verified like a file: the original is what came in on
    standard input (not the file on disk), built in the directory of
    --stdin-filename; the verified rewrite comes out on standard output."""
    app, dest = copy_app("c-make", tmp_path)
    dockerfile = dest / "Dockerfile"
    original = dockerfile.read_bytes()
    dockerfile.write_text("FROM scratch\n")  # what is on disk must not matter
    p = msb("--write", "--verify", *selftest_args(app), "-", "--stdin-filename", dockerfile, stdin=original,
            timeout=1800)
    print(p.err)
    assert p.returncode == 0, p.err
    assert p.out != original.decode() and p.out.rstrip().endswith('"]')
    assert f"{dockerfile}: verify: smoke output matches: True" in p.err
    assert f"changed {dockerfile} (1 change)" in p.err
    assert dockerfile.read_text() == "FROM scratch\n"  # standard input is written to standard output only
