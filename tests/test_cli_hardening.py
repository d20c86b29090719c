"""The real command on inputs a hostile or careless repository can hold
(issue 14): FIFOs, devices and endless or huge files where a Dockerfile,
.gitignore, .dockerignore or configuration file is expected; a closed
standard input; a symlink loop; files the user may not write or whose
owner cannot be kept; a configuration that asks for 400 processes, or for
`/` as the build context. Each test asserts the message, the exit code,
and that every file is as it was."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.cli_helpers import EXEC_CMD, ROOT, SHELL_CMD, msb, write

ONLY = "--select=MSB001"  # the outcomes below do not depend on the other passes
TIMEOUT = 60  # every run here used to hang (or fill memory); now each takes well under a second


def snapshot(root: Path) -> dict:
    """Every path under root: bytes of a regular file, the kind of anything
    else (a FIFO stays a FIFO), the target of a symlink."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                out[p] = ("link", os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                out[p] = (
                    "file",
                    p.read_bytes() if st.st_size < 1024 * 1024 else st.st_size,
                    stat.S_IMODE(st.st_mode),
                    st.st_uid,
                    st.st_gid,
                )
            else:
                out[p] = ("other", stat.S_IFMT(st.st_mode))
    return out


def no_temporary_files(root: Path) -> bool:
    return not [p for p in root.rglob("*") if p.name.endswith(".msb-tmp")]


def test_fifos_devices_and_huge_files_are_refused_never_waited_on(tmp_path):
    """A FIFO named Dockerfile (or .gitignore) hung `msb-refactor .`; a
    Dockerfile or .gitignore linked to /dev/zero grew without bound."""
    good = write(tmp_path / "a" / "Dockerfile", SHELL_CMD)
    (tmp_path / "b").mkdir()
    os.mkfifo(tmp_path / "b" / "Dockerfile")
    (tmp_path / "c").mkdir()
    os.mkfifo(tmp_path / "c" / ".gitignore")
    write(tmp_path / "c" / "Dockerfile", SHELL_CMD)
    (tmp_path / "d").mkdir()
    os.symlink("/dev/zero", tmp_path / "d" / ".gitignore")
    write(tmp_path / "d" / "Dockerfile", SHELL_CMD)
    with open(tmp_path / "huge.Dockerfile", "wb") as f:
        f.truncate(10 * 1024 * 1024 + 1)  # sparse: one byte over the limit, no disk used
    zero = tmp_path / "zero.Dockerfile"
    os.symlink("/dev/zero", zero)  # named on the command line
    before = snapshot(tmp_path)
    p = msb("--write", ONLY, tmp_path, zero, timeout=TIMEOUT)
    assert p.returncode == 123
    lines = p.err.splitlines()
    assert f"{tmp_path / 'b' / 'Dockerfile'}: not a regular file (a FIFO); not read" in lines
    assert (
        f"{tmp_path / 'c'}: its .gitignore: not a regular file (a FIFO); not read; nothing in it was checked" in lines
    )
    assert (
        f"{tmp_path / 'd'}: its .gitignore: not a regular file (a character device); not read; nothing in it"
        " was checked" in lines
    )
    assert f"{tmp_path / 'huge.Dockerfile'}: too large (10.0 MB, over the 10 MB limit); not read" in lines
    assert f"{zero}: not a regular file (a character device); not read" in lines
    assert f"wrote {good} (1 change)" in lines
    assert lines[-1].startswith("6 files: 1 changed, 0 unchanged, 0 skipped, 5 failed")
    after = snapshot(tmp_path)
    assert after.pop(good)[1] == EXEC_CMD.encode()
    before.pop(good)
    assert after == before  # the directories with a bad .gitignore were not searched, so not written
    assert no_temporary_files(tmp_path)


