"""What the command shows on a terminal: colour and the progress bar."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tests.cli_helpers import ROOT, SHELL_CMD, write


def run_on_tty(*args, env=None, progress_after: float | None = None) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal; return (code, screen
    bytes as text). ``progress_after``: show the progress bar that soon."""
    master, slave = pty.openpty()
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm")
    full_env.pop("NO_COLOR", None)
    full_env.update(env or {})
    entry = ["-m", "refactor"]
    if progress_after is not None:
        entry = [
            "-c",
            f"import sys; from refactor.output import Progress; Progress.AFTER = {progress_after}; "
            "from refactor.cli import main; main(sys.argv[1:])",
        ]
    proc = subprocess.Popen(
        [sys.executable, *entry, *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=full_env,
        close_fds=True,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=120)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_diff_is_coloured_on_a_terminal(tmp_path):
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    code, screen = run_on_tty(f)
    assert code == 0
    assert "\033[31m-CMD node server.js\033[0m" in screen
    assert '\033[32m+CMD ["node", "server.js"]\033[0m' in screen
    code, screen = run_on_tty(f, env={"NO_COLOR": "1"})
    assert "\033[31m" not in screen and "-CMD node server.js" in screen
    code, screen = run_on_tty("--color", "never", f)
    assert "\033[31m" not in screen


def test_progress_bar_on_a_terminal_for_long_runs(tmp_path):
    for k in range(30):
        write(tmp_path / f"s{k:02d}" / "Dockerfile", SHELL_CMD)
    code, screen = run_on_tty("--check", "-j", "1", tmp_path, progress_after=0)
    assert code == 1
    assert " files (" in screen and "\r\033[K" in screen
    # Over a second only: a fast run shows no bar.
    code, screen = run_on_tty("--check", "-j", "1", tmp_path)
    assert " files (" not in screen
    assert "30 files: 30 would change" in screen
