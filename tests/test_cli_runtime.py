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
