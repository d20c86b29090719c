"""The real command, every mode and exit code."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.cli_helpers import EXEC_CMD, NEEDS_SHELL, SHELL_CMD, msb, write

# What these tests show is the command's (modes, formats, exit codes), with
# MSB001 as the example: the other passes are left out.
ONLY = "--select=MSB001"


@pytest.fixture
def tree(tmp_path):
    write(tmp_path / "Dockerfile", SHELL_CMD)
    write(tmp_path / "svc" / "api.Dockerfile", SHELL_CMD)
    write(tmp_path / "svc" / "Containerfile", EXEC_CMD)
    write(tmp_path / "svc" / "worker.dockerfile", NEEDS_SHELL)
    write(tmp_path / "README.md", SHELL_CMD)  # not a Dockerfile name
    return tmp_path


def test_dry_run_prints_diffs_and_exits_0_without_writing(tree):
    p = msb(ONLY, tree)
    assert p.returncode == 0
    assert p.out.count("--- ") == 2
    assert f"--- {tree / 'Dockerfile'}\t(original)" in p.out
    assert '+CMD ["node", "server.js"]' in p.out and "-CMD node server.js" in p.out
    assert "\033[" not in p.out  # not a terminal: no colour
    assert (tree / "Dockerfile").read_text() == SHELL_CMD
    assert "4 files: 2 would change, 2 unchanged, 0 skipped, 0 failed" in p.err
    assert "dry run" in p.err


def test_color_always_colours_the_diff(tree):
    p = msb(ONLY, "--color", "always", tree / "Dockerfile")
    assert "\033[31m-CMD node server.js\033[0m" in p.out and "\033[32m+CMD" in p.out


def test_check_exits_1_when_something_would_change(tree):
    p = msb(ONLY, "--check", tree)
    assert p.returncode == 1
    assert p.out == ""
    assert f"would change {tree / 'Dockerfile'}" in p.err
    assert f"{tree / 'Dockerfile'}:2: MSB001" in p.err
    p = msb(ONLY, "--check", tree / "svc" / "Containerfile")
    assert p.returncode == 0


def test_write_applies_and_lists_what_it_wrote(tree):
    before = (tree / "svc" / "worker.dockerfile").stat().st_mtime_ns
    p = msb(ONLY, "--write", tree)
    assert p.returncode == 0
    assert (tree / "Dockerfile").read_text() == EXEC_CMD
    assert (tree / "svc" / "api.Dockerfile").read_text() == EXEC_CMD
    assert (tree / "svc" / "worker.dockerfile").stat().st_mtime_ns == before
    assert f"wrote {tree / 'Dockerfile'} (1 change)" in p.err
    assert not list(tree.rglob("*.msb-tmp"))
    assert msb(ONLY, "--check", tree).returncode == 0


def test_write_keeps_mode(tmp_path):
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    f.chmod(0o640)
    assert msb(ONLY, "-w", f).returncode == 0
    assert stat.S_IMODE(f.stat().st_mode) == 0o640 and f.read_text() == EXEC_CMD


def test_usage_errors_exit_2(tree):
    assert msb().returncode == 2
    assert msb("--no-such-option", tree).returncode == 2
    p = msb("--write", "--check", tree)
    assert p.returncode == 2 and "--write and --check" in p.err
    p = msb(tree / "nope")
    assert p.returncode == 2 and "path does not exist" in p.err
    p = msb("--select", "XYZ9", tree)
    assert p.returncode == 2 and "unknown pass code" in p.err
    assert msb("--format", "yaml", tree).returncode == 2
    assert msb("-j", "0", tree).returncode == 2
    assert msb("--stdin-filename", "x", tree).returncode == 2
    assert msb("--context", tree / "Dockerfile", tree).returncode == 2


def test_select_and_ignore(tree):
    p = msb("--check", "--select", "MSB0", "--ignore", "MSB001", tree)
    assert p.returncode == 0  # --ignore wins: nothing runs
    p = msb("--check", "--select", "MSB0", tree)
    assert p.returncode == 1


def test_json_format(tree):
    p = msb(ONLY, "--format", "json", tree)
    assert p.returncode == 0
    doc = json.loads(p.out)
    by_path = {f["path"]: f for f in doc["files"]}
    changed = by_path[str(tree / "Dockerfile")]
    assert changed["status"] == "changed"
    assert changed["changes"] == [
        {
            "code": "MSB001",
            "line": 2,
            "applicability": "safe",
            "unsafe_reason": None,
            "details": {},
            "message": changed["changes"][0]["message"],
        }
    ]
    assert changed["diff"].startswith(f"--- {tree / 'Dockerfile'}")
    worker = by_path[str(tree / "svc" / "worker.dockerfile")]
    assert worker["status"] == "unchanged" and "`&&` chains commands" in worker["notes"][0]["message"]
    assert doc["summary"]["changed"] == 2 and doc["summary"]["files"] == 4
    p = msb(ONLY, "--format", "json", "--check", tree)
    assert p.returncode == 1 and json.loads(p.out)["files"][0]["diff"]


def test_sarif_format(tree):
    p = msb(ONLY, "--format", "sarif", tree)
    assert p.returncode == 0
    doc = json.loads(p.out)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["tool"]["driver"]["rules"][0]["id"] == "MSB001"
    locs = sorted(
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in run["results"]
    )
    assert locs == sorted([((tree / "Dockerfile").as_uri(), 2), ((tree / "svc" / "api.Dockerfile").as_uri(), 2)])
    assert run["invocations"][0]["executionSuccessful"] is True
    assert "## Fix safety" in run["tool"]["driver"]["rules"][0]["help"]["markdown"]
    # Relative paths stay relative (what code scanning expects from a run at the repository root).
    p = msb(ONLY, "--format", "sarif", ".", cwd=tree / "svc")
    results = json.loads(p.out)["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == ["api.Dockerfile"]
    write(tree / "bad dir" / "Dockerfile", "FROM a\nENV X\n")
    p = msb(ONLY, "--format", "sarif", ".", cwd=tree)
    assert p.returncode == 123
    inv = json.loads(p.out)["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    note = inv["toolExecutionNotifications"][0]
    assert note["message"]["text"] == "bad dir/Dockerfile:2:1: ENV must have two arguments"
    loc = note["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "bad%20dir/Dockerfile" and loc["region"]["startLine"] == 2


def test_unsafe_fixes(tmp_path):
    f = write(tmp_path / "Dockerfile", "FROM node\nENTRYPOINT node server.js\n")
    p = msb(ONLY, "--check", f)
    assert p.returncode == 0 and "1 unsafe fix available with --unsafe-fixes" in p.err
    p = msb(ONLY, "--check", "--unsafe-fixes", f)
    assert p.returncode == 1 and "unsafe:" in p.err
    assert msb(ONLY, "--write", "--unsafe-fixes", f).returncode == 0
    assert f.read_text() == 'FROM node\nENTRYPOINT ["node", "server.js"]\n'


def test_quiet_and_verbose(tree):
    p = msb(ONLY, "-q", "--check", tree)
    assert p.returncode == 1 and p.err == ""
    p = msb(ONLY, "-v", tree)
    assert "note: CMD left in shell form" in p.err
    assert "README.md" not in p.err


def test_jobs_gives_the_same_results_in_parallel(tmp_path):
    for k in range(40):
        write(tmp_path / f"d{k:02d}" / "Dockerfile", SHELL_CMD if k % 2 else EXEC_CMD)
    seq = msb(ONLY, "-j", "1", "--format", "json", tmp_path)
    par = msb(ONLY, "-j", "2", "--format", "json", tmp_path)
    strip = lambda d: [(f["path"], f["status"], f["diff"]) for f in json.loads(d)["files"]]  # noqa: E731
    assert strip(seq.out) == strip(par.out)
    assert json.loads(par.out)["summary"]["changed"] == 20
    p = msb(ONLY, "-j", "2", "--write", tmp_path)
    assert p.returncode == 0 and all((tmp_path / f"d{k:02d}" / "Dockerfile").read_text() == EXEC_CMD for k in range(40))


def test_version_and_help():
    p = msb("--version")
    assert p.returncode == 0 and p.out.startswith("msb-refactor ")
    p = msb("--help")
    assert p.returncode == 0
    for opt in (
        "--write",
        "--check",
        "--format",
        "--select",
        "--ignore",
        "--unsafe-fixes",
        "--context",
        "--exclude",
        "--stdin-filename",
        "--jobs",
        "--quiet",
        "--verbose",
        "--config",
        "--color",
    ):
        assert opt in p.out, opt


def test_rules_and_explain():
    p = msb("rules")
    assert p.returncode == 0 and p.out.startswith("MSB001  exec-form-cmd  ")
    assert json.loads(msb("rules", "--json").out)[0]["code"] == "MSB001"
    p = msb("explain", "msb001")
    assert p.returncode == 0 and p.out.startswith("# MSB001: exec-form-cmd\n")
    page = (Path(__file__).resolve().parent.parent / "docs" / "passes" / "MSB001.md").read_text()
    assert page.endswith(p.out)  # the same text as the generated page, without its marker
    p = msb("explain", "MSB999")
    assert p.returncode == 2 and "unknown pass" in p.err


def test_parse_subcommand(tmp_path):
    good = write(tmp_path / "Dockerfile", "FROM alpine AS base\nRUN --mount=type=cache,target=/c echo hi\n")
    bad = write(tmp_path / "bad.Dockerfile", "FROM alpine\nENV A\n")
    p = msb("parse", good, "--json")
    assert p.returncode == 0
    doc = json.loads(p.out)
    assert doc[0]["path"] == str(good)
    assert doc[0]["commands"][1]["flags"] == ["--mount=type=cache,target=/c"]
    assert doc[0]["commands"][0]["value"] == ["alpine", "AS", "base"]
    p = msb("parse", bad, good, "--json")
    assert p.returncode == 123
    doc = json.loads(p.out)
    assert doc[0] == {"path": str(bad), "error": {"line": 2, "column": 1, "message": "ENV must have two arguments"}}
    assert "commands" in doc[1]
    assert f"{bad}:2:1: ENV must have two arguments" in p.err and p.err.rstrip().endswith("^")
    p = msb("parse", good)
    assert p.returncode == 0 and "RUN (shell) --mount=type=cache,target=/c" in p.out


def test_no_dockerfiles_found(tmp_path):
    write(tmp_path / "notes.txt", "x")
    p = msb(tmp_path)
    assert p.returncode == 0 and "no Dockerfiles found" in p.err


def test_explicit_file_with_any_name_is_taken(tmp_path):
    f = write(tmp_path / "build.txt", SHELL_CMD)
    assert msb(ONLY, "--check", f).returncode == 1


def test_docs_describe_every_option():
    from refactor.options import OPTIONS

    docs = Path(__file__).resolve().parent.parent / "docs"
    text = (docs / "cli.md").read_text()
    readme = (docs.parent / "README.md").read_text()
    for o in OPTIONS:
        for flag in (*o.flags, *o.off_flags):
            assert f"`{flag}" in text or f" {flag}" in text or f"{flag}`" in text, flag
            assert f"`{flag}" in readme, flag  # the README's table of every option
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 123 |"):
        assert code in text
    config = (docs / "configuration.md").read_text()
    for o in OPTIONS:
        if o.config_key:
            assert f"| `{o.config_key}` |" in config, o.config_key


def test_closed_pipe_stops_quietly(tmp_path):
    import subprocess
    import sys

    from tests.cli_helpers import ROOT

    for k in range(400):  # more diff than a pipe buffer holds
        write(tmp_path / f"d{k:03d}" / "Dockerfile", SHELL_CMD.replace("server.js", "server.js " + "x" * 200))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "refactor", "-j", "1", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "Broken pipe" not in err
