"""Reading, writing and diffing Dockerfiles as bytes.

Text must be UTF-8 (BuildKit reads it so): a file with a NUL byte is
binary, and a byte sequence that is not UTF-8 is refused; both are reported
with the line and column of the first offending byte, and the file is left
untouched. A BOM stays in the text (the tree keeps it), and line endings
are never translated.
"""

from __future__ import annotations

import os
import stat

ENCODING = "utf-8"
ERRORS = "strict"


class NotText(ValueError):
    """The bytes are not UTF-8 text; ``line``/``column`` locate the first bad byte."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def located(self, path: str) -> str:
        """``path:line:col: message``, the one line a user reads."""
        return f"{path}:{self.line}:{self.column}: {self.message}; left untouched"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def decode(data: bytes) -> str:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NotText("binary file (NUL byte)", *_position(data, nul))
    try:
        return data.decode(ENCODING)
    except UnicodeDecodeError as e:
        line, column = _position(data, e.start)
        raise NotText(f"not UTF-8 text (byte 0x{data[e.start]:02x} cannot be decoded)", line, column) from None


def encode(text: str) -> bytes:
    return text.encode(ENCODING, ERRORS)


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
