"""Reading, writing and diffing Dockerfiles as bytes.

Text must be UTF-8 (BuildKit reads it so): a file with a NUL byte is
binary, and a byte sequence that is not UTF-8 is refused; both are reported
with the line and column of the first offending byte, and the file is left
untouched. A BOM stays in the text (the tree keeps it), and line endings
are never translated.
"""

from __future__ import annotations

import contextlib
import os
import stat

ENCODING = "utf-8"
ERRORS = "strict"

MB = 1024 * 1024
#: the largest Dockerfile read (BuildKit's own lines stop at 64 KiB; real files are a few KB)
DOCKERFILE_LIMIT = 10 * MB
#: the largest .gitignore, .dockerignore or configuration file read
SMALL_FILE_LIMIT = 1 * MB


class NotReadable(OSError):
    """A path that is not read: not a regular file, or larger than the
    limit. ``str()`` is the reason, without the path."""


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (a symlink is
    followed). Anything else raises NotReadable at once, never blocking: a
    FIFO is opened non-blocking and refused, a device or an endless file is
    never read past the limit. Other failures raise OSError as open() does."""
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)  # of what was opened: no window for a swap after a check
        if not stat.S_ISREG(st.st_mode):
            raise NotReadable(f"not a regular file ({_kind(st.st_mode)}); not read")
        if st.st_size > limit:
            raise NotReadable(too_large(st.st_size, limit))
        chunks, size = [], 0
        while size <= limit:  # a file that grows while it is read stops at the limit too
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NotReadable(too_large(None, limit))
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_stream_limited(stream, limit: int) -> bytes:
    """At most ``limit`` bytes of a binary stream (standard input), or
    NotReadable when it holds more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise NotReadable(too_large(None, limit))
    return data


def too_large(size: int | None, limit: int) -> str:
    shown = f"{size / MB:.1f} MB, " if size is not None else ""
    return f"too large ({shown}over the {limit // MB} MB limit); not read"


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
    flushed, given the original's owner, group and mode, then renamed over
    it. A symlink is written through (its target is replaced, the link kept).

    Refused with WriteError, the file untouched: a file the user may not
    write (asked as the user, with ``os.access``; and a file with no write
    bit at all, even for root), and a file whose owner or group cannot be
    kept (a user can give a file only to themself and to their own groups),
    which renaming a new file over it would otherwise change. The temporary
    file is removed on every way out; an interrupt (Ctrl-C) during the write
    takes effect once the file is whole, so a file is either as it was or
    fully written.
    """
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError as e:
        raise WriteError(f"{path}: cannot write: {e.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(f"{path}: not a regular file ({_kind(st.st_mode)}); not written")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteError(f"{path}: file is read-only; not written")
    effective = os.access in os.supports_effective_ids
    if not os.access(real, os.W_OK, effective_ids=effective):
        raise WriteError(
            f"{path}: you may not write this file (owner {_user(st.st_uid)}, group "
            f"{_group(st.st_gid)}, mode {stat.S_IMODE(st.st_mode):04o}); not written"
        )
    import tempfile

    directory = os.path.dirname(real) or "."
    with interrupts_held():
        try:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(real) + ".", suffix=".msb-tmp")
        except OSError as e:
            raise WriteError(f"{path}: cannot write in {directory}: {e.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(encode(text))
                f.flush()
                os.fsync(f.fileno())
            _keep_owner(tmp, st, path)  # before chmod: chown clears set-user-ID and set-group-ID bits
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            os.replace(tmp, real)
        except BaseException as e:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            if isinstance(e, OSError) and not isinstance(e, WriteError):
                raise WriteError(f"{path}: cannot write: {e.strerror or e}") from None
            raise


def write_side_file(path: str, old: str | None, new: str) -> None:
    """Write a file a pass proposed beside the Dockerfile: create it when
    ``old`` is None (refused if it appeared meanwhile: nothing is
    overwritten), else replace it atomically, refused if it no longer holds
    ``old`` (a user's edit since it was read is never lost)."""
    if old is not None:
        try:
            current = decode(read_limited(path, SMALL_FILE_LIMIT))
        except (OSError, NotReadable, NotText) as e:
            raise WriteError(f"{path}: cannot read it again: {e}; not written") from None
        if current == new:  # another Dockerfile of the folder proposed the same: done
            return
        if current != old:
            raise WriteError(f"{path}: changed since it was read; not written")
        write_atomic(path, new)
        return
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    with interrupts_held():
        try:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".msb-tmp")
        except OSError as e:
            raise WriteError(f"{path}: cannot write in {directory}: {e.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(encode(new))
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o644)  # as an editor would create it
            os.link(tmp, path)  # fails if the file appeared meanwhile: never overwrites
        except FileExistsError:
            if _holds_text(path, new):  # another Dockerfile of the folder proposed the same: done
                return
            raise WriteError(f"{path}: appeared since the build context was read; not written") from None
        except OSError as e:
            raise WriteError(f"{path}: cannot write: {e.strerror or e}") from None
        finally:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _holds_text(path: str, text: str) -> bool:
    try:
        return decode(read_limited(path, SMALL_FILE_LIMIT)) == text
    except (OSError, NotText):
        return False


def new_file_diff(text: str, path: str) -> str:
    """A unified diff that creates ``path`` with ``text``."""
    body = unified_diff("", text, path)
    return body.replace(f"--- {path}\t(original)", "--- /dev/null", 1).replace(
        f"+++ {path}\t(refactored)", f"+++ {path}\t(new file)", 1
    )


def _keep_owner(tmp: str, st: os.stat_result, path: str) -> None:
    """Give ``tmp`` the owner and group of the file it replaces, or refuse."""
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
    except PermissionError:
        if st.st_uid != os.geteuid():
            what = f"its owner ({_user(st.st_uid)}; you are {_user(os.geteuid())})"
        else:
            what = f"its group ({_group(st.st_gid)}, which you are not in)"
        raise WriteError(f"{path}: cannot keep {what}; not written") from None


def _user(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


def _group(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return str(gid)


@contextlib.contextmanager
def interrupts_held():
    """Hold SIGINT (Ctrl-C) until the block ends, then deliver it: what the
    block does (replace a file, start a worker process) is done whole or
    not at all. Only the main thread can change signal handlers (and only
    it runs them); elsewhere the block runs as it is."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            signal.raise_signal(signal.SIGINT)  # now handled as it would have been (KeyboardInterrupt)


NO_NEWLINE = "\\ No newline at end of file\n"


def split_lines(text: str) -> list[str]:
    """Lines ended by ``\\n`` only, each with its ending (``\\r\\n`` stays
    whole); the last may have none. ``str.splitlines`` also splits on
    ``\\r``, ``\\v``, ``\\f``, U+0085, U+2028 and more, which ``patch``
    and BuildKit take as ordinary characters."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def unified_diff(a: str, b: str, path: str) -> str:
    """A unified diff of two texts, with the ``\\ No newline at end of
    file`` marker where a side ends without one. Line endings are kept;
    lines are split on ``\\n`` only, so ``patch -p0`` applies it."""
    import difflib

    out = []
    for line in difflib.unified_diff(
        split_lines(a), split_lines(b), f"{path}\t(original)", f"{path}\t(refactored)", n=3
    ):
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
    for line in split_lines(diff):
        body = line.rstrip("\r\n")
        end = line[len(body) :]
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
