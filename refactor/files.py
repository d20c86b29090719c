"""Reading, writing and diffing Dockerfiles as bytes.

Text is decoded as UTF-8 with ``surrogateescape``, so a file with stray
non-UTF-8 bytes (a Latin-1 comment, say) is read, rewritten and written
back with those bytes exactly as they were. A BOM stays in the text (the
tree keeps it), and line endings are never translated.
"""

from __future__ import annotations

import os
import stat

ENCODING = "utf-8"
ERRORS = "surrogateescape"


class NotText(ValueError):
    """The file is binary; str() is the reason."""


def decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise NotText("binary file (contains NUL bytes)")
    return data.decode(ENCODING, ERRORS)


def encode(text: str) -> bytes:
    return text.encode(ENCODING, ERRORS)


def undecodable(text: str) -> int:
    """How many bytes of ``text`` were not valid UTF-8 (kept as they were)."""
    return sum(1 for ch in text if "\udc80" <= ch <= "\udcff")


class WriteError(OSError):
    pass


def write_atomic(path: str, text: str) -> None:
    """Replace ``path`` with ``text``: a temporary file in the same directory,
    flushed, given the original's mode, then renamed over it. A symlink is
    written through (its target is replaced, the link kept). A file without
    write permission is refused, even for root."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError as e:
        raise WriteError(f"{path}: cannot write: {e.strerror}") from None
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteError(f"{path}: file is read-only; not written")
    import tempfile

    directory = os.path.dirname(real) or "."
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(real) + ".", suffix=".msb-tmp")
    except OSError as e:
        raise WriteError(f"{path}: cannot write in {directory}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(encode(text))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError:
            pass
        os.replace(tmp, real)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise WriteError(f"{path}: cannot write: {e.strerror}") from None


NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(a: str, b: str, path: str) -> str:
    """A unified diff of two texts, with the ``\\ No newline at end of
    file`` marker where a side ends without one. Line endings are kept."""
    import difflib

    a_lines = a.splitlines(keepends=True)
    b_lines = b.splitlines(keepends=True)
    out = []
    for line in difflib.unified_diff(a_lines, b_lines, f"{path}\t(original)", f"{path}\t(refactored)", n=3):
        if line.startswith(("---", "+++")):
            out.append(line.rstrip("\n") + "\n")
        elif line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    return "".join(out)


RED, GREEN, CYAN, BOLD, RESET = "\033[31m", "\033[32m", "\033[36m", "\033[1m", "\033[0m"


def colour_diff(diff: str) -> str:
    out = []
    for line in diff.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        end = line[len(body):]
        if line.startswith(("---", "+++")):
            out.append(f"{BOLD}{body}{RESET}{end}")
        elif line.startswith("@@"):
            out.append(f"{CYAN}{body}{RESET}{end}")
        elif line.startswith("-"):
            out.append(f"{RED}{body}{RESET}{end}")
        elif line.startswith("+"):
            out.append(f"{GREEN}{body}{RESET}{end}")
        else:
            out.append(line)
    return "".join(out)
