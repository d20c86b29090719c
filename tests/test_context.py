"""Build-context queries and .dockerignore matching."""

from __future__ import annotations

import json

import pytest

from refactor.context import BuildContext, DockerIgnore
from tests.cli_helpers import SHELL_CMD, msb, write


@pytest.mark.parametrize(
    "patterns, path, excluded",
    [
        (["node_modules"], "node_modules", True),
        (["node_modules"], "node_modules/x/package.json", True),  # a parent matches
        (["node_modules"], "src/node_modules", False),  # patterns are anchored at the root
        (["**/node_modules"], "src/node_modules/a", True),
        (["*.md", "!README.md"], "README.md", False),
        (["*.md", "!README.md"], "CHANGES.md", True),
        (["*.md"], "docs/a.md", False),  # * stays in one segment
        (["docs/**/*.md"], "docs/a/b/c.md", True),
        (["docs/**/*.md"], "docs/c.md", True),
        (["/build"], "build/out", True),  # a leading slash is the root
        (["./tmp/../build"], "build", True),  # cleaned like filepath.Clean
        (["te?t"], "test", True),
        (["te?t"], "te/t", False),
        (["[a-c]*.lock"], "b.lock", True),
        (["*", "!package-lock.json"], "package-lock.json", False),
        (["# comment", "", "  yarn.lock  "], "yarn.lock", True),
        (["*", "!src", "src/secret"], "src/secret/key", True),
    ],
)
def test_dockerignore_matching(patterns, path, excluded):
    assert DockerIgnore(patterns).excluded(path) is excluded


def test_queries_honour_dockerignore(tmp_path):
    write(tmp_path / "package.json", "{}")
    write(tmp_path / "package-lock.json", "{}")
    write(tmp_path / "yarn.lock", "")
    write(tmp_path / "go.sum", "")
    write(tmp_path / "src" / "requirements.txt", "")
    write(tmp_path / ".dockerignore", "yarn.lock\n")
    ctx = BuildContext.for_dockerfile(tmp_path / "Dockerfile")
    assert ctx.exists("package-lock.json") and ctx.is_file("go.sum")
    assert not ctx.exists("yarn.lock") and ctx.excluded("yarn.lock")
    assert not ctx.exists("poetry.lock")
    assert ctx.is_dir("src") and not ctx.is_file("src")
    assert ctx.exists("src/requirements.txt") and not ctx.exists("requirements.txt")
    assert ctx.lockfiles() == {"package-lock.json", "go.sum"}
    assert ctx.read_text("package.json") == "{}" and ctx.read_text("yarn.lock") is None
    assert not ctx.exists("../etc/passwd")


def test_dockerfile_specific_ignore_wins(tmp_path):
    write(tmp_path / "go.sum", "")
    write(tmp_path / "poetry.lock", "")
    write(tmp_path / ".dockerignore", "go.sum\n")
    write(tmp_path / "api.Dockerfile.dockerignore", "poetry.lock\n")
    assert BuildContext.for_dockerfile(tmp_path / "api.Dockerfile").lockfiles() == {"go.sum"}
    assert BuildContext.for_dockerfile(tmp_path / "Dockerfile").lockfiles() == {"poetry.lock"}


def test_context_option_reaches_passes(tmp_path):
    write(tmp_path / "ctx" / "poetry.lock", "")
    write(tmp_path / "ctx" / "requirements.txt", "")
    f = write(tmp_path / "docker" / "Dockerfile", SHELL_CMD)
    write(tmp_path / "docker" / "go.sum", "")
    extra = "tests.broken_passes:ContextProbe"

    def probe(*args):
        p = msb("--format", "json", "--select", "TST007", *args, f, extra_passes=extra)
        return json.loads(p.out)["files"][0]["notes"][0]["message"]

    assert probe() == f"root={tmp_path / 'docker'} lockfiles=go.sum"
    assert probe("--context", tmp_path / "ctx") == f"root={tmp_path / 'ctx'} lockfiles=poetry.lock,requirements.txt"


def test_engine_defaults_the_context_to_the_dockerfile_directory(tmp_path):
    from refactor.engine import refactor_text
    from tests.broken_passes import ContextProbe

    write(tmp_path / "yarn.lock", "")
    r = refactor_text("FROM a\n", str(tmp_path / "Dockerfile"), [ContextProbe])
    assert r.notes[0].message == f"root={tmp_path} lockfiles=yarn.lock"
