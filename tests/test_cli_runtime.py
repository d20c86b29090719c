"""--runtime and [tool.msb-refactor.runtimes] reach the split, through the real command."""

from __future__ import annotations

import shutil

from tests.apps import APPS_DIR
from tests.cli_helpers import msb, write


def go_app(tmp_path):
    dest = tmp_path / "go-stdlib"
    shutil.copytree(APPS_DIR / "go-stdlib", dest)
    return dest / "Dockerfile"


def runtime_from(diff: str) -> str:
    froms = [line[1:] for line in diff.splitlines() if line.startswith("+FROM ") and " AS " not in line]
    assert len(froms) == 1, diff
    return froms[0].split()[1]


def test_the_runtime_kind_comes_from_the_option_then_the_configuration(tmp_path):
    dockerfile = go_app(tmp_path)
    assert runtime_from(msb("--select", "MSB101", dockerfile).out) == "gcr.io/distroless/static-debian13"
    assert runtime_from(msb("--select", "MSB101", "--runtime", "slim", dockerfile).out) == "debian:trixie-slim"
    write(dockerfile.parent / ".msb-refactor.toml", 'runtime = "alpine"\n')
    assert runtime_from(msb("--select", "MSB101", dockerfile).out).startswith("alpine:")
    assert runtime_from(msb("--select", "MSB101", "--runtime", "slim", dockerfile).out) == "debian:trixie-slim"


def test_the_configurations_catalog_overrides_choose_the_image(tmp_path):
    dockerfile = go_app(tmp_path)
    write(dockerfile.parent / ".msb-refactor.toml", '[runtimes]\nstatic = "cgr.dev/chainguard/static"\n')
    p = msb("--select", "MSB101", dockerfile)
    assert p.returncode == 0 and runtime_from(p.out) == "cgr.dev/chainguard/static"
    assert "+USER" not in p.out  # that image runs as its non-root user already


def test_a_bad_catalog_entry_is_a_usage_error_naming_the_file_and_nothing_is_written(tmp_path):
    dockerfile = go_app(tmp_path)
    before = dockerfile.read_bytes()
    config = write(dockerfile.parent / ".msb-refactor.toml", '[runtimes]\nstatic = "example.com/static:1"\n')
    p = msb("--write", dockerfile)
    assert p.returncode == 2
    assert str(config) in p.err and "is not in the catalog" in p.err
    assert dockerfile.read_bytes() == before
    assert msb("--runtime", "scratch", dockerfile).returncode == 2  # not a choice


def test_declines_are_counted_by_reason_with_v_and_in_json(tmp_path):
    import json

    write(tmp_path / "a" / "Dockerfile", "FROM a AS x\nRUN make\nFROM b\nCOPY --from=x /o /o\n")
    write(tmp_path / "b" / "Dockerfile", "FROM a AS x\nFROM b\nCOPY --from=x /o /o\n")
    write(tmp_path / "c" / "Dockerfile", 'FROM python:3.12-slim\nCMD ["python"]\n')
    p = msb("-v", "--select", "MSB101", tmp_path)
    assert "MSB101 left 3 files alone:\n" in p.err
    assert "      2  already multi-stage\n" in p.err
    assert "      1  the final stage has no build step this tool recognises" in p.err
    report = json.loads(msb("--format", "json", "--select", "MSB101", tmp_path).out)
    assert report["summary"]["declined"]["MSB101"]["already multi-stage"] == 2
    assert "left" not in msb("--select", "MSB101", tmp_path).err  # without -v: the summary line only


def test_the_non_root_pass_reads_the_configurations_catalog_entries(tmp_path):
    """A private base declared in [runtimes] with its own non-root user: MSB301
    runs the image as that user; without the entry it cannot tell and says so."""
    dockerfile = write(
        tmp_path / "Dockerfile", 'FROM registry.example.com/base/run:2026.11\nCOPY app /app\nCMD ["/app"]\n'
    )
    (tmp_path / "app").write_bytes(b"\x7fELF\x02\x01\x01\x00")  # a program, not a script to read
    p = msb("--select", "MSB301", dockerfile)
    assert "+USER" not in p.out and "is not in the runtime catalog" in p.err
    write(
        tmp_path / ".msb-refactor.toml",
        '[runtimes.base."registry.example.com/base/run:2026.11"]\n'
        'family = "debian"\nrelease = "debian13"\nshell = false\npackage-manager = "none"\n'
        'provides = ["static", "libc", "cc"]\nnonroot = { user = "app", uid = 10001, gid = 10001 }\n'
        "eol = 2028-08-09\n",
    )
    p = msb("--select", "MSB301", dockerfile)
    assert p.returncode == 0
    assert "+USER 10001:10001\n" in p.out


def test_a_split_reports_the_catalogs_size_estimate_in_json_and_the_summary(tmp_path):
    import json

    one, two = go_app(tmp_path / "a"), go_app(tmp_path / "b")
    p = msb("--format", "json", "-j", "2", one.parent.parent.parent)
    doc = json.loads(p.out)
    splits = [c for f in doc["files"] for c in f["changes"] if c["code"] == "MSB101"]
    assert len(splits) == 2  # both files, through the worker processes
    for change in splits:
        size = change["details"]["estimated_size"]
        assert change["details"]["runtime"] == "gcr.io/distroless/static-debian13"
        assert size["before_mb"] > 10 * size["after_mb"] > 0
        assert size["before_source"] and size["after_source"]
    total = doc["summary"]["estimated_size_mb"]
    assert total["splits"] == 2 and total["before"] == 2 * splits[0]["details"]["estimated_size"]["before_mb"]
    p = msb(two)
    assert "1 split: base images ~" in p.err and " MB -> ~" in p.err
    exec_form_only = msb("--select", "MSB001", "--format", "json", two)
    assert "estimated_size_mb" not in json.loads(exec_form_only.out)["summary"]