def test_a_build_context_ignore_file_or_configuration_that_is_a_fifo_is_named(tmp_path):
    f = write(tmp_path / "app" / "Dockerfile", SHELL_CMD)
    os.mkfifo(tmp_path / "app" / ".dockerignore")
    before = snapshot(tmp_path)
    p = msb("--write", ONLY, f, timeout=TIMEOUT)
    assert p.returncode == 123
    assert (
        f"{f}: build context: {tmp_path / 'app' / '.dockerignore'}: not a regular file (a FIFO); not read;"
        " left untouched"
    ) in p.err.splitlines()
    assert snapshot(tmp_path) == before
    os.unlink(tmp_path / "app" / ".dockerignore")

    config = tmp_path / ".msb-refactor.toml"
    os.mkfifo(config)
    p = msb("--write", f, timeout=TIMEOUT)
    assert (p.returncode, p.err) == (2, f"msb-refactor: error: {config}: not a regular file (a FIFO); not read\n")
    p = msb("--write", "--config", config, f, timeout=TIMEOUT)
    assert (p.returncode, p.err) == (2, f"msb-refactor: error: {config}: not a regular file (a FIFO); not read\n")
    os.unlink(config)
    os.symlink("/dev/zero", tmp_path / "pyproject.toml")
    p = msb("--write", f, timeout=TIMEOUT)
    assert (p.returncode, p.err) == (
        2,
        f"msb-refactor: error: {tmp_path / 'pyproject.toml'}: not a regular file (a character device); not read\n",
    )
    os.unlink(tmp_path / "pyproject.toml")
    write(config, "# " + "x" * (1024 * 1024) + "\n")
    p = msb("--write", f, timeout=TIMEOUT)
    assert (p.returncode, p.err) == (
        2,
        f"msb-refactor: error: {config}: too large (1.0 MB, over the 1 MB limit); not read\n",
    )
    assert f.read_text() == SHELL_CMD


def run_shell(command: str, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run(["sh", "-c", command], capture_output=True, text=True, env=env, timeout=TIMEOUT, **kw)
    assert "Traceback" not in p.stderr, p.stderr
    return p


def test_standard_input_closed_or_endless(tmp_path):
    py = sys.executable
    p = run_shell(f"exec {py} -m refactor - 0<&-")  # standard input closed: was an AttributeError
    assert p.returncode == 123
    assert p.stderr.splitlines()[0] == "-: standard input is closed"
    p = run_shell(f"exec {py} -m refactor --write - 0<&-")
    assert p.returncode == 123 and p.stdout == ""
    p = run_shell(f"exec {py} -m refactor parse - 0<&-")
    assert (p.returncode, p.stderr) == (123, "-: standard input is closed\n")
    p = run_shell(f"exec {py} -m refactor - < /dev/zero")  # endless: read up to the limit, then refused
    assert p.returncode == 123
    assert p.stderr.splitlines()[0] == "-: standard input: too large (over the 10 MB limit); not read"


def test_standard_output_or_error_closed(tmp_path):
    """What would go to a closed stream goes nowhere, as with `> /dev/null`;
    the run and its exit code are the same (a traceback would be exit 1)."""
    py = sys.executable
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    bad = write(tmp_path / "bad" / "Dockerfile", "FROM alpine\nENV\n")
    p = run_shell(f"exec {py} -m refactor {ONLY} {f} {bad} 1>&-")
    assert p.returncode == 123 and p.stdout == ""
    assert p.stderr.splitlines()[-1].startswith("2 files: 1 would change, 0 unchanged, 0 skipped, 1 failed")
    p = run_shell(f"exec {py} -m refactor {ONLY} --write {f} {bad} 2>&-")
    assert (p.returncode, p.stderr) == (123, "")
    assert f.read_text() == EXEC_CMD and bad.read_text() == "FROM alpine\nENV\n"
    p = run_shell(f"exec {py} -m refactor --ignre {f} 1>&- 2>&-")
    assert p.returncode == 2


def test_a_symlink_loop_named_on_the_command_line(tmp_path):
    """Config discovery raised RuntimeError on it (exit 1, a traceback)."""
    loop = tmp_path / "Dockerfile"
    os.symlink(loop, loop)
    other = write(tmp_path / "svc" / "Dockerfile", SHELL_CMD)
    p = msb("--write", ONLY, loop, other, timeout=TIMEOUT)
    assert p.returncode == 123
    assert f"{loop}: cannot read: Too many levels of symbolic links" in p.err.splitlines()
    assert other.read_text() == EXEC_CMD and os.readlink(loop) == str(loop)


# -- writing as a user who may not ----------------------------------------------------

needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="setting up files of other owners needs root (CI runs as root)"
)


@pytest.fixture
def shared_dir():
    """A directory the unprivileged user `nobody` owns and can reach (pytest's
    tmp_path is under a 0700 directory of root's)."""
    d = Path(tempfile.mkdtemp(prefix="msb-perm-", dir="/tmp"))
    os.chmod(d, 0o755)
    os.chown(d, 65534, 65534)
    yield d
    shutil.rmtree(d)


