"""The wheel holds what users run, and nothing only tests or development
use: it is built from this checkout, its contents listed, and the command
it installs is run."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.cli_helpers import ROOT, SHELL_CMD, write

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Test, benchmark and development code that used to live in the package.
NOT_SHIPPED = {"refactor/corpus_apps.py", "refactor/docs.py"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    p = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    (built,) = out.glob("msb_refactor-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed on its own (no dependencies: the test venv has them)."""
    target = tmp_path_factory.mktemp("site")
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-compile",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    return target


def test_wheel_ships_the_package_only(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names}
    assert top == {"refactor", next(t for t in top if t.endswith(".dist-info"))}, top
    modules = {n for n in names if n.endswith(".py")}
    assert not modules & NOT_SHIPPED
    source = {str(p.relative_to(ROOT)) for p in (ROOT / "refactor").rglob("*.py")}
    assert modules == source  # everything under refactor/ ships, so nothing test-only may live there
    grammar = {
        f"refactor/grammar/{p.relative_to(ROOT / 'grammar')}" for p in (ROOT / "grammar").rglob("*") if p.is_file()
    }
    assert grammar and grammar <= set(names)  # the parser's grammar, found next to the code


def _declared_imports() -> set[str]:
    """Import names of the declared dependencies (``tree-sitter-bash`` -> ``tree_sitter_bash``)."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].strip().lower().replace("-", "_") for d in deps}


def test_shipped_modules_import_only_the_standard_library_and_dependencies(wheel):
    allowed = set(sys.stdlib_module_names) | _declared_imports() | {"refactor", "__future__"}
    wrong = []
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if not name.endswith(".py"):
                continue
            for node in ast.walk(ast.parse(z.read(name), name)):
                if isinstance(node, ast.Import):
                    roots = [a.name.split(".")[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    roots = [node.module.split(".")[0]]
                else:
                    continue
                wrong += [f"{name}:{node.lineno}: {r}" for r in roots if r not in allowed]
    # pytest, hypothesis, dockerfile (the test oracle), tests.*, scripts.*: none of them
    assert wrong == []


def run_installed(installed: Path, *args, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [str(installed / "bin" / "msb-refactor"), *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_installed_command_runs(installed, tmp_path):
    where = subprocess.run(
        [sys.executable, "-c", "import refactor; print(refactor.__file__)"],
        env={"PYTHONPATH": str(installed)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(installed))  # the wheel's code, not this checkout's
    p = run_installed(installed, "rules", cwd=tmp_path)
    assert p.returncode == 0 and p.stdout.startswith("MSB001  exec-form-cmd  "), p.stderr
    p = run_installed(installed, "explain", "MSB001", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    page = (ROOT / "docs" / "passes" / "MSB001.md").read_text()
    assert page.endswith(p.stdout) and p.stdout.startswith("# MSB001: exec-form-cmd\n")
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    p = run_installed(installed, "--check", f, cwd=tmp_path)
    assert p.returncode == 1 and f"{f}:2: MSB001" in p.stderr, p.stderr
    p = run_installed(installed, "--format", "sarif", f, cwd=tmp_path)
    assert p.returncode == 0 and '"markdown": "# MSB001: exec-form-cmd' in p.stdout
    p = run_installed(installed, "parse", "--json", f, cwd=tmp_path)
    assert p.returncode == 0 and [c["cmd"].upper() for c in json.loads(p.stdout)[0]["commands"]] == ["FROM", "CMD"]
