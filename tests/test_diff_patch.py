"""The diff the command prints applies (issue 14): lines are split on `\\n`
only, so a line holding U+2028, U+0085, `\\v`, `\\f` or a lone `\\r` (which
`str.splitlines` splits on, and `patch` does not) no longer breaks it; and
it applies with `patch -p0` or `git apply -p0`, as docs/cli.md says."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refactor.files import split_lines, unified_diff
from tests.cli_helpers import msb, write

PATCH = shutil.which("patch")
GIT = shutil.which("git")
# What str.splitlines splits on besides \n (and \r\n), which patch and BuildKit read as characters.
SEPARATORS = ["\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]

needs_patch = pytest.mark.skipif(
    PATCH is None, reason="GNU patch is not installed (apt-get install patch; .ci/e2e-setup.sh installs it)"
)


def test_split_lines_splits_on_newline_only():
    text = "a\u2028b\x85c\vd\fe\rf\r\ng\n\nh"
    assert split_lines(text) == ["a\u2028b\x85c\vd\fe\rf\r\n", "g\n", "\n", "h"]
    assert split_lines("") == [] and split_lines("\n") == ["\n"] and split_lines("x\r") == ["x\r"]
    assert "".join(split_lines(text)) == text


# Line contents: ordinary text with every separator mixed in; a line may end
# with \r\n, and the file may lack a final newline.
line_text = st.text(alphabet=st.sampled_from(["a", "b", " ", "#", "é", *SEPARATORS]), max_size=8)
lines = st.lists(st.tuples(line_text, st.sampled_from(["\n", "\r\n"])), max_size=8)


def text_of(parts: list, final: bool) -> str:
    text = "".join(body + end for body, end in parts)
    return text if final or not text else text[:-1]


def apply_with_patch(tmp_path, before: str, diff: str) -> bytes:
    target = tmp_path / "Dockerfile"
    target.write_bytes(before.encode())
    p = subprocess.run(
        [PATCH, "-p0", "--batch", "--quiet"], input=diff.encode(), cwd=tmp_path, capture_output=True, timeout=30
    )
    assert p.returncode == 0, (p.stdout + p.stderr).decode("utf-8", "replace")
    return target.read_bytes()


@needs_patch
@given(lines, st.booleans(), lines, st.booleans(), st.data())
def test_every_diff_round_trips_through_patch(tmp_path_factory, a_parts, a_final, b_parts, b_final, data):
    """``patch -p0`` turns the original into the rewrite, byte for byte, for
    any line contents: the rewrite is an edit of the original (lines kept,
    changed, inserted, removed) or another text altogether."""
    a = text_of(a_parts, a_final)
    if data.draw(st.booleans()):
        b = text_of(b_parts, b_final)
    else:  # an edit of a: keep some lines, change others, add the new ones
        keep = data.draw(st.lists(st.booleans(), min_size=len(a_parts), max_size=len(a_parts)))
        edited = [part if k else (part[0] + "\u2028x", part[1]) for part, k in zip(a_parts, keep, strict=True)]
        b = text_of(edited + b_parts, b_final)
    diff = unified_diff(a, b, "Dockerfile")
    if a == b:
        assert diff == ""
        return
    tmp_path = tmp_path_factory.mktemp("patch")
    assert apply_with_patch(tmp_path, a, diff) == b.encode()


@needs_patch
@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_the_commands_diff_applies_with_patch_p0_and_git_apply_p0(tmp_path):
    """What docs/cli.md says, through the real command: run where the paths
    are relative, the printed diff applies with `patch -p0` and with `git
    apply -p0`; plain `git apply` (-p1) strips `svc/` and patches the wrong
    file, which differs here, so it is refused."""
    src = "FROM alpine\n# caf\u00e9 \u2028 \x85 \v \f \r end\nCMD ./server --port 80\r\nCMD ./server"
    want = 'FROM alpine\n# caf\u00e9 \u2028 \x85 \v \f \r end\nCMD ["./server", "--port", "80"]\r\nCMD ["./server"]'
    f = write(tmp_path / "svc" / "Dockerfile", src)
    decoy = write(tmp_path / "Dockerfile", "FROM scratch\n")
    p = msb("--select=MSB001", "svc/Dockerfile", cwd=tmp_path)
    assert p.returncode == 0 and p.out.startswith("--- svc/Dockerfile\t(original)\n+++ svc/Dockerfile\t(refactored)\n")
    diff = p.stdout
    # plain `git apply`: refused (it would look for ./Dockerfile)
    plain = subprocess.run([GIT, "apply", "--check", "-"], input=diff, cwd=tmp_path, capture_output=True, timeout=30)
    assert plain.returncode != 0
    for argv in ([GIT, "apply", "-p0", "-"], [PATCH, "-p0", "--batch", "--quiet"]):
        f.write_bytes(src.encode())
        applied = subprocess.run(argv, input=diff, cwd=tmp_path, capture_output=True, timeout=30)
        assert applied.returncode == 0, applied.stderr.decode()
        assert f.read_bytes() == want.encode()
        assert decoy.read_text() == "FROM scratch\n"
    # and that is what --write writes
    f.write_bytes(src.encode())
    assert msb("--write", "--select=MSB001", f).returncode == 0
    assert f.read_bytes() == want.encode()