def as_nobody(*args) -> subprocess.CompletedProcess:
    """The real command as uid/gid 65534 (nobody/nogroup), no other group."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    p = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            sys.executable,
            "-m",
            "refactor",
            *map(str, args),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        cwd="/",
    )
    assert "Traceback" not in p.stderr, p.stderr
    return p


def owned(path: Path, uid: int, gid: int, mode: int, text: str = SHELL_CMD) -> Path:
    path.write_text(text)
    os.chown(path, uid, gid)
    os.chmod(path, mode)
    return path


@needs_root
@pytest.mark.parametrize(
    "uid, gid, mode, message",
    [
        # root's file, readable by all: the user may not write it (the directory is theirs, so a rename could)
        (0, 0, 0o644, "you may not write this file (owner root, group root, mode 0644)"),
        # writable through its group, but a new file would be the user's: the owner cannot be kept
        (0, 65534, 0o664, "cannot keep its owner (root; you are nobody)"),
        # the user's own file in a group they are not in: the group cannot be kept
        (65534, 0, 0o644, "cannot keep its group (root, which you are not in)"),
    ],
)
def test_write_refuses_what_the_user_may_not_write_or_cannot_keep(shared_dir, uid, gid, mode, message):
    f = owned(shared_dir / "Dockerfile", uid, gid, mode)
    before = snapshot(shared_dir)
    p = as_nobody("--write", ONLY, f)
    assert p.returncode == 123
    assert f"{f}: {message}; not written" in p.stderr.splitlines()
    assert snapshot(shared_dir) == before and no_temporary_files(shared_dir)


@needs_root
def test_write_keeps_owner_group_and_mode(shared_dir):
    mine = owned(shared_dir / "Dockerfile", 65534, 65534, 0o640)
    p = as_nobody("--write", ONLY, mine)
    assert p.returncode == 0, p.stderr
    st = mine.stat()
    assert (mine.read_text(), st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (EXEC_CMD, 65534, 65534, 0o640)
    # root writing someone else's file keeps it theirs
    theirs = owned(shared_dir / "b.Dockerfile", 65534, 65534, 0o604)
    p = msb("--write", ONLY, theirs)
    assert p.returncode == 0, p.err
    st = theirs.stat()
    assert (theirs.read_text(), st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (EXEC_CMD, 65534, 65534, 0o604)
    assert no_temporary_files(shared_dir)


# -- configuration ---------------------------------------------------------------------


def test_jobs_from_configuration_is_capped_at_the_cpus_and_checked_like_dash_j(tmp_path):
    """`jobs = 400` in a cloned repository's configuration started 400
    worker processes; `jobs = 0` was accepted there though `-j 0` is not."""
    cpus = len(os.sched_getaffinity(0))
    for k in range(500):  # enough chunks (48 files each) that an uncapped pool would start ~11 workers
        write(tmp_path / f"d{k:03d}" / "Dockerfile", EXEC_CMD)
    config = write(tmp_path / ".msb-refactor.toml", "jobs = 400\n")
    probe = tmp_path / "probe"
    probe.mkdir()
    p = msb(
        "-v",
        "--select=TST201",
        tmp_path / "d000" / "Dockerfile",
        tmp_path,
        env={"MSB_PROBE_DIR": str(probe)},
        extra_passes="tests.probe_passes:RecordsProcess",
        timeout=120,
    )
    assert p.returncode == 0, p.err
    if cpus < 400:
        assert f"jobs: 400 capped at {cpus}, the number of CPUs" in p.err.splitlines()
    workers = {int(name) for name in os.listdir(probe)}
    assert 1 <= len(workers) <= cpus
    write(config, "jobs = 0\n")
    p = msb(tmp_path / "d000" / "Dockerfile")
    assert (p.returncode, p.err) == (2, f"msb-refactor: error: {config}:1:1: jobs must be at least 1, not 0\n")
    p = msb("-j", "0", "--no-config", tmp_path / "d000" / "Dockerfile")
    assert (p.returncode, p.err) == (2, "msb-refactor: error: -j/--jobs must be at least 1, not 0\n")


@pytest.mark.parametrize(
    "text, line, message",
    [
        ('select = ["XYZ9"]\n', 1, "select: unknown pass code or prefix: 'XYZ9' (see `msb-refactor rules`)"),
        (
            'unsafe-fixes = true\nignore = "MSB001,XYZ9"\n',
            2,
            "ignore: unknown pass code or prefix: 'XYZ9' (see `msb-refactor rules`)",
        ),
        ('format = "yaml"\n', 1, "format must be one of text, json, sarif, not 'yaml'"),
        ('context = "nope"\n', 1, "context: not a directory: {dir}/nope"),
    ],
)
def test_configuration_errors_name_the_file_and_line(tmp_path, text, line, message):
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    config = write(tmp_path / ".msb-refactor.toml", text)
    p = msb(f)
    expected = f"msb-refactor: error: {config}:{line}:1: {message.format(dir=tmp_path)}\n"
    assert (p.returncode, p.out, p.err) == (2, "", expected)
    assert f.read_text() == SHELL_CMD


def test_a_configured_context_outside_the_repository_is_refused(tmp_path):
    """A repository's own file must not make --verify send `/` (or anything
    above the repository) to a build; given on the command line it may."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    f = write(repo / "svc" / "Dockerfile", SHELL_CMD)
    config = write(repo / "svc" / ".msb-refactor.toml", 'context = "/"\n')
    p = msb(f)
    assert (p.returncode, p.err) == (
        2,
        f"msb-refactor: error: {config}:1:1: context / is outside the repository "
        f"({repo}); give it with --context to use it\n",
    )
    write(config, 'context = "../.."\n')
    p = msb(f)
    assert p.returncode == 2 and f"context {tmp_path} is outside the repository ({repo})" in p.err
    write(config, 'context = ".."\n')  # the repository's root: inside
    assert msb(ONLY, f).returncode == 0
    write(config, 'context = "/"\n')
    assert msb(ONLY, "--context", "/", f).returncode == 0  # the command line may name any directory
    assert f.read_text() == SHELL_CMD


