"""What the build context holds, as BuildKit would send it.

The context is the Dockerfile's directory unless ``--context DIR`` says
otherwise. ``.dockerignore`` at the context root is honoured (or
``<Dockerfile>.dockerignore`` beside the Dockerfile, which BuildKit prefers),
with BuildKit's matching rules: patterns are relative to the root, ``*`` and
``?`` stay inside one path segment, ``**`` spans any number, a pattern
matching a directory excludes everything below it, ``!`` re-includes, and
the last matching line wins.

    ctx = BuildContext.for_dockerfile("app/Dockerfile")
    ctx.exists("package-lock.json")   # False when absent or ignored
    ctx.lockfiles()                   # {"package-lock.json", "go.sum", ...} present
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

LOCKFILES = (
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "go.sum",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "requirements.txt",
    "Cargo.lock",
    "Gemfile.lock",
    "composer.lock",
    "mix.lock",
    "pom.xml",
    "gradle.lockfile",
)


class DockerIgnore:
    """Compiled ``.dockerignore`` patterns."""

    def __init__(self, lines: list[str]):
        self.patterns: list[tuple[re.Pattern[str], bool]] = []
        for raw in lines:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if negate:
                line = line[1:].strip()
            line = _clean(line)
            if not line:
                continue
            self.patterns.append((_compile(line), negate))

    @classmethod
    def read(cls, path: Path) -> DockerIgnore:
        """The rules in ``path``. A file that is there but is not a regular
        file, or is over SMALL_FILE_LIMIT, raises NotReadable (naming it):
        guessing its rules could make a pass wrong. One that cannot be
        opened (gone, no permission) has no rules, as before."""
        from .files import SMALL_FILE_LIMIT, NotReadable, read_limited

        try:
            data = read_limited(path, SMALL_FILE_LIMIT)
        except NotReadable as e:
            raise NotReadable(f"{path}: {e}") from None
        except OSError:
            return cls([])
        return cls(data.decode("utf-8", "replace").splitlines())

    def excluded(self, rel: str) -> bool:
        """Whether ``rel`` (slash-separated, relative to the root) is left out."""
        rel = _clean(rel)
        parents = _parents(rel)
        result = False
        for regex, negate in self.patterns:
            if regex.match(rel) or any(regex.match(p) for p in parents):
                result = not negate
        return result

    def __bool__(self) -> bool:
        return bool(self.patterns)


def _clean(p: str) -> str:
    p = p.replace("\\", "/") if os.sep == "\\" else p
    p = os.path.normpath(p).replace(os.sep, "/") if p else p
    p = p.lstrip("/")
    return "" if p == "." else p


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:k]) for k in range(1, len(parts))]


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    """moby/patternmatcher's glob: ``**`` any depth, ``*``/``?`` in a segment."""
    out = ["^"]
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if pattern.startswith("**", i):
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                    out.append("(?:.*/)?")
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : end]
                if body.startswith("^") or body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    out.append("$")
    return re.compile("".join(out), re.S)


class BuildContext:
    """Questions about a build context directory, answered from disk once.

    Creating one touches nothing on disk; the first question does.
    """

    def __init__(self, root: str | os.PathLike[str], ignore: DockerIgnore | str | tuple[str, ...] | None = None):
        self._root = os.fspath(root)
        self._ignore_source = ignore if ignore is not None else os.path.join(self._root, ".dockerignore")
        if isinstance(ignore, tuple):
            self._ignore_file_candidates = ignore
        elif isinstance(ignore, str):
            self._ignore_file_candidates = (ignore,)
        else:
            self._ignore_file_candidates = (os.path.join(self._root, ".dockerignore"),)
        self._listing: dict[str, tuple[set[str], set[str]] | None] = {}

    @property
    def root(self) -> Path:
        return Path(self._root)

    @property
    def ignore(self) -> DockerIgnore:
        """The ``.dockerignore`` rules in force (read on first use)."""
        src = self._ignore_source
        if not isinstance(src, DockerIgnore):
            candidates = src if isinstance(src, tuple) else (src,)
            # Not only regular files: a FIFO or a link to a device is there too, and refused when read.
            found = next((c for c in candidates if os.path.exists(c) and not os.path.isdir(c)), None)
            src = self._ignore_source = DockerIgnore.read(Path(found)) if found is not None else DockerIgnore([])
        return src

    @property
    def ignore_file(self) -> str:
        """The ignore file BuildKit reads (the first that exists, with
        ``<Dockerfile>.dockerignore`` first), or where ``.dockerignore`` goes."""
        src = self._ignore_file_candidates
        found = next((c for c in src if os.path.exists(c) and not os.path.isdir(c)), None)
        return found if found is not None else src[-1]

    @classmethod
    def for_dockerfile(
        cls, dockerfile: str | os.PathLike[str] | None, context: str | os.PathLike[str] | None = None
    ) -> BuildContext:
        """The context BuildKit would use for this Dockerfile: ``context`` or
        the Dockerfile's directory, with ``<name>.dockerignore`` beside the
        Dockerfile taking precedence over ``.dockerignore`` at the root."""
        df = os.fspath(dockerfile) if dockerfile is not None else None
        if context is not None:
            root = os.fspath(context)
        elif df is not None:
            root = os.path.dirname(df) or "."
        else:
            root = os.getcwd()
        ignore = None
        if df is not None:
            ignore = (df + ".dockerignore", os.path.join(root, ".dockerignore"))
        return cls(root, ignore)

    def _list(self, rel_dir: str) -> tuple[set[str], set[str]] | None:
        if rel_dir not in self._listing:
            try:
                files, dirs = set(), set()
                with os.scandir(os.path.join(self._root, rel_dir) if rel_dir else self._root) as it:
                    for e in it:
                        (dirs if e.is_dir() else files).add(e.name)
                self._listing[rel_dir] = (files, dirs)
            except OSError:
                self._listing[rel_dir] = None
        return self._listing[rel_dir]

    def _present(self, rel: str, want_dir: bool | None) -> bool:
        rel = _clean(rel)
        if not rel or rel.startswith("../") or rel == "..":
            return False
        head, _, name = rel.rpartition("/")
        listing = self._list(head)
        if listing is None:
            return False
        files, dirs = listing
        if want_dir is None:
            found = name in files or name in dirs
        else:
            found = name in (dirs if want_dir else files)
        return found and not self.ignore.excluded(rel)

    def exists(self, rel: str) -> bool:
        """A file or directory at ``rel`` is sent with the build."""
        return self._present(rel, None)

    def is_file(self, rel: str) -> bool:
        return self._present(rel, False)

    def is_dir(self, rel: str) -> bool:
        return self._present(rel, True)

    def excluded(self, rel: str) -> bool:
        """``.dockerignore`` leaves ``rel`` out (whether or not it exists)."""
        return self.ignore.excluded(rel)

    def read_text(self, rel: str) -> str | None:
        """The text of a file the build can see, or None."""
        from .files import DOCKERFILE_LIMIT, read_limited

        if not self.is_file(rel):
            return None
        try:  # only a regular file, and not an endless one (a FIFO or /dev/zero would hang or fill memory)
            return read_limited(os.path.join(self._root, rel), DOCKERFILE_LIMIT).decode("utf-8", "replace")
        except OSError:
            return None

    def lockfiles(self) -> set[str]:
        """Which well-known dependency manifests and lockfiles are at the root."""
        return {name for name in LOCKFILES if self.is_file(name)}
