"""Which files of the image come from the build context, and from where.

A recogniser that needs ``go.mod`` for the directory ``go build`` runs in
asks ``ImageFiles.read_text("/src/go.mod")``; the answer follows the
stage's ``COPY``/``ADD`` instructions (and its parent stages'), newest
first, and the RUN's own ``--mount=type=bind`` mounts of the context, back
to a file of the build context, through ``BuildContext`` so that
``.dockerignore`` holds. What a RUN wrote, or a ``COPY --from``, is not a
file of the context: such a path has no source here.

Directories: a path is a directory when a WORKDIR, a COPY or a ``mkdir``
made it, when the base image surely has it, or when the context directory
copied there is one.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from ..context import BuildContext
from ..syntax.nodes import Add, CopyLike, Run, Workdir
from .images import image_dirs, image_workdir

if TYPE_CHECKING:
    from .site import RunSite

# Archives ADD unpacks: the files under the destination are not the context's.
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")
# Stop listing a context past this many entries: a walk must stay cheap.
MAX_ENTRIES = 20000


@attrs.frozen
class _Copy:
    """One COPY source: ``src`` (a context path, "" for the root) lands at
    ``dest`` (the directory its contents go to when ``is_dir``, else the file)."""

    src: str
    is_dir: bool
    dest: str


class ImageFiles:
    """The context files a stage's image holds before one RUN."""

    def __init__(self, site: RunSite) -> None:
        self.site = site
        self.context: BuildContext = site.context
        self.copies: list[_Copy] = []  # newest first
        self.opaque: list[str] = []  # destinations filled from elsewhere
        self.dirs: set[str] = set(image_dirs(site.base))
        self._under: dict[str, dict[str, str]] = {}  # files_under, asked again per package
        self._read()

    # -- questions -------------------------------------------------------------

    def source_of(self, path: str) -> str | None:
        """The context path (file or directory) copied to ``path``, or None."""
        path = posixpath.normpath(path)
        for copy in self.copies:
            if copy.is_dir:
                if path == copy.dest or path.startswith(_slash(copy.dest)):
                    rel = posixpath.relpath(path, copy.dest)
                    cand = copy.src if rel == "." else _join(copy.src, rel)
                    if self.context.exists(cand) or cand == "":
                        return cand
            elif path == copy.dest:
                return copy.src
        return None

    def read_text(self, path: str) -> str | None:
        src = self.source_of(path)
        return None if src is None else self.context.read_text(src)

    def is_file(self, path: str) -> bool:
        src = self.source_of(path)
        return src is not None and self.context.is_file(src)

    def is_dir(self, path: str) -> bool:
        path = posixpath.normpath(path)
        if path in self.dirs:
            return True
        src = self.source_of(path)
        return src is not None and (src == "" or self.context.is_dir(src))

    def files_under(self, directory: str) -> dict[str, str]:
        """Every context file copied under ``directory``: image path -> context path."""
        directory = posixpath.normpath(directory)
        found = self._under.get(directory)
        if found is None:
            found = self._under[directory] = self._files_under(directory)
        return found

    def _files_under(self, directory: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for copy in reversed(self.copies):  # oldest first: newer ones overwrite
            if copy.is_dir:
                if directory == copy.dest or directory.startswith(_slash(copy.dest)):
                    rel = posixpath.relpath(directory, copy.dest)
                    start = copy.src if rel == "." else _join(copy.src, rel)
                    base = directory
                elif copy.dest.startswith(_slash(directory)) or directory == "/":
                    start, base = copy.src, copy.dest
                else:
                    continue
                for rel_file in walk(self.context, start):
                    tail = rel_file[len(start) :].lstrip("/") if start else rel_file
                    out[posixpath.join(base, tail)] = rel_file
            elif copy.dest.startswith(_slash(directory)):
                out[copy.dest] = copy.src
        return out

    def list_dirs(self, directory: str) -> set[str]:
        """Names of the subdirectories of ``directory`` that context files land in."""
        prefix = _slash(posixpath.normpath(directory))
        return {p[len(prefix) :].split("/", 1)[0] for p in self.files_under(directory) if "/" in p[len(prefix) :]}

    def from_elsewhere(self, path: str) -> bool:
        """A ``COPY --from``, remote ``ADD`` or archive may have put files at or under ``path``."""
        path = posixpath.normpath(path)
        return any(path == d or path.startswith(_slash(d)) or d.startswith(_slash(path)) for d in self.opaque)

    # -- reading the stage ---------------------------------------------------------

    def _read(self) -> None:
        site = self.site
        f = site.facts
        for ins in site.earlier_instructions():
            if isinstance(ins, Workdir):
                workdir = f.state_after(ins).workdir
                if isinstance(workdir, str):
                    self._add_dir(workdir)
            elif isinstance(ins, CopyLike):
                self._copy(ins)
        for mount in site.ins.mounts if isinstance(site.ins, Run) else ():
            # RUN --mount=type=bind,source=.,target=/src: the context, read-only.
            if mount.get("type", "bind") == "bind" and "from" not in mount and mount.get("target"):
                target = self._absolute(mount.get("target") or mount.get("dst") or "", site.workdir)
                if target:
                    src = _clean(mount.get("source", mount.get("src", "")))
                    if src is not None:
                        self.copies.insert(0, _Copy(src, src == "" or self.context.is_dir(src), target))
                        self._add_dir(posixpath.dirname(target))
        self._add_dir(site.workdir)

    def _copy(self, ins: CopyLike) -> None:
        f = self.site.facts
        expand = f.expander(ins)
        dest_word = ins.destination
        workdir = f.state_before(ins).workdir
        if not isinstance(workdir, str):
            workdir = image_workdir(self.site.base)
        dest_text = expand(dest_word).text if dest_word is not None else None
        dest = self._absolute(dest_text, workdir) if dest_text is not None else None
        if dest is None:
            return
        if ins.from_stage is not None or ins.heredocs or ins.has_flag("parents"):
            self.opaque.append(dest)
            return
        sources = [expand(s).text for s in ins.sources]
        into_dir = dest_text.endswith("/") or len(sources) > 1 or dest in self.dirs or dest_text in (".", "./")
        new: list[_Copy] = []
        for text in sources:
            if text is None or (isinstance(ins, Add) and (_remote(text) or text.endswith(_ARCHIVES))):
                self.opaque.append(dest)
                continue
            matches = glob(self.context, text) if _has_glob(text) else [_clean(text)]
            if _has_glob(text):
                into_dir = True
            for src in matches:
                if src is None:
                    continue
                if src == "" or self.context.is_dir(src):
                    new.append(_Copy(src, True, dest))
                elif self.context.is_file(src):
                    target = posixpath.join(dest, posixpath.basename(src)) if into_dir else dest
                    new.append(_Copy(src, False, target))
        for copy in new:
            self._add_dir(copy.dest if copy.is_dir else posixpath.dirname(copy.dest))
        self.copies[:0] = reversed(new)

    def _add_dir(self, path: str | None) -> None:
        while path and path not in self.dirs:
            self.dirs.add(path)
            path = posixpath.dirname(path)

    @staticmethod
    def _absolute(text: str | None, workdir: str | None) -> str | None:
        if not text:
            return None
        if text.startswith("/"):
            return posixpath.normpath(text)
        return None if workdir is None else posixpath.normpath(posixpath.join(workdir, text))


# -- the context on disk -------------------------------------------------------------

_LISTINGS: weakref.WeakKeyDictionary[BuildContext, dict[str, tuple[list[str], list[str]]]] = weakref.WeakKeyDictionary()


def listing(context: BuildContext, rel: str) -> tuple[list[str], list[str]]:
    """(files, directories) directly in ``rel`` that the build can see, sorted."""
    cache = _LISTINGS.setdefault(context, {})
    found = cache.get(rel)
    if found is None:
        files: list[str] = []
        dirs: list[str] = []
        negations = any(negate for _, negate in context.ignore.patterns)
        try:
            with os.scandir(os.path.join(context.root, rel) if rel else context.root) as it:
                for entry in it:
                    path = _join(rel, entry.name)
                    is_dir = entry.is_dir(follow_symlinks=False)
                    # A directory left out may still hold files a `!` pattern brings back.
                    if context.excluded(path) and not (is_dir and negations):
                        continue
                    (dirs if is_dir else files).append(entry.name)
        except OSError:
            pass
        found = cache[rel] = (sorted(files), sorted(dirs))
    return found


def walk(context: BuildContext, rel: str = "") -> Iterator[str]:
    """Every file under ``rel`` the build can see (context paths), in order."""
    todo = [rel]
    seen = 0
    while todo:
        current = todo.pop()
        files, dirs = listing(context, current)
        seen += len(files) + len(dirs)
        if seen > MAX_ENTRIES:
            return
        for name in files:
            path = _join(current, name)
            if not context.excluded(path):
                yield path
        todo.extend(_join(current, d) for d in reversed(dirs))


def glob(context: BuildContext, pattern: str) -> list[str]:
    """Context paths matching a COPY source pattern (``*`` and ``?`` within one segment)."""
    clean = _clean(pattern)
    if clean is None:
        return []
    found = [""]
    for segment in clean.split("/"):
        nxt = []
        for base in found:
            files, dirs = listing(context, base)
            for name in files + dirs:
                if fnmatch.fnmatchcase(name, segment):
                    nxt.append(_join(base, name))
        found = nxt
    return sorted(found)


def _has_glob(text: str) -> bool:
    return any(c in text for c in "*?[")


def _remote(text: str) -> bool:
    return text.startswith(("http://", "https://", "git@", "git://"))


def _clean(text: str) -> str | None:
    """A source as a context path ("" for the root); None outside the context."""
    path = posixpath.normpath("/" + text.strip()).lstrip("/")
    return "" if path in (".", "") else path


def _join(a: str, b: str) -> str:
    return posixpath.join(a, b) if a else b


def _slash(path: str) -> str:
    return path if path.endswith("/") else path + "/"
