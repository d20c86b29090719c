"""Finding Dockerfiles under the paths given on the command line.

A directory is searched recursively for ``Dockerfile``, ``Dockerfile.*``,
``*.Dockerfile``, ``*.dockerfile``, ``Containerfile`` and
``Containerfile.*`` (not ``*.dockerignore``). ``.gitignore`` files are
honoured at every level (a deeper file overrides a shallower one, as in
git), ``--exclude`` patterns (gitignore syntax, relative to the directory
given) and the default excludes (``.git``, ``node_modules``, ...) leave
paths out. Symlinked directories are never followed and symlinked files
only when they stay inside the tree, so a run cannot escape the tree or
loop. Files named explicitly are always taken. Everything left out is
reported (``-v`` prints it).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from typing import NamedTuple

DEFAULT_EXCLUDES = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache")
NAME_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile", "Containerfile", "Containerfile.*")


def is_dockerfile_name(name: str) -> bool:
    if name.endswith(".dockerignore"):
        return False
    return any(fnmatch.fnmatchcase(name, p) for p in NAME_PATTERNS)


class Skipped(NamedTuple):
    path: str
    reason: str
    failed: bool = False  # could not be read: an error the user must see, not a choice


class Found(NamedTuple):
    files: list[str]
    skipped: list[Skipped]


def _spec(lines: Iterable[str]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(lines))


def discover(paths: Iterable[str], exclude: Iterable[str] = ()) -> Found:
    """Files to process, in a stable order, and what was left out (and why)."""
    skipped: list[Skipped] = []
    files = list(iter_files(paths, exclude, skipped))
    return Found(files, skipped)


def iter_files(paths: Iterable[str], exclude: Iterable[str], skipped: list[Skipped]) -> Iterator[str]:
    """Yield files as they are found (so processing can start at once);
    what is left out is appended to ``skipped``. Order: the paths as given,
    each directory depth first with entries sorted by name."""
    seen: set[str] = set()
    exclude = list(exclude)
    for p in paths:
        if p == "-":
            yield "-"
            continue
        if os.path.isdir(p):
            yield from _walk(p, exclude, skipped, seen)
        else:
            real = os.path.realpath(p)
            if real in seen:
                continue
            seen.add(real)
            yield p


def _read_gitignore(directory: str):
    """The rules of ``directory``'s .gitignore, or None. Only a regular file
    of at most SMALL_FILE_LIMIT bytes is read; any other .gitignore that is
    there (a FIFO, a link to /dev/zero, one that cannot be opened) raises
    OSError: without its rules the directory cannot be searched as git
    would, so it is not searched at all."""
    from .files import SMALL_FILE_LIMIT, read_limited

    try:
        data = read_limited(os.path.join(directory, ".gitignore"), SMALL_FILE_LIMIT)
    except (FileNotFoundError, NotADirectoryError):
        return None
    lines = data.decode("utf-8", "replace").splitlines()
    return _spec(lines) if any(ln.strip() and not ln.lstrip().startswith("#") for ln in lines) else None


def _walk(root: str, exclude: list[str], skipped: list[Skipped], seen: set[str]) -> Iterator[str]:
    root_real = os.path.realpath(root)
    dot = os.path.normpath(root) == "."  # `msb-refactor .` reports `svc/Dockerfile`, not `./svc/Dockerfile`
    excl = _spec(exclude) if exclude else None
    # stack of (directory path, relative path from root, gitignore specs [(rel_dir, spec)])
    stack = [(root, "", [])]
    while stack:
        directory, rel_dir, specs = stack.pop()
        try:
            spec = _read_gitignore(directory)
        except OSError as e:
            from .files import NotReadable

            reason = str(e) if isinstance(e, NotReadable) else f"cannot read: {e.strerror or e}"
            skipped.append(Skipped(directory, f"its .gitignore: {reason}", failed=True))
            continue
        if spec is not None:
            specs = specs + [(rel_dir, spec)]
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            skipped.append(Skipped(directory, f"cannot list directory: {e.strerror}", failed=True))
            continue
        subdirs = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            path = entry.path[2:] if dot and entry.path.startswith("./") else entry.path
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError as e:
                skipped.append(Skipped(path, f"cannot read: {e.strerror}", failed=True))
                continue
            if is_link:
                if not is_dockerfile_name(entry.name):
                    if os.path.isdir(path):
                        skipped.append(Skipped(path, "symlinked directory not followed"))
                    continue
                try:
                    target = os.path.realpath(path, strict=True)
                except (OSError, RuntimeError):
                    skipped.append(Skipped(path, "broken symlink or symlink loop"))
                    continue
                if not (target == root_real or target.startswith(root_real + os.sep)):
                    skipped.append(Skipped(path, "symlink points outside the tree"))
                    continue
                if os.path.isdir(target):
                    skipped.append(Skipped(path, "symlinked directory not followed"))
                    continue
            if is_dir:
                if entry.name in DEFAULT_EXCLUDES:
                    skipped.append(Skipped(path, "excluded by default"))
                    continue
                if excl is not None and excl.match_file(rel + "/"):
                    skipped.append(Skipped(path, "matches --exclude"))
                    continue
                why = _ignored(specs, rel, True)
                if why:
                    skipped.append(Skipped(path, why))
                    continue
                subdirs.append((path, rel))
                continue
            if not is_dockerfile_name(entry.name):
                continue
            if excl is not None and excl.match_file(rel):
                skipped.append(Skipped(path, "matches --exclude"))
                continue
            why = _ignored(specs, rel, False)
            if why:
                skipped.append(Skipped(path, why))
                continue
            # Directory symlinks are never followed, so below the resolved root
            # a plain file's real path is the root's plus its relative path.
            real = os.path.realpath(path) if is_link else root_real + os.sep + rel.replace("/", os.sep)
            if real in seen:
                skipped.append(Skipped(path, "same file as another path already taken"))
                continue
            seen.add(real)
            yield path
        for sub in reversed(subdirs):
            stack.append((sub[0], sub[1], specs))


def _ignored(specs, rel: str, is_dir: bool) -> str | None:
    """The deepest .gitignore that has a say decides (negations included)."""
    for rel_dir, spec in reversed(specs):
        sub = rel[len(rel_dir) + 1 :] if rel_dir else rel
        res = spec.check_file(sub + "/" if is_dir else sub)
        if res.include is not None:
            if res.include:
                where = f"{rel_dir}/.gitignore" if rel_dir else ".gitignore"
                return f"ignored by {where}"
            return None
    return None
