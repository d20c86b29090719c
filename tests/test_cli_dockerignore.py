"""MSB206's proposal through the real command: a new file in the diff,
written with --write next to the Dockerfile, appended without losing a
user's line, and never written over a file that changed meanwhile."""

from __future__ import annotations

import pytest

from refactor.files import WriteError, write_side_file
from tests.cli_helpers import msb, write

ONLY = "--select=MSB206"
NODE = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n'
PROPOSED = (
    "# proposed by msb-refactor (MSB206): not needed in the image, and they make the build context slow to send\n"
    ".git\nnode_modules\nnpm-debug.log*\n*.log\n"
)


def test_dry_run_shows_the_new_file_and_writes_nothing(tmp_path):
    write(tmp_path / "Dockerfile", NODE)
    write(tmp_path / "package.json", "{}\n")
    p = msb(ONLY, tmp_path / "Dockerfile")
    assert p.returncode == 0, p.err
    assert f"--- /dev/null\n+++ {tmp_path}/.dockerignore\t(new file)\n@@ -0,0 +1,5 @@\n" in p.out
    assert "+node_modules\n" in p.out and "+.git\n" in p.out
    assert not (tmp_path / ".dockerignore").exists()
    assert (tmp_path / "Dockerfile").read_text() == NODE
    assert msb(ONLY, "--check", tmp_path / "Dockerfile").returncode == 1


def test_write_creates_it_and_a_second_run_changes_nothing(tmp_path):
    write(tmp_path / "Dockerfile", NODE)
    write(tmp_path / "package.json", "{}\n")
    before = (tmp_path / "Dockerfile").stat()
    p = msb(ONLY, "--write", tmp_path / "Dockerfile")
    assert p.returncode == 0, p.err
    assert (tmp_path / ".dockerignore").read_text() == PROPOSED
    assert (tmp_path / "Dockerfile").read_text() == NODE
    assert (tmp_path / "Dockerfile").stat().st_mtime_ns == before.st_mtime_ns  # the Dockerfile is not rewritten
    assert not [f for f in tmp_path.iterdir() if f.name.endswith(".msb-tmp")]
    again = msb(ONLY, "--check", tmp_path / "Dockerfile")
    assert again.returncode == 0, again.out


def test_write_appends_and_keeps_every_user_line(tmp_path):
    write(tmp_path / "Dockerfile", NODE)
    write(tmp_path / "package.json", "{}\n")
    (tmp_path / ".dockerignore").write_bytes(b"# mine\nnode_modules\nsecret.txt")
    p = msb(ONLY, "--write", tmp_path / "Dockerfile")
    assert p.returncode == 0, p.err
    text = (tmp_path / ".dockerignore").read_text()
    assert text.startswith("# mine\nnode_modules\nsecret.txt\n# proposed by msb-refactor")
    assert text.endswith(".git\nnpm-debug.log*\n*.log\n")
    assert text.count("node_modules") == 1  # covered already: not added again


def test_a_file_the_dockerfile_copies_by_name_is_not_ignored(tmp_path):
    write(tmp_path / "Dockerfile", NODE.replace("CMD", "COPY server.log /var/log/\nCMD"))
    write(tmp_path / "package.json", "{}\n")
    p = msb(ONLY, "--write", tmp_path / "Dockerfile")
    assert p.returncode == 0, p.err
    assert "*.log" not in (tmp_path / ".dockerignore").read_text()


def test_side_file_is_never_written_over_a_change(tmp_path):
    path = tmp_path / ".dockerignore"
    write_side_file(str(path), None, "a\n")
    assert path.read_text() == "a\n"
    with pytest.raises(WriteError, match="appeared"):
        write_side_file(str(path), None, "b\n")  # created meanwhile: not overwritten
    assert path.read_text() == "a\n"
    with pytest.raises(WriteError, match="changed since it was read"):
        write_side_file(str(path), "old\n", "old\nnew\n")
    assert path.read_text() == "a\n"
    write_side_file(str(path), "a\n", "a\nb\n")
    assert path.read_text() == "a\nb\n"
    # Two Dockerfiles of one folder proposing the same text: the second finds it done.
    write_side_file(str(path), "a\n", "a\nb\n")
    write_side_file(str(path), None, "a\nb\n")
    assert path.read_text() == "a\nb\n"
    assert sorted(f.name for f in tmp_path.iterdir()) == [".dockerignore"]


def test_two_dockerfiles_of_one_folder_write_one_proposal(tmp_path):
    write(tmp_path / "Dockerfile", NODE)
    write(tmp_path / "Dockerfile.dev", NODE)
    write(tmp_path / "package.json", "{}\n")
    p = msb(ONLY, "--write", "-j", "1", tmp_path)
    assert p.returncode == 0, p.out + p.err
    assert (tmp_path / ".dockerignore").read_text() == PROPOSED
