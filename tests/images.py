"""What the end-to-end suite and bench/apps.py ask of images beyond what
``msb-refactor --verify`` reports (refactor/verify.py): whether the local
base images exist, whether an image runs as root, and which toolchains
(gcc, pip, ...) it still carries. Test and benchmark code: not shipped.
"""

from __future__ import annotations

import os
import re
import stat
import tarfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from refactor import verify as v

#: the image every stand-in derives from; its presence means the bases exist
SENTINEL_BASE = "localhost/debian:bookworm-slim"


def image_exists(engine: v.Engine, tag: str) -> bool:
    return engine._run([engine.cli, "image", "inspect", tag], timeout=60).returncode == 0


def bases_ready(engine: v.Engine) -> bool:
    """The local stand-in bases of scripts/make-bases.sh are in the engine's store."""
    return isinstance(engine, v.BuildahEngine) and engine.local_bases and image_exists(engine, SENTINEL_BASE)


def is_root_user(user: str) -> bool:
    """Config.User names root: "", "root", "0", "0:0", "root:staff", ..."""
    name = user.split(":", 1)[0].strip()
    return name in ("", "root", "0")


def runs_as_root(image: v.ImageReport) -> bool | None:
    """None when the image did not build; the resolved uid decides when known."""
    if not image.built:
        return None
    if image.uid is not None:
        return image.uid == 0
    return is_root_user(image.user or "")


def tool_pattern(name: str) -> re.Pattern[str]:
    """Matches an executable's basename for a tool: gcc, gcc-12,
    x86_64-linux-gnu-gcc-12, pip3.11, ..."""
    return re.compile(rf"^(?:[a-z0-9_]+-linux-gnu-)?{re.escape(name)}(?:-?[0-9][0-9.]*)?$")


def find_tools(entries: Iterable[tuple[str, int, bool]], names: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """entries: (path, mode, is_symlink). Executable files or symlinks in a
    bin/ or sbin/ directory (/usr/bin, /usr/local/go/bin, node_modules/.bin,
    ...) whose basename is one of names (see tool_pattern); a name ending in
    ``.h`` is a header, found by its exact name under an include/ folder."""
    headers = {n for n in names if n.endswith(".h")}  # a -dev package's header, by name, under an include/
    pats = {n: tool_pattern(n) for n in names if n not in headers}
    found: dict[str, list[str]] = {}
    for path, mode, is_link in entries:
        parent, _, base = path.rpartition("/")
        if base in headers and "/include/" in path + "/":
            found.setdefault(base, []).append(path)
            continue
        if not (is_link or mode & 0o111):
            continue
        if parent.rpartition("/")[2] not in ("bin", "sbin", ".bin"):
            continue
        for n, pat in pats.items():
            if pat.match(base):
                found.setdefault(n, []).append(path)
    return {n: tuple(sorted(p)) for n, p in found.items()}


Facts = tuple[dict[str, tuple[str, ...]], "str | None"]


def tar_facts(stream: IO[bytes], forbid: Sequence[str]) -> Facts:
    """(tools of ``forbid`` found, text of /etc/passwd) from a tar of an image."""
    entries = []
    passwd = None
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for m in tar:
            path = "/" + m.name.removeprefix("./").lstrip("/")
            if path == "/etc/passwd" and m.isfile():
                f = tar.extractfile(m)
                passwd = f.read().decode("utf-8", "replace") if f else None
            if m.isfile() or m.issym() or m.islnk():
                entries.append((path, m.mode, m.issym() or m.islnk()))
    return find_tools(entries, forbid), passwd


def dir_facts(root: Path, forbid: Sequence[str]) -> Facts:
    """tar_facts for an image mounted at root (symlinks are never followed)."""
    entries = []
    headers = any(n.endswith(".h") for n in forbid)
    for dirpath, _dirs, files in os.walk(root):
        if os.path.basename(dirpath) not in ("bin", "sbin", ".bin") and not (
            headers and "/include" in "/" + os.path.relpath(dirpath, root)
        ):
            continue
        rel = "/" + os.path.relpath(dirpath, root)
        for f in files:
            st = os.lstat(os.path.join(dirpath, f))
            entries.append((f"{rel}/{f}", st.st_mode, stat.S_ISLNK(st.st_mode)))
    return find_tools(entries, forbid), v.passwd_in_dir(root)


def image_facts(engine: v.Engine, tag: str, forbid: Sequence[str]) -> Facts:
    """(tools of ``forbid`` among the image's executables, its /etc/passwd)."""
    return engine.read_files(tag, lambda root: dir_facts(root, forbid), lambda stream: tar_facts(stream, forbid))
