"""In CI a test that cannot run for want of BuildKit's parser, the shared
corpus or a container engine fails instead of skipping (tests/required.py).
Each case runs pytest in a subprocess with the thing taken away."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import ROOT

# Variables that decide what is required: each case sets its own.
DECIDING = ("CI", "MSB_BUILDKIT_REQUIRED", "MSB_CORPUS_REQUIRED", "MSB_E2E_REQUIRED")


def pytest_in_subprocess(args, env: dict, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in DECIDING}
    full["PYTHONPATH"] = os.pathsep.join([env.pop("PYTHONPATH", ""), str(ROOT)]).strip(os.pathsep)
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs", *args],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def outcome(p: subprocess.CompletedProcess) -> str:
    last = p.stdout.strip().splitlines()[-1] if p.stdout.strip() else p.stderr
    return re.sub(r" in [0-9.]+s.*", "", last.strip("= "))


@pytest.mark.parametrize("ci", [{"CI": "true"}, {"MSB_CORPUS_REQUIRED": "1"}], ids=["CI=true", "required"])
def test_corpus_tests_fail_without_the_corpus_in_ci(tmp_path, ci):
    empty = tmp_path / "corpus"
    empty.mkdir()
    p = pytest_in_subprocess(["tests/test_corpus_passes.py"], env={"MSB_REAL_CORPUS": str(empty), **ci})
    assert p.returncode == 1, p.stdout
    assert outcome(p) == "3 errors", p.stdout
    assert f"MSB_CORPUS_REQUIRED=1 but the shared corpus is not at {empty}, or is empty" in p.stdout
    # Outside CI the same tests skip, with the reason.
    p = pytest_in_subprocess(["tests/test_corpus_passes.py"], env={"MSB_REAL_CORPUS": str(empty)})
    assert p.returncode == 0 and outcome(p) == "3 skipped", p.stdout
    assert "the shared corpus is not at" in p.stdout


ORACLE_TEST = """
from tests.required import buildkit


def test_uses_the_oracle():
    buildkit().parse_string("FROM scratch\\n")
"""


def test_oracle_tests_fail_without_buildkits_parser_in_ci(tmp_path):
    """`dockerfile` made unimportable by a package of that name that refuses."""
    shadow = tmp_path / "shadow" / "dockerfile"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("taken away for this test")\n')
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "test_oracle.py").write_text(ORACLE_TEST)
    args = ["-p", "tests.required", "--rootdir", str(tmp_path / "run"), str(tmp_path / "run" / "test_oracle.py")]
    hidden = {"PYTHONPATH": str(tmp_path / "shadow")}
    p = pytest_in_subprocess(args, env={**hidden, "CI": "true"}, cwd=tmp_path / "run")
    assert p.returncode == 1 and outcome(p) == "1 failed", p.stdout
    assert "MSB_BUILDKIT_REQUIRED=1 but BuildKit's parser cannot be imported (taken away for this test)" in p.stdout
    p = pytest_in_subprocess(args, env=hidden, cwd=tmp_path / "run")
    assert p.returncode == 0 and outcome(p) == "1 skipped", p.stdout
    # With the parser there, the same test runs and passes.
    p = pytest_in_subprocess(args, env={"CI": "true"}, cwd=tmp_path / "run")
    assert p.returncode == 0 and outcome(p) == "1 passed", p.stdout


def test_e2e_tests_fail_without_a_container_engine_in_ci(tmp_path):
    no_engine = {"PATH": str(tmp_path)}  # neither docker nor buildah can be found
    test = ["tests/e2e/test_bases.py::test_debian_config_is_the_official_one[debian:bookworm-slim]"]
    p = pytest_in_subprocess(["-m", "e2e", *test], env={**no_engine, "CI": "true"})
    assert p.returncode == 1 and outcome(p) == "1 error", p.stdout
    assert "MSB_E2E_REQUIRED=1 but no container engine" in p.stdout
    p = pytest_in_subprocess(["-m", "e2e", *test], env=no_engine)
    assert p.returncode == 0 and outcome(p) == "1 skipped", p.stdout


def test_the_oracles_are_reached_only_through_these_helpers():
    """A test that skipped on its own (importorskip, skipif) would slip past
    the CI rule: every use goes through tests/required.py."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name == "required.py":
            continue
        if re.search(r"importorskip\(\s*[\"']dockerfile", text) or re.search(r"skipif\([^)]*REAL_CORPUS", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_ci_script_requires_all_three():
    script = (ROOT / ".ci" / "run").read_text()
    exported = re.search(r"^export (.*)$", script, re.M).group(1).split()
    assert sorted(exported) == ["MSB_BUILDKIT_REQUIRED=1", "MSB_CORPUS_REQUIRED=1", "MSB_E2E_REQUIRED=1"]
    assert script.index("export MSB_") < script.index("-m pytest")
