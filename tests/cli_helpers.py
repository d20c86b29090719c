"""Run the real ``msb-refactor`` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def msb(
    *args,
    cwd=None,
    stdin: bytes | None = None,
    env: dict | None = None,
    timeout: int = 120,
    extra_passes: str | None = None,
):
    """``python -m refactor ARGS``; returns CompletedProcess with text stdout/stderr.

    ``extra_passes`` (``"module:Class,..."``) runs through ``tests.run_msb``,
    which registers those passes first."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.pop("NO_COLOR", None)
    full_env.pop("FORCE_COLOR", None)
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)  # cache bytecode: each run starts faster
    full_env.update(env or {})
    entry = ["-m", "refactor"] if extra_passes is None else ["-m", "tests.run_msb", extra_passes]
    p = subprocess.run(
        [sys.executable, *entry, *map(str, args)],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=full_env,
        timeout=timeout,
    )
    p.out = p.stdout.decode("utf-8", "surrogateescape")
    p.err = p.stderr.decode("utf-8", "surrogateescape")
    assert "Traceback" not in p.err, p.err
    return p


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


SHELL_CMD = "FROM node:20\nCMD node server.js\n"
EXEC_CMD = 'FROM node:20\nCMD ["node", "server.js"]\n'
NEEDS_SHELL = "FROM node:20\nCMD npm install && npm start\n"
