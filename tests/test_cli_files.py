"""The real command on awkward trees and files: discovery, bad input, writes."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tests.cli_helpers import EXEC_CMD, NEEDS_SHELL, SHELL_CMD, msb, write

# These tests are about files and the command, with MSB001 as the example
# rewrite: the other passes are left out.
ONLY = "--select=MSB001"


def test_discovery_honours_nested_gitignore_excludes_and_defaults(tmp_path):
    write(tmp_path / ".gitignore", "build/\n*.generated.Dockerfile\n")
    write(tmp_path / "Dockerfile", SHELL_CMD)
    write(tmp_path / "build" / "Dockerfile", SHELL_CMD)  # ignored by root .gitignore
    write(tmp_path / "a.generated.Dockerfile", SHELL_CMD)  # ignored by pattern
    write(tmp_path / "svc" / ".gitignore", "legacy/\n!keep.generated.Dockerfile\n")
    write(tmp_path / "svc" / "Dockerfile.prod", SHELL_CMD)
    write(tmp_path / "svc" / "legacy" / "Dockerfile", SHELL_CMD)  # ignored by nested .gitignore
    write(tmp_path / "svc" / "keep.generated.Dockerfile", SHELL_CMD)  # re-included by the nested one
    write(tmp_path / "node_modules" / "x" / "Dockerfile", SHELL_CMD)  # default exclude
    write(tmp_path / "vendor" / "Containerfile", SHELL_CMD)  # --exclude
    write(tmp_path / "docs" / "Containerfile.dev", SHELL_CMD)
    write(tmp_path / "docs" / "Dockerfile.dockerignore", "*\n")  # never a Dockerfile
    p = msb(ONLY, "--check", "-v", "--exclude", "vendor/", tmp_path)
    assert p.returncode == 1
    taken = sorted(line.split()[2] for line in p.err.splitlines() if line.startswith("would change "))
    assert taken == sorted(
        str(tmp_path / rel)
        for rel in ("Dockerfile", "svc/Dockerfile.prod", "svc/keep.generated.Dockerfile", "docs/Containerfile.dev")
    )
    assert f"{tmp_path / 'build'}: skipped by discovery: ignored by .gitignore" in p.err
    assert f"{tmp_path / 'svc' / 'legacy'}: skipped by discovery: ignored by svc/.gitignore" in p.err
    assert f"{tmp_path / 'vendor'}: skipped by discovery: matches --exclude" in p.err
    assert f"{tmp_path / 'node_modules'}: skipped by discovery: excluded by default" in p.err


def test_syntax_error_among_good_files(tmp_path):
    good1 = write(tmp_path / "a" / "Dockerfile", SHELL_CMD)
    bad = write(tmp_path / "b" / "Dockerfile", "FROM alpine\nCMD ./x\nENV KEY\n")
    good2 = write(tmp_path / "c" / "Dockerfile", SHELL_CMD)
    p = msb(ONLY, "--write", tmp_path)
    assert p.returncode == 123
    assert f"{bad}:3:1: ENV must have two arguments\n    ENV KEY\n    ^" in p.err
    assert good1.read_text() == EXEC_CMD and good2.read_text() == EXEC_CMD
    assert bad.read_text() == "FROM alpine\nCMD ./x\nENV KEY\n"
    assert "3 files: 2 changed, 0 unchanged, 0 skipped, 1 failed" in p.err
    p = msb(ONLY, "--check", tmp_path)
    assert p.returncode == 123  # a failure outranks "would change"


def test_stdin(tmp_path):
    p = msb(ONLY, "-", stdin=SHELL_CMD.encode())
    assert p.returncode == 0 and "--- -\t(original)" in p.out and '+CMD ["node", "server.js"]' in p.out
    p = msb(ONLY, "--write", "-", "--stdin-filename", "svc/Dockerfile", stdin=SHELL_CMD.encode())
    assert p.returncode == 0 and p.out == EXEC_CMD
    p = msb(ONLY, "--write", "-", stdin=EXEC_CMD.encode())
    assert p.out == EXEC_CMD  # unchanged input comes back as it was
    p = msb(ONLY, "--check", "-", "--stdin-filename", "app/Dockerfile", stdin=SHELL_CMD.encode())
    assert p.returncode == 1 and "would change app/Dockerfile" in p.err
    p = msb(ONLY, "-", "--stdin-filename", "app/Dockerfile", stdin=b"FROM a\nENV X\n")
    assert p.returncode == 123 and "app/Dockerfile:2:1: ENV must have two arguments" in p.err
    p = msb(ONLY, "--format", "json", "-", stdin=SHELL_CMD.encode())
    assert json.loads(p.out)["files"][0]["status"] == "changed"
    # --write on a pipe passes through what it does not change: ignored or binary input.
    ignored = "# msb-refactor: ignore\n" + SHELL_CMD
    p = msb(ONLY, "--write", "-", stdin=ignored.encode())
    assert p.returncode == 0 and p.out == ignored
    p = msb(ONLY, "--write", "-", stdin=b"FROM a\n\x00\x01binary")
    assert p.returncode == 123 and p.stdout == b"FROM a\n\x00\x01binary"
    assert "-:2:1: binary file (NUL byte); left untouched" in p.err
    p = msb(ONLY, "--write", "-", stdin=b"FROM a\nENV X\n")
    assert p.returncode == 123 and p.stdout == b"FROM a\nENV X\n"  # a failure passes the input through


def test_stdin_is_one_more_input_in_a_parallel_run(tmp_path):
    """Standard input goes through the same runner as files, in its place
    among the paths, also when the files are spread over worker processes."""
    for k in range(20):
        write(tmp_path / f"d{k:02d}" / "Dockerfile", SHELL_CMD)
    first, rest = tmp_path / "d00" / "Dockerfile", [tmp_path / f"d{k:02d}" for k in range(1, 20)]
    p = msb(
        ONLY,
        "-j",
        "2",
        "--format",
        "json",
        first,
        "-",
        *rest,
        "--stdin-filename",
        "svc/Dockerfile",
        stdin=NEEDS_SHELL.encode(),
    )
    files = json.loads(p.out)["files"]
    assert [f["path"] for f in files[:3]] == [str(first), "svc/Dockerfile", str(rest[0] / "Dockerfile")]
    assert files[1]["status"] == "unchanged" and "`&&` chains commands" in files[1]["notes"][0]["message"]
    assert json.loads(p.out)["summary"]["files"] == 21
    p = msb(ONLY, "-j", "2", "--write", "-", tmp_path, stdin=SHELL_CMD.encode())
    assert p.returncode == 0
    assert p.out == EXEC_CMD  # standard output carries the rewritten input, and only it
    assert "changed - (1 change)" in p.err and f"wrote {first} (1 change)" in p.err
    assert all((tmp_path / f"d{k:02d}" / "Dockerfile").read_text() == EXEC_CMD for k in range(20))


def test_stdin_reports_like_a_file(tmp_path):
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    on_file = msb(ONLY, "--format", "sarif", f)
    on_stdin = msb(ONLY, "--format", "sarif", "-", "--stdin-filename", str(f), stdin=SHELL_CMD.encode())
    assert on_stdin.out == on_file.out
    on_file = json.loads(msb(ONLY, "--format", "json", "--check", f).out)["files"]
    on_stdin = json.loads(
        msb(ONLY, "--format", "json", "--check", "-", "--stdin-filename", str(f), stdin=SHELL_CMD.encode()).out
    )["files"]
    assert on_stdin == on_file
    # --write with a report on stdout: the report, not the file
    p = msb(ONLY, "--format", "json", "--write", "-", stdin=SHELL_CMD.encode())
    doc = json.loads(p.out)
    assert doc["files"][0]["status"] == "changed" and doc["files"][0]["written"] is False


def test_verify_settles_stdin_like_a_file(tmp_path):
    """Without a container engine --verify fails the change and writes
    nothing: a file is left as it was, standard input comes back as it was."""
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    no_engine = {"PATH": str(tmp_path / "empty")}  # neither docker nor buildah can be found
    p = msb(ONLY, "--verify", "--write", f, env=no_engine)
    assert p.returncode == 123 and f"{f}: cannot verify: no container engine" in p.err
    assert f.read_text() == SHELL_CMD
    p = msb(ONLY, "--verify", "--write", "-", "--stdin-filename", str(f), env=no_engine, stdin=SHELL_CMD.encode())
    assert p.returncode == 123 and f"{f}: cannot verify: no container engine" in p.err
    assert p.out == SHELL_CMD


def test_binary_input_fails_with_its_location_and_is_left_untouched(tmp_path):
    f = write(tmp_path / "Dockerfile", b"\x7fELF\x02\x01\x01\x00\x00\x00binary")
    good = write(tmp_path / "app" / "Dockerfile", SHELL_CMD)
    p = msb(ONLY, "--write", tmp_path)
    assert p.returncode == 123
    assert f"{f}:1:8: binary file (NUL byte); left untouched" in p.err
    assert f.read_bytes() == b"\x7fELF\x02\x01\x01\x00\x00\x00binary"
    assert good.read_text() == EXEC_CMD  # the bad file does not stop the others


def test_non_utf8_input_fails_with_its_location_and_is_left_untouched(tmp_path):
    src = b"FROM alpine\n# caf\xe9 \xff\xfe\nCMD ./server\n"
    f = write(tmp_path / "Dockerfile", src)
    for args in ((f,), ("--write", f), ("--check", f)):
        p = msb(*args)
        assert p.returncode == 123
        assert f"{f}:2:6: not UTF-8 text (byte 0xe9 cannot be decoded); left untouched" in p.err
        assert f.read_bytes() == src
    p = msb("parse", "--json", f)
    assert p.returncode == 123
    assert json.loads(p.out)[0]["error"] == {
        "line": 2,
        "column": 6,
        "message": "not UTF-8 text (byte 0xe9 cannot be decoded)",
    }


def test_unknown_instruction_fails_with_its_location_and_is_left_untouched(tmp_path):
    src = "FROM alpine\n  FROBNICATE widgets\nCMD ./server\n"
    f = write(tmp_path / "Dockerfile", src)
    p = msb("--write", f)
    assert p.returncode == 123
    assert f"{f}:2:3: unknown instruction 'FROBNICATE': BuildKit cannot build this file; left untouched" in p.err
    assert f.read_text() == src


def test_read_only_file_is_not_written(tmp_path):
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    other = write(tmp_path / "x" / "Dockerfile", SHELL_CMD)
    f.chmod(0o444)
    p = msb(ONLY, "--write", tmp_path)
    assert p.returncode == 123
    assert f"{f}: file is read-only; not written" in p.err
    assert f.read_text() == SHELL_CMD and stat.S_IMODE(f.stat().st_mode) == 0o444
    assert other.read_text() == EXEC_CMD


def test_symlink_loop_and_escape(tmp_path):
    root = tmp_path / "repo"
    write(root / "Dockerfile", SHELL_CMD)
    os.symlink(root, root / "loop")  # directory loop
    os.symlink(root / "Dockerfile.b", root / "Dockerfile.a")  # file symlink loop a -> b -> a
    os.symlink(root / "Dockerfile.a", root / "Dockerfile.b")
    outside = write(tmp_path / "outside" / "Dockerfile", SHELL_CMD)
    os.symlink(outside, root / "Dockerfile.out")  # points out of the tree
    os.symlink(outside.parent, root / "ext")  # directory out of the tree
    p = msb(ONLY, "--write", "-v", root, timeout=60)
    assert p.returncode == 0
    assert (root / "Dockerfile").read_text() == EXEC_CMD
    assert outside.read_text() == SHELL_CMD
    assert f"{root / 'loop'}: skipped by discovery: symlinked directory not followed" in p.err
    assert f"{root / 'Dockerfile.a'}: skipped by discovery: broken symlink or symlink loop" in p.err
    assert f"{root / 'Dockerfile.out'}: skipped by discovery: symlink points outside the tree" in p.err
    assert "1 file: 1 changed" in p.err


def test_symlinked_file_inside_tree_is_written_through(tmp_path):
    real = write(tmp_path / "docker" / "Dockerfile.base", SHELL_CMD)
    os.symlink(real, tmp_path / "Dockerfile")
    p = msb(ONLY, "--write", tmp_path / "Dockerfile")
    assert p.returncode == 0
    assert os.path.islink(tmp_path / "Dockerfile") and real.read_text() == EXEC_CMD


@pytest.mark.parametrize(
    "src, expected",
    [
        (b"FROM alpine\r\nCMD ./server --port 80\r\n", b'FROM alpine\r\nCMD ["./server", "--port", "80"]\r\n'),
        (b"\xef\xbb\xbfFROM alpine\nCMD ./server\n", b'\xef\xbb\xbfFROM alpine\nCMD ["./server"]\n'),
        (b"\xef\xbb\xbfFROM alpine\r\n\r\nCMD ./server", b'\xef\xbb\xbfFROM alpine\r\n\r\nCMD ["./server"]'),
    ],
    ids=["crlf", "bom", "bom-crlf-no-final-newline"],
)
def test_line_endings_and_bom_written_back_intact(tmp_path, src, expected):
    f = write(tmp_path / "Dockerfile", src)
    assert msb(ONLY, "--write", f).returncode == 0
    assert f.read_bytes() == expected


def test_no_newline_marker_in_diff(tmp_path):
    f = write(tmp_path / "Dockerfile", "FROM alpine\nCMD ./server")
    p = msb(ONLY, f)
    assert p.out.endswith(
        '-CMD ./server\n\\ No newline at end of file\n+CMD ["./server"]\n\\ No newline at end of file\n'
    )


@pytest.mark.parametrize(
    "broken, message",
    [
        ("Unparsable", "TST001 produced text that does not parse"),
        ("NeverConverges", "passes did not converge"),
        ("Crashes", "TST003 (broken-crashes) crashed: RuntimeError: boom"),
    ],
)
def test_broken_pass_through_the_command_writes_nothing(tmp_path, broken, message):
    marked = "# break me\n" + SHELL_CMD
    f = write(tmp_path / "Dockerfile", marked)
    ok = write(tmp_path / "ok" / "Dockerfile", SHELL_CMD)
    select = "--select=" + {"Unparsable": "TST001", "NeverConverges": "TST002", "Crashes": "TST003"}[broken]
    extra = f"tests.broken_passes:{broken}"
    p = msb("--write", select, f, extra_passes=extra)
    assert p.returncode == 123
    assert f"{f}: internal error: " in p.err and message in p.err and "file left untouched" in p.err
    assert f.read_text() == marked
    # In a bulk run with the real passes too, the other file is still processed.
    p = msb("--write", select, "--select=MSB001", f, ok, extra_passes=extra)
    assert p.returncode == 123 and ok.read_text() == EXEC_CMD and f.read_text() == marked
    assert "2 files: 1 changed, 0 unchanged, 0 skipped, 1 failed" in p.err


def test_config_from_pyproject_and_command_line_wins(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.msb-refactor]\nselect = ["MSB001"]\n'
        'ignore = ["MSB001"]\nexclude = ["legacy/"]\n',
    )
    f = write(tmp_path / "svc" / "Dockerfile", "FROM node\nENTRYPOINT node server.js\n")
    write(tmp_path / "legacy" / "Dockerfile", SHELL_CMD)
    p = msb("--check", tmp_path)
    assert p.returncode == 0  # MSB001 switched off by the config
    p = msb("--check", "--select", "MSB001", "-v", tmp_path)
    assert p.returncode == 0  # ignore still applies
    write(tmp_path / "svc" / ".msb-refactor.toml", "unsafe-fixes = true\n")  # nearer: wins over pyproject
    p = msb("--check", "-v", f)
    assert p.returncode == 1 and ".msb-refactor.toml" in p.err
    p = msb(ONLY, "--check", "--no-unsafe-fixes", f)
    assert p.returncode == 0
    p = msb("--check", "-v", tmp_path)  # settings found from the directory given: the pyproject
    assert p.returncode == 0 and f"{tmp_path / 'legacy'}: skipped by discovery: matches --exclude" in p.err


def test_bad_config_is_a_usage_error(tmp_path):
    write(tmp_path / ".msb-refactor.toml", "selekt = ['MSB001']\n")
    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    p = msb(f)
    assert p.returncode == 2 and "unknown setting 'selekt'" in p.err
    write(tmp_path / ".msb-refactor.toml", "unsafe-fixes = 'yes'\n")
    assert msb(f).returncode == 2
    write(tmp_path / ".msb-refactor.toml", "select = [\n")
    p = msb(f)
    assert p.returncode == 2 and "invalid TOML" in p.err
    assert msb("--no-config", f).returncode == 0


def test_inline_ignore_comment(tmp_path):
    f = write(tmp_path / "Dockerfile", "# msb-refactor: ignore=MSB001\n" + SHELL_CMD)
    p = msb(ONLY, "--check", f)
    assert p.returncode == 0 and "switched off by `# msb-refactor: ignore` at line 1" in p.err


def test_a_worker_that_dies_fails_only_its_file(tmp_path):
    for k in range(60):
        write(tmp_path / f"d{k:02d}" / "Dockerfile", SHELL_CMD)
    bad = write(tmp_path / "d30" / "Dockerfile", "# break me\n" + SHELL_CMD)
    extra = "tests.broken_passes:KillsWorker"
    p = msb("--write", "-j", "2", "--select=MSB001,TST008", tmp_path, extra_passes=extra, timeout=120)
    assert p.returncode == 123
    assert f"{bad}: internal error: the worker process died while processing this file" in p.err
    assert "60 files: 59 changed, 0 unchanged, 0 skipped, 1 failed" in p.err
    assert bad.read_text() == "# break me\n" + SHELL_CMD
    assert (tmp_path / "d31" / "Dockerfile").read_text() == EXEC_CMD


def test_directory_without_permission_fails_and_the_rest_is_processed(tmp_path, monkeypatch, capsys):
    # Root (as in CI) reads any directory, so the refusal is made by the OS
    # call itself: listing `locked` raises what a non-root user would get.
    from refactor.cli import main

    ok = write(tmp_path / "ok" / "Dockerfile", SHELL_CMD)
    locked = write(tmp_path / "locked" / "Dockerfile", SHELL_CMD).parent
    real_scandir = os.scandir

    def scandir(path="."):
        if os.path.abspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(SystemExit) as exit_info:
        main(["--write", ONLY, str(tmp_path)])
    assert exit_info.value.code == 123
    err = capsys.readouterr().err
    assert f"{locked}: cannot list directory: Permission denied; nothing in it was checked" in err
    assert ok.read_text() == EXEC_CMD
    assert (locked / "Dockerfile").read_text() == SHELL_CMD


def test_a_file_that_vanishes_before_it_is_read_fails_cleanly(tmp_path):
    from refactor.engine import Status
    from refactor.runner import Mode, Options, process_file

    gone = write(tmp_path / "Dockerfile", SHELL_CMD)
    gone.unlink()  # discovery saw it; it is gone when its turn comes
    r = process_file(str(gone), Options(mode=Mode.WRITE), passes=None)
    assert r.status is Status.FAILED
    assert r.error == f"{gone}: cannot read: No such file or directory"
    assert not gone.exists()
