"""`.pre-commit-hooks.yaml` points at the real command and matches the same names as discovery."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from refactor.discovery import is_dockerfile_name
from tests.cli_helpers import SHELL_CMD, msb, write

HOOKS = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"


def hooks() -> list[dict]:
    """The hooks file, read with a tiny reader for its flat layout (no YAML dependency)."""
    out, cur = [], None
    for line in HOOKS.read_text().splitlines():
        if line.startswith("- id: "):
            cur = {"id": line[6:].strip()}
            out.append(cur)
        elif cur is not None and line.startswith("  ") and ":" in line:
            key, _, value = line.strip().partition(": ")
            cur[key] = value
    return out


@pytest.mark.parametrize(
    "path, matched",
    [
        ("Dockerfile", True),
        ("svc/Dockerfile.prod", True),
        ("api.Dockerfile", True),
        ("x/base.dockerfile", True),
        ("Containerfile", True),
        ("Containerfile.dev", True),
        ("Dockerfile.dockerignore", False),
        ("README.md", False),
        ("Dockerfiles/x.txt", False),
        ("notDockerfile", False),
    ],
)
def test_hook_file_patterns_agree_with_discovery(path, matched):
    for hook in hooks():
        hit = re.search(hook["files"], path) and not re.search(hook["exclude"], path)
        assert bool(hit) is matched, (hook["id"], path)
        assert is_dockerfile_name(path.rsplit("/", 1)[-1]) is matched


def test_hook_entries_run(tmp_path):
    by_id = {h["id"]: h for h in hooks()}
    assert set(by_id) == {"msb-refactor", "msb-refactor-check"}
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    check_args = by_id["msb-refactor-check"]["entry"].split()[1:]
    assert msb(*check_args, f).returncode == 1
    write_args = by_id["msb-refactor"]["entry"].split()[1:]
    assert msb(*write_args, f).returncode == 0 and f.read_text() != SHELL_CMD
    assert msb(*check_args, f).returncode == 0