# -- messages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["--nope", "x"], "no such option: --nope (see `msb-refactor --help`)"),
        (["--ignre", "x"], "no such option: --ignre; did you mean --ignore? (see `msb-refactor --help`)"),
        (["-j", "0", "x"], "-j/--jobs must be at least 1, not 0"),
        (["--format", "yaml", "x"], "--format must be one of text, json, sarif, not 'yaml'"),
        (["--check"], "no PATH given (try `msb-refactor .` or `msb-refactor --help`)"),
        (["--write", "--check", "."], "--write and --check cannot be used together"),
        (["nope/Dockerfile"], "path does not exist: nope/Dockerfile"),
        (["rules", "--bad"], "rules: no such option: --bad (see `msb-refactor rules --help`)"),
        (["explain"], "explain needs CODE (see `msb-refactor explain --help`)"),
        (["explain", "NOPE1"], "unknown pass 'NOPE1' (see `msb-refactor rules`)"),
        (["parse"], "parse needs FILE... (see `msb-refactor parse --help`)"),
    ],
)
def test_every_usage_error_is_one_line_in_one_style(tmp_path, args, message):
    """Click's `Usage: ... Error: No such option` stood beside the command's
    own `msb-refactor: error:`; now there is one style."""
    p = msb(*args, cwd=tmp_path)
    assert (p.returncode, p.out, p.err) == (2, "", f"msb-refactor: error: {message}\n")


def test_an_error_on_a_huge_line_shows_a_window_around_the_column(tmp_path):
    """A 5 MB line in an error was echoed whole."""
    huge = "FROM alpine\nRUN echo " + "x" * (5 * 1024 * 1024) + "\n"
    f = write(tmp_path / "Dockerfile", huge)
    p = msb("--write", f)
    assert p.returncode == 123
    assert len(p.err) < 1000
    first, shown, caret, summary = p.err.splitlines()
    assert first == f"{f}:2:1: dockerfile line greater than max allowed size of 65535"
    assert shown == "    RUN echo " + "x" * 91 + "…" and caret == "    ^"
    assert f.read_text() == huge
    # The column deep in a long line: the window is around it, the caret under it.
    line = "RUN " + "--mount=type=tmpfs,target=/t " * 8 + "--mount echo hi"
    f = write(tmp_path / "Dockerfile", f"FROM alpine\n{line}\n")
    p = msb("--write", f)
    first, shown, caret, summary = p.err.splitlines()
    column = line.index("--mount echo") + 1
    assert first == (
        f"{f}:2:{column}: RUN --mount needs a value (--mount=VALUE): BuildKit cannot build this file; left untouched"
    )
    assert shown.startswith("    …") and not shown.endswith("…") and len(shown) == 4 + 1 + 100
    assert shown[caret.index("^") :].startswith("--mount echo")
    assert f.read_text() == f"FROM alpine\n{line}\n"
