"""The runtime catalog: what the tool knows about container images.

The facts are data, in ``refactor/data/runtimes.toml`` (shipped in the
wheel); this module reads them, checks them, and answers questions:

* ``Catalog.base(image)``: the facts of a runtime base (libc, shell,
  package manager, users, size, end of life);
* ``Catalog.builder(image)``: what a build image builds with (language and
  version from the tag, Debian/Ubuntu/Alpine release, C library);
* ``Catalog.family(image)``: for any image, its family and how to create a
  system user in it (listed facts, or the name rules);
* ``Catalog.user_of(image)``: its own unprivileged user, or that it runs
  as non-root already, or that its entrypoint drops privileges itself;
* ``Catalog.choose_runtime(builder, need, prefer)``: the runtime base for a
  build, never past its end of life, with a C library of the same kind and
  the same or a newer version, and the same language version; or no image
  and the one-line reason.

``load_catalog(overrides)`` adds a user's ``[tool.msb-refactor.runtimes]``
table: bases, builders, users, and the image to use for a need. A bad
entry is a ``CatalogError`` naming the file, the key and what is wrong.
docs/catalog.md describes the format and the rules.

Importing this module is cheap: the TOML is read on first use and kept for
the process.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

import attrs

DATA = os.path.join(os.path.dirname(__file__), "data", "runtimes.toml")

#: what a runtime stage may need, for ``choose_runtime``
NEEDS = ("static", "glibc", "libc", "cc", "python", "node", "java", "dotnet")
LANGUAGES = ("python", "node", "java", "dotnet")
#: ``--runtime`` preferences (and the ``kind`` of a base)
PREFERENCES = ("distroless", "slim", "alpine", "scratch")
LIBCS = ("glibc", "musl", "none")
PACKAGE_MANAGERS = ("apt", "apk", "dnf", "microdnf", "yum", "none")
USER_KINDS = ("own-user", "non-root", "drops-privileges")

_LANGUAGE_NAMES = {"python": "Python", "node": "Node.js", "java": "Java", "dotnet": ".NET"}
_NEED_WORDS = {
    "static": "a static binary",
    "glibc": "a binary that needs only the C library",
    "libc": "a binary that needs only the C library",
    "cc": "a binary that needs the C and C++ runtime libraries",
}
# The order preferences are tried in: the preferred kind first, then these.
_FALLBACK = ("distroless", "slim", "alpine")
_ARCH_SUFFIX = re.compile(r"-(?:amd64|arm64|arm|s390x|ppc64le|riscv64)$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_VERSIONED_NEED = re.compile(r"^(python|node|java|dotnet)-(\d+(?:\.\d+)?)$")


class CatalogError(ValueError):
    """A catalog entry (shipped or configured) that is not valid."""


# ------------------------------------------------------------------ references


@attrs.frozen
class Reference:
    """An image reference, normalised: Docker Hub's ``docker.io/`` and
    ``library/`` removed, the repository in lower case."""

    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def name(self) -> str:
        """``REPOSITORY:TAG``, with ``latest`` when no tag is given (the
        string patterns in the catalog are matched against)."""
        return f"{self.repository}:{self.tag or 'latest'}"

    def __str__(self) -> str:
        out = self.repository
        if self.tag:
            out += ":" + self.tag
        if self.digest:
            out += "@" + self.digest
        return out


def parse_reference(image: str) -> Reference:
    """``image`` as repository, tag and digest (``name[:tag][@digest]``)."""
    image = image.strip()
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    tag = None
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        image, tag = image[:colon], image[colon + 1 :] or None
    repo = image.lower()
    first, _, rest = repo.partition("/")
    if rest and first in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        repo = rest
    if repo.startswith("library/"):
        repo = repo[len("library/") :]
    return Reference(repo, tag, digest)


# ------------------------------------------------------------------ facts


@attrs.frozen
class NonRoot:
    """An unprivileged user an image has; ``tag``: the image's tag that
    runs as it (distroless ``:nonroot``), if there is one."""

    user: str | None
    uid: int
    gid: int | None = None
    tag: str | None = None

    @property
    def spec(self) -> str:
        """The numeric ``USER`` argument (``65532:65532``)."""
        return f"{self.uid}:{self.gid}" if self.gid is not None else str(self.uid)


@attrs.frozen
class Release:
    """A distribution release: its C library and how long it is supported."""

    name: str  # "debian13"
    family: str  # "debian"
    distro: str
    version: str
    codename: str | None
    libc: str
    libc_version: str | None
    eol: date | None  # end of regular security support; None: rolling
    lts: date | None
    source: str


@attrs.frozen
class BaseImage:
    """A runtime base image, as the catalog knows it."""

    image: str  # the catalog's reference: "gcr.io/distroless/static-debian13", "python:3.11-slim"
    repository: str
    tag: str | None  # for an entry that covers several tags: the one asked for
    family: str
    variant: str
    kind: str  # the preference it answers: distroless, slim, alpine, scratch
    release: Release | None
    libc: str  # glibc, musl, none
    libc_version: str | None
    shell: bool
    package_manager: str  # apt, apk, dnf, microdnf, yum, none
    user: str  # who it runs as by default
    uid: int
    nonroot: NonRoot | None  # its unprivileged user, if any
    language: str | None  # python, node, java, dotnet
    language_version: str | None
    provides: frozenset[str]  # static, libc, cc, or the language
    pick: bool  # False: recognised, chosen only when the configuration names it
    size_mb: float | None  # compressed, approximate
    size_source: str
    eol: date | None  # first day without support; None: no end (scratch, rolling)
    note: str
    source: str

    @property
    def distro(self) -> str | None:
        return self.release.distro if self.release else None

    @property
    def runs_as_root(self) -> bool:
        return self.uid == 0

    def past_eol(self, today: date) -> bool:
        return self.eol is not None and today >= self.eol


@attrs.frozen
class BuilderImage:
    """What a build image builds with."""

    image: str  # the reference as given, normalised
    repository: str
    tag: str | None
    language: str | None  # go, rust, c, python, node, java, dotnet; None for an OS image
    language_version: str | None  # from the tag: golang:1.19 -> "1.19"; None when the tag has none
    release: Release | None  # None when not known (debian:sid, alpine:edge)
    release_from: str  # "tag" (the tag names it), "default" (the repository's rule), "unknown"
    libc: str | None
    libc_version: str | None
    size_mb: float | None
    size_source: str
    note: str

    @property
    def distro(self) -> str | None:
        return self.release.distro if self.release else None


@attrs.frozen
class Family:
    """An image's family and what the non-root pass needs to know of it.
    ``known``: the facts are the catalog's own entries for this image (a
    base or a builder); False when they come from a name rule, or from
    nothing (``name`` is then ``"unknown"``)."""

    name: str  # debian, ubuntu, alpine, busybox, rhel, scratch, distroless, wolfi, unknown
    known: bool
    rule: str | None  # the pattern that matched, for a rule
    libc: str | None
    libc_version: str | None
    shell: bool | None
    package_manager: str | None
    create_user: tuple[str, ...]  # templates: {user} {group} {uid} {gid}; () when none can be created
    nonroot: NonRoot | None  # a user the image already has
    default_user: NonRoot  # the catalog's [defaults]: what to create
    note: str

    @property
    def can_create_user(self) -> bool:
        return bool(self.create_user)

    def user_commands(
        self, user: str | None = None, uid: int | None = None, group: str | None = None, gid: int | None = None
    ) -> tuple[str, ...]:
        """The commands that create a system user (the defaults: the
        catalog's ``app``, 10001), or () where none can be created."""
        values = {
            "user": user or self.default_user.user,
            "uid": uid if uid is not None else self.default_user.uid,
            "group": group or user or self.default_user.user,
            "gid": gid if gid is not None else (uid if uid is not None else self.default_user.gid),
        }
        return tuple(t.format(**values) for t in self.create_user)


@attrs.frozen
class ImageUser:
    """How an image stands as to non-root users.

    kind: ``own-user`` (it has the user and runs as root: switch to it),
    ``non-root`` (it runs as a non-root user already), ``drops-privileges``
    (its entrypoint starts as root and switches itself)."""

    kind: str
    user: str | None
    uid: int | None
    gid: int | None
    reason: str
    note: str
    source: str
    port: int | None = None  # a privileged port the image's default configuration binds
    as_is: bool = True  # False: its program cannot run as the user without a configuration change


@attrs.frozen
class RuntimeChoice:
    """The runtime base chosen for a build, or ``image`` None and why not.
    ``image`` has no tag for the distroless images: the base's ``nonroot``
    says which tag runs as its non-root user (``nonroot_image``)."""

    image: str | None
    base: BaseImage | None
    reason: str

    @property
    def nonroot_image(self) -> str | None:
        """The image's tag that runs as its non-root user, if it has one."""
        if self.image is None or self.base is None or self.base.nonroot is None or not self.base.nonroot.tag:
            return None
        return f"{parse_reference(self.image).repository}:{self.base.nonroot.tag}"


# ------------------------------------------------------------------ checking


def _key(*parts: str) -> str:
    """A dotted TOML key; a part ``[i]`` is an index into the list before it."""
    out = ""
    for p in parts:
        if re.fullmatch(r"\[\d+\]", p):
            out += p
        else:
            out += ("." if out else "") + (p if _BARE_KEY.match(p) else '"' + p.replace('"', '\\"') + '"')
    return out


class _Check:
    """Type checks that fail with the file, the key and the problem."""

    def __init__(self, source: str, prefix: tuple[str, ...] = ()) -> None:
        self.source = source
        self.prefix = prefix

    def fail(self, path: tuple[str, ...], problem: str) -> CatalogError:
        key = _key(*self.prefix, *path) if (self.prefix or path) else "(top level)"
        return CatalogError(f"{self.source}: {key}: {problem}")

    def table(self, value: Any, path: tuple[str, ...], allowed: Iterable[str] | None = None, required=()) -> dict:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"must be a table, not {_show(value)}")
        if allowed is not None:
            allowed = set(allowed)
            for k in value:
                if k not in allowed:
                    raise self.fail((*path, k), f"unknown key (known: {', '.join(sorted(allowed))})")
        for k in required:
            if k not in value:
                raise self.fail((*path, k), "missing")
        return dict(value)

    def string(self, value: Any, path: tuple[str, ...], choices: Iterable[str] | None = None) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(path, f"must be a non-empty string, not {_show(value)}")
        if choices is not None:
            choices = tuple(choices)
            if value not in choices:
                raise self.fail(path, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def strings(self, value: Any, path: tuple[str, ...], choices: Iterable[str] | None = None) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(path, f"must be a list of strings, not {_show(value)}")
        return tuple(self.string(v, (*path, f"[{i}]"), choices) for i, v in enumerate(value))

    def integer(self, value: Any, path: tuple[str, ...]) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(path, f"must be an integer of 0 or more, not {_show(value)}")
        return value

    def number(self, value: Any, path: tuple[str, ...]) -> float:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise self.fail(path, f"must be a number of 0 or more, not {_show(value)}")
        return value

    def boolean(self, value: Any, path: tuple[str, ...]) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"must be true or false, not {_show(value)}")
        return value

    def eol(self, value: Any, path: tuple[str, ...]) -> date | None:
        if value == "none":
            return None
        if type(value) is not date:
            raise self.fail(path, f'must be a date (unquoted, as 2028-08-09) or "none", not {_show(value)}')
        return value

    def version(self, value: Any, path: tuple[str, ...]) -> str:
        value = self.string(value, path)
        if not re.fullmatch(r"\d+(?:\.\d+)*", value):
            raise self.fail(path, f"must be a version such as 2.41, not {value!r}")
        return value

    def pattern(self, value: Any, path: tuple[str, ...]) -> re.Pattern:
        value = self.string(value, path)
        try:
            compiled = re.compile(value)
        except re.error as e:
            raise self.fail(path, f"is not a valid regular expression: {e}") from None
        if compiled.groups < 1:
            raise self.fail(path, "must have a group: the part of the tag it reads")
        return compiled


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _vt(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


# ------------------------------------------------------------------ reading


_BASE_KEYS = (
    "family variant release libc libc-version shell package-manager user uid nonroot tags aliases provides "
    "language language-version kind pick size-mb size-source eol note source"
).split()
_NONROOT_KEYS = ("user", "uid", "gid", "tag")
_USER_KEYS = ("match", "kind", "user", "uid", "gid", "reason", "note", "source", "port", "as-is")
_BUILDER_KEYS = (
    "repositories language version version-alias default-release release-from-version release-format "
    "release-alias size-mb size-source note source"
).split()
_USER_BUILDER_KEYS = ("language", "language-version", "release", "libc", "libc-version", "size-mb", "note")
_FAMILY_KEYS = ("libc", "shell", "package-manager", "create-user", "nonroot", "note", "source", "tag-variant")
_RULE_KEYS = ("match", "family", "libc", "shell", "package-manager", "create-user", "note")


class _FamilyFacts(NamedTuple):
    name: str
    libc: str | None
    shell: bool | None
    package_manager: str | None
    create_user: tuple[str, ...]
    nonroot: NonRoot | None
    note: str
    tag_variants: Mapping[str, Mapping[str, Any]]


class _Rule(NamedTuple):
    patterns: tuple[str, ...]
    family: str
    fields: Mapping[str, Any]  # libc, shell, package_manager, create_user, note: overrides of the family's


class _UserRule(NamedTuple):
    patterns: tuple[str, ...]
    user: ImageUser


class _BuilderRule(NamedTuple):
    repositories: tuple[str, ...]
    language: str | None
    version: re.Pattern | None
    version_alias: Mapping[str, str]
    default_release: tuple[tuple[str | None, str], ...]  # (below, release)
    release_from_version: re.Pattern | None
    release_format: str | None
    release_alias: Mapping[str, str]
    size_mb: Mapping[str, float]
    size_source: str
    note: str
    fixed_version: str | None = None  # a configured builder: the same version for every tag
    fixed_release: str | None = None
    fixed_libc: tuple[str, str | None] | None = None


class _Data(NamedTuple):
    reviewed: date
    defaults: NonRoot
    sources: Mapping[str, str]
    releases: Mapping[str, Release]
    tag_words: Mapping[str, str]
    languages: Mapping[str, Mapping[str, date]]
    families: Mapping[str, _FamilyFacts]
    rules: tuple[_Rule, ...]
    builders: tuple[_BuilderRule, ...]
    bases: tuple[tuple[str, BaseImage, tuple[str, ...], tuple[str, ...]], ...]  # (key, base, tags, aliases)
    users: tuple[_UserRule, ...]


def _read_toml(path: str) -> dict:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise CatalogError(f"{path}: invalid TOML: {e}") from None


@functools.lru_cache(maxsize=1)
def _shipped() -> _Data:
    return _parse_shipped(_read_toml(DATA), DATA)


def _parse_shipped(raw: Mapping, source: str) -> _Data:
    c = _Check(source)
    top = c.table(
        raw,
        (),
        allowed="schema reviewed defaults source release tag-word language family family-rule builder base user".split(),
        required=("schema", "reviewed", "defaults", "release", "family", "base"),
    )
    if top["schema"] != 1:
        raise c.fail(("schema",), f"must be 1, not {_show(top['schema'])}")
    reviewed = c.eol(top["reviewed"], ("reviewed",))
    if reviewed is None:
        raise c.fail(("reviewed",), "must be a date")
    d = c.table(top["defaults"], ("defaults",), allowed=("user", "group", "uid", "gid"), required=("user", "uid"))
    defaults = NonRoot(
        c.string(d["user"], ("defaults", "user")),
        c.integer(d["uid"], ("defaults", "uid")),
        c.integer(d.get("gid", d["uid"]), ("defaults", "gid")),
    )
    sources = {k: c.string(v, ("source", k)) for k, v in c.table(top.get("source", {}), ("source",)).items()}

    def check_source(value: Any, path: tuple[str, ...]) -> str:
        text = c.string(value, path)
        for word in text.split():
            if word not in sources:
                raise c.fail(path, f"{word!r} is not a key of [source]")
        return text

    families = {
        name: _parse_family(c, name, value, check_source) for name, value in c.table(top["family"], ("family",)).items()
    }
    releases = {}
    for name, value in c.table(top["release"], ("release",)).items():
        p = ("release", name)
        r = c.table(
            value,
            p,
            allowed=("distro", "family", "version", "codename", "libc", "libc-version", "eol", "lts", "source"),
            required=("distro", "version", "libc", "eol", "source"),
        )
        family = c.string(r.get("family", r["distro"]), (*p, "family"))
        if family not in families:
            raise c.fail((*p, "family"), f"{family!r} is not a key of [family]")
        releases[name] = Release(
            name=name,
            family=family,
            distro=c.string(r["distro"], (*p, "distro")),
            version=c.string(r["version"], (*p, "version")),
            codename=c.string(r["codename"], (*p, "codename")) if "codename" in r else None,
            libc=c.string(r["libc"], (*p, "libc"), LIBCS),
            libc_version=c.version(r["libc-version"], (*p, "libc-version")) if "libc-version" in r else None,
            eol=c.eol(r["eol"], (*p, "eol")),
            lts=c.eol(r["lts"], (*p, "lts")) if "lts" in r else None,
            source=check_source(r["source"], (*p, "source")),
        )
    tag_words = {}
    for word, release in c.table(top.get("tag-word", {}), ("tag-word",)).items():
        tag_words[word] = c.string(release, ("tag-word", word), releases)
    languages: dict[str, dict[str, date]] = {}
    for lang, value in c.table(top.get("language", {}), ("language",), allowed=LANGUAGES).items():
        t = c.table(value, ("language", lang), required=("source",))
        check_source(t.pop("source"), ("language", lang, "source"))
        out = languages[lang] = {}
        for version, when in t.items():
            c.version(version, ("language", lang, version))
            out[version] = c.eol(when, ("language", lang, version))
    rules = tuple(
        _parse_rule(c, ("family-rule", f"[{i}]"), value, families)
        for i, value in enumerate(_array(c, top.get("family-rule", []), ("family-rule",)))
    )
    builders = tuple(
        _parse_builder(c, ("builder", name), value, releases, check_source)
        for name, value in c.table(top.get("builder", {}), ("builder",)).items()
    )
    bases = tuple(
        _parse_base(c, ("base", key), key, value, releases, families, languages, check_source, shipped=True)
        for key, value in c.table(top["base"], ("base",)).items()
    )
    users = tuple(
        _parse_user(c, ("user", f"[{i}]"), value, check_source)
        for i, value in enumerate(_array(c, top.get("user", []), ("user",)))
    )
    return _Data(reviewed, defaults, sources, releases, tag_words, languages, families, rules, builders, bases, users)


def _array(c: _Check, value: Any, path: tuple[str, ...]) -> list:
    if not isinstance(value, list):
        raise c.fail(path, f"must be an array of tables ([[{path[-1]}]]), not {_show(value)}")
    return value


def _parse_nonroot(c: _Check, value: Any, path: tuple[str, ...]) -> NonRoot:
    t = c.table(value, path, allowed=_NONROOT_KEYS, required=("uid",))
    return NonRoot(
        c.string(t["user"], (*path, "user")) if "user" in t else None,
        c.integer(t["uid"], (*path, "uid")),
        c.integer(t["gid"], (*path, "gid")) if "gid" in t else None,
        c.string(t["tag"], (*path, "tag")) if "tag" in t else None,
    )


def _parse_family(c: _Check, name: str, value: Any, check_source) -> _FamilyFacts:
    p = ("family", name)
    t = c.table(value, p, allowed=_FAMILY_KEYS, required=("shell", "package-manager", "create-user"))
    variants = {}
    for tag, fields in c.table(t.get("tag-variant", {}), (*p, "tag-variant")).items():
        vp = (*p, "tag-variant", tag)
        f = c.table(fields, vp, allowed=("user", "uid", "shell"))
        variants[tag] = {
            **({"user": c.string(f["user"], (*vp, "user"))} if "user" in f else {}),
            **({"uid": c.integer(f["uid"], (*vp, "uid"))} if "uid" in f else {}),
            **({"shell": c.boolean(f["shell"], (*vp, "shell"))} if "shell" in f else {}),
        }
    if "source" in t:
        check_source(t["source"], (*p, "source"))
    return _FamilyFacts(
        name=name,
        libc=c.string(t["libc"], (*p, "libc"), LIBCS) if "libc" in t else None,
        shell=c.boolean(t["shell"], (*p, "shell")),
        package_manager=c.string(t["package-manager"], (*p, "package-manager"), PACKAGE_MANAGERS),
        create_user=_templates(c, t["create-user"], (*p, "create-user")),
        nonroot=_parse_nonroot(c, t["nonroot"], (*p, "nonroot")) if "nonroot" in t else None,
        note=c.string(t["note"], (*p, "note")) if "note" in t else "",
        tag_variants=variants,
    )


def _templates(c: _Check, value: Any, path: tuple[str, ...]) -> tuple[str, ...]:
    out = c.strings(value, path)
    for i, text in enumerate(out):
        try:
            text.format(user="u", group="g", uid=1, gid=1)
        except (KeyError, IndexError, ValueError) as e:
            raise c.fail(
                (*path, f"[{i}]"),
                f"bad template (placeholders: {{user}} {{group}} {{uid}} {{gid}}): {e}",
            ) from None
    return out


def _parse_rule(c: _Check, path: tuple[str, ...], value: Any, families: Mapping[str, _FamilyFacts]) -> _Rule:
    t = c.table(value, path, allowed=_RULE_KEYS, required=("match", "family"))
    family = c.string(t["family"], (*path, "family"), families)
    fields: dict[str, Any] = {}
    if "libc" in t:
        fields["libc"] = c.string(t["libc"], (*path, "libc"), LIBCS)
    if "shell" in t:
        fields["shell"] = c.boolean(t["shell"], (*path, "shell"))
    if "package-manager" in t:
        fields["package_manager"] = c.string(t["package-manager"], (*path, "package-manager"), PACKAGE_MANAGERS)
    if "create-user" in t:
        fields["create_user"] = _templates(c, t["create-user"], (*path, "create-user"))
    if "note" in t:
        fields["note"] = c.string(t["note"], (*path, "note"))
    return _Rule(c.strings(t["match"], (*path, "match")), family, fields)


def _parse_builder(c: _Check, path: tuple[str, ...], value: Any, releases, check_source) -> _BuilderRule:
    t = c.table(value, path, allowed=_BUILDER_KEYS, required=("repositories", "size-mb", "size-source", "source"))
    check_source(t["source"], (*path, "source"))
    defaults = []
    raw_defaults = t.get("default-release", [])
    if not isinstance(raw_defaults, list):
        raise c.fail((*path, "default-release"), "must be a list of tables")
    for i, rule in enumerate(raw_defaults):
        rp = (*path, "default-release", f"[{i}]")
        r = c.table(rule, rp, allowed=("below", "release"), required=("release",))
        below = c.version(r["below"], (*rp, "below")) if "below" in r else None
        if below is None and i != len(raw_defaults) - 1:
            raise c.fail(rp, "only the last rule may leave out `below`")
        if below is not None and i == len(raw_defaults) - 1:
            raise c.fail(rp, "the last rule must leave out `below` (it applies to every newer version)")
        defaults.append((below, c.string(r["release"], (*rp, "release"), releases)))
    version = c.pattern(t["version"], (*path, "version")) if "version" in t else None
    if ("language" in t) != (version is not None):
        raise c.fail(path, "`language` and `version` go together")
    rfv = c.pattern(t["release-from-version"], (*path, "release-from-version")) if "release-from-version" in t else None
    fmt = c.string(t["release-format"], (*path, "release-format")) if "release-format" in t else None
    if (rfv is None) != (fmt is None):
        raise c.fail(path, "`release-from-version` and `release-format` go together")
    if version is not None and not defaults:
        raise c.fail((*path, "default-release"), "missing: a language builder needs a default release")
    sizes = c.table(t["size-mb"], (*path, "size-mb"), allowed=("default", "slim", "alpine"), required=("default",))
    return _BuilderRule(
        repositories=tuple(
            parse_reference(r).repository for r in c.strings(t["repositories"], (*path, "repositories"))
        ),
        language=c.string(t["language"], (*path, "language")) if "language" in t else None,
        version=version,
        version_alias={
            k: c.version(v, (*path, "version-alias", k))
            for k, v in c.table(t.get("version-alias", {}), (*path, "version-alias")).items()
        },
        default_release=tuple(defaults),
        release_from_version=rfv,
        release_format=fmt,
        release_alias={
            k: c.string(v, (*path, "release-alias", k), releases)
            for k, v in c.table(t.get("release-alias", {}), (*path, "release-alias")).items()
        },
        size_mb={k: c.number(v, (*path, "size-mb", k)) for k, v in sizes.items()},
        size_source=c.string(t["size-source"], (*path, "size-source")),
        note=c.string(t["note"], (*path, "note")) if "note" in t else "",
    )


def _parse_base(
    c: _Check,
    path: tuple[str, ...],
    key: str,
    value: Any,
    releases: Mapping[str, Release],
    families: Mapping[str, _FamilyFacts],
    languages: Mapping[str, Mapping[str, date]],
    check_source,
    shipped: bool,
) -> tuple[str, BaseImage, tuple[str, ...], tuple[str, ...]]:
    required = ["family", "eol"] + (["variant", "size-mb", "size-source", "source"] if shipped else [])
    t = c.table(value, path, allowed=_BASE_KEYS, required=required)
    ref = parse_reference(key)
    if ref.digest:
        raise c.fail(path, "a base is named by repository and tag, not by digest")
    family = c.string(t["family"], (*path, "family"), families)
    fam = families[family]
    release = releases[c.string(t["release"], (*path, "release"), releases)] if "release" in t else None
    if "libc" in t:
        libc = c.string(t["libc"], (*path, "libc"), LIBCS)
    elif release is not None:
        libc = release.libc
    elif fam.libc is not None:
        libc = fam.libc
    else:
        raise c.fail((*path, "libc"), "missing, and not given by a release or the family (glibc, musl or none)")
    if "libc-version" in t:
        if libc == "none":
            raise c.fail((*path, "libc-version"), "given for an image without a C library (libc = none)")
        libc_version = c.version(t["libc-version"], (*path, "libc-version"))
    elif release is not None and release.libc == libc:
        libc_version = release.libc_version
    else:
        libc_version = None
    if "shell" in t:
        shell = c.boolean(t["shell"], (*path, "shell"))
    elif fam.shell is not None:
        shell = fam.shell
    else:
        raise c.fail((*path, "shell"), "missing")
    pm = c.string(t.get("package-manager", fam.package_manager), (*path, "package-manager"), PACKAGE_MANAGERS)
    language = c.string(t["language"], (*path, "language"), LANGUAGES) if "language" in t else None
    if (language is None) != ("language-version" not in t):
        raise c.fail(path, "`language` and `language-version` go together")
    language_version = c.version(t["language-version"], (*path, "language-version")) if language else None
    provides = c.strings(
        t.get("provides", [language] if language else []), (*path, "provides"), ("static", "libc", "cc", *LANGUAGES)
    )
    if language and set(provides) != {language}:
        raise c.fail((*path, "provides"), f"a {language} runtime provides [{language!r}] only")
    kind = t.get("kind") or {
        "distroless": "distroless",
        "wolfi": "distroless",
        "alpine": "alpine",
        "scratch": "scratch",
    }.get(family, "slim")
    kind = c.string(kind, (*path, "kind"), PREFERENCES)
    eol = c.eol(t["eol"], (*path, "eol"))
    if shipped and eol is not None:
        # an image ends no later than what it is made of: its release's last
        # support (LTS, when the publisher keeps building on it), its language
        bounds = []
        if release is not None and (release.lts or release.eol) is not None:
            bounds.append((release.lts or release.eol, f"release {release.name}"))
        if language and language_version in languages.get(language, {}):
            bounds.append((languages[language][language_version], f"{_LANGUAGE_NAMES[language]} {language_version}"))
        for bound, what in bounds:
            if eol > bound:
                raise c.fail((*path, "eol"), f"{eol} is later than the end of life of {what} ({bound})")
    tags = c.strings(t["tags"], (*path, "tags")) if "tags" in t else ()
    if tags and ref.tag:
        raise c.fail((*path, "tags"), "given for a key that has a tag")
    aliases = c.strings(t.get("aliases", []), (*path, "aliases"))
    base = BaseImage(
        image=key,
        repository=ref.repository,
        tag=None,
        family=family,
        variant=c.string(t.get("variant", family), (*path, "variant")),
        kind=kind,
        release=release,
        libc=libc,
        libc_version=libc_version,
        shell=shell,
        package_manager=pm,
        user=c.string(t.get("user", "root"), (*path, "user")),
        uid=c.integer(t.get("uid", 0), (*path, "uid")),
        nonroot=_parse_nonroot(c, t["nonroot"], (*path, "nonroot")) if "nonroot" in t else fam.nonroot,
        language=language,
        language_version=language_version,
        provides=frozenset(provides),
        pick=c.boolean(t.get("pick", True), (*path, "pick")),
        size_mb=c.number(t["size-mb"], (*path, "size-mb")) if "size-mb" in t else None,
        size_source=c.string(t["size-source"], (*path, "size-source")) if "size-source" in t else c.source,
        eol=eol,
        note=c.string(t["note"], (*path, "note")) if "note" in t else "",
        source=check_source(t["source"], (*path, "source")) if "source" in t else c.source,
    )
    return key, base, tags, aliases


def _parse_user(c: _Check, path: tuple[str, ...], value: Any, check_source) -> _UserRule:
    t = c.table(value, path, allowed=_USER_KEYS, required=("match", "kind", "reason"))
    return _UserRule(
        c.strings(t["match"], (*path, "match")),
        ImageUser(
            kind=c.string(t["kind"], (*path, "kind"), USER_KINDS),
            user=c.string(t["user"], (*path, "user")) if "user" in t else None,
            uid=c.integer(t["uid"], (*path, "uid")) if "uid" in t else None,
            gid=c.integer(t["gid"], (*path, "gid")) if "gid" in t else None,
            reason=c.string(t["reason"], (*path, "reason")),
            note=c.string(t["note"], (*path, "note")) if "note" in t else "",
            source=check_source(t["source"], (*path, "source")) if "source" in t else c.source,
            port=c.integer(t["port"], (*path, "port")) if "port" in t else None,
            as_is=c.boolean(t.get("as-is", True), (*path, "as-is")),
        ),
    )


# ------------------------------------------------------------------ the catalog


def load_catalog(overrides: Mapping | None = None, source: str | None = None) -> Catalog:
    """The shipped catalog, with ``overrides`` (the
    ``[tool.msb-refactor.runtimes]`` table) added. ``source`` names the
    file the overrides come from, for messages."""
    data = _shipped()
    if not overrides:
        return _plain_catalog()
    return Catalog(data, *_parse_overrides(data, overrides, source or "configuration"))


@functools.lru_cache(maxsize=1)
def _plain_catalog() -> Catalog:
    return Catalog(_shipped())


def _parse_overrides(data: _Data, raw: Mapping, source: str):
    prefix = ("tool", "msb-refactor", "runtimes") if source.endswith("pyproject.toml") else ("runtimes",)
    c = _Check(source, prefix)
    t = c.table(raw, ())
    user_check = lambda value, path: c.string(value, path)  # noqa: E731 - free text in a user's file
    bases = []
    for key, value in c.table(t.pop("base", {}), ("base",)).items():
        bases.append(
            _parse_base(
                c,
                ("base", key),
                key,
                value,
                data.releases,
                data.families,
                data.languages,
                user_check,
                shipped=False,
            )
        )
    users = tuple(
        _parse_user(c, ("user", f"[{i}]"), value, user_check)
        for i, value in enumerate(_array(c, t.pop("user", []), ("user",)))
    )
    builders = []
    for key, value in c.table(t.pop("builder", {}), ("builder",)).items():
        p = ("builder", key)
        b = c.table(value, p, allowed=_USER_BUILDER_KEYS, required=("language",))
        if "release" in b:
            release = c.string(b["release"], (*p, "release"), data.releases)
            libc = None
        elif "libc" in b:
            release = None
            libc = (
                c.string(b["libc"], (*p, "libc"), ("glibc", "musl")),
                c.version(b["libc-version"], (*p, "libc-version")) if "libc-version" in b else None,
            )
        else:
            raise c.fail((*p, "release"), "missing: give `release` (as debian13) or `libc` and `libc-version`")
        builders.append(
            _BuilderRule(
                repositories=(parse_reference(key).repository,),
                language=c.string(b["language"], (*p, "language")),
                version=None,
                version_alias={},
                default_release=(),
                release_from_version=None,
                release_format=None,
                release_alias={},
                size_mb={"default": c.number(b["size-mb"], (*p, "size-mb"))} if "size-mb" in b else {},
                size_source=source,
                note=c.string(b["note"], (*p, "note")) if "note" in b else "",
                fixed_version=c.version(b["language-version"], (*p, "language-version"))
                if "language-version" in b
                else None,
                fixed_release=release,
                fixed_libc=libc,
            )
        )
    choices = {}
    for need, image in t.items():
        m = _VERSIONED_NEED.match(need)
        if need not in NEEDS and not m:
            raise c.fail(
                (need,),
                "unknown key (known: base, builder, user, a need: "
                + ", ".join(NEEDS)
                + ", or a language and version: python-3.12, node-22, java-21, dotnet-10.0)",
            )
        choices[need] = (c.string(image, (need,)), m)
    catalog = Catalog(data, tuple(bases), users, tuple(builders), {})
    checked = {}
    for need, (image, m) in choices.items():
        base = catalog.base(image)
        if base is None:
            raise c.fail(
                (need,),
                f"{image!r} is not in the catalog: describe it under [{_key(*prefix, 'base', image)}]",
            )
        wanted = m.group(1) if m else ("libc" if need == "glibc" else need)
        if wanted not in base.provides:
            raise c.fail(
                (need,), f"{image} does not provide {wanted} (it provides: {', '.join(sorted(base.provides))})"
            )
        if m and base.language_version != m.group(2):
            raise c.fail(
                (need,), f"{image} has {_LANGUAGE_NAMES[m.group(1)]} {base.language_version}, not {m.group(2)}"
            )
        checked[need] = image
    return tuple(bases), users, tuple(builders), checked


@attrs.define(frozen=True, eq=False)
class Catalog:
    """The catalog's facts and the questions it answers."""

    _data: _Data
    _extra_bases: tuple = ()
    _extra_users: tuple[_UserRule, ...] = ()
    _extra_builders: tuple[_BuilderRule, ...] = ()
    _choices: Mapping[str, str] = attrs.field(factory=dict)
    _index: dict = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        index: dict[tuple[str, str], tuple[BaseImage, str | None]] = {}
        # the configuration's entries first: they win over the shipped ones
        for key, base, tags, aliases in (*self._extra_bases, *self._data.bases):
            ref = parse_reference(key)
            for tag in tags or (ref.tag or "latest",):
                index.setdefault((ref.repository, tag), (base, tag if tags else None))
            for alias in aliases:
                a = parse_reference(alias)
                index.setdefault((a.repository, a.tag or "latest"), (base, None))
        object.__setattr__(self, "_index", index)

    # -------------------------------------------------------------- facts

    @property
    def reviewed(self) -> date:
        """When the shipped facts were last checked."""
        return self._data.reviewed

    @property
    def defaults(self) -> NonRoot:
        """The user the non-root pass creates where a base has none."""
        return self._data.defaults

    @property
    def sources(self) -> Mapping[str, str]:
        return self._data.sources

    @property
    def releases(self) -> Mapping[str, Release]:
        return self._data.releases

    @property
    def choices(self) -> Mapping[str, str]:
        """The configuration's image per need."""
        return dict(self._choices)

    def bases(self) -> tuple[BaseImage, ...]:
        """Every base (the configuration's first), once each."""
        seen: dict[str, BaseImage] = {}
        for key, base, _tags, _aliases in (*self._extra_bases, *self._data.bases):
            seen.setdefault(key, base)
        return tuple(seen.values())

    def language_eol(self, language: str, version: str) -> date | None:
        return self._data.languages.get(language, {}).get(version)

    def base(self, image: str) -> BaseImage | None:
        """The facts of a runtime base, or None when it is not listed. A tag
        variant (distroless ``:nonroot``, ``:debug``; an ``-amd64`` suffix)
        gives the same base with its user and shell; a reference by digest
        only is looked up as its repository's default tag."""
        ref = parse_reference(image)
        tag = ref.tag or "latest"
        hit = self._index.get((ref.repository, tag))
        if hit is None:
            bare = _ARCH_SUFFIX.sub("", tag)
            if bare != tag:
                hit = self._index.get((ref.repository, bare))
        if hit is None:
            return None
        base, variant = hit
        if variant is None:
            return base
        fields = dict(self._data.families[base.family].tag_variants.get(variant, {}))
        return attrs.evolve(base, tag=variant, **fields)

    def builder(self, image: str) -> BuilderImage | None:
        """What a build image builds with, or None for a repository the
        catalog does not know as a builder."""
        ref = parse_reference(image)
        for rule in (*self._extra_builders, *self._data.builders):
            if ref.repository in rule.repositories:
                return self._builder(ref, rule)
        return None

    def _builder(self, ref: Reference, rule: _BuilderRule) -> BuilderImage:
        tag = ref.tag or "latest"
        words = tag.split("-")
        releases = self._data.releases
        release_name: str | None = None
        release_from = "unknown"
        libc = libc_version = None
        version = rule.fixed_version
        if rule.version is not None:
            m = rule.version.search(tag)
            version = m.group(1) if m else rule.version_alias.get(words[0])
        if rule.fixed_release is not None:
            release_name, release_from = rule.fixed_release, "tag"
        elif rule.fixed_libc is not None:
            libc, libc_version = rule.fixed_libc
            release_from = "tag"
        else:
            for word in words:
                alpine = re.fullmatch(r"alpine(\d+\.\d+)", word)
                if alpine:
                    release_name, release_from = f"alpine{alpine.group(1)}", "tag"
                    if release_name not in releases:  # an Alpine this catalog does not list
                        libc, release_name = "musl", None
                elif word in self._data.tag_words:
                    release_name, release_from = self._data.tag_words[word], "tag"
            if release_from == "unknown":
                if tag in rule.release_alias or words[0] in rule.release_alias:
                    release_name = rule.release_alias.get(tag) or rule.release_alias[words[0]]
                    release_from = "tag"
                elif rule.release_from_version is not None:
                    m = rule.release_from_version.search(tag)
                    if m:
                        name = rule.release_format.format(*m.groups())
                        release_name, release_from = (name, "tag") if name in releases else (None, "unknown")
                elif rule.default_release:
                    release_name, release_from = _default_release(rule.default_release, version), "default"
        release = releases.get(release_name) if release_name else None
        if release is not None:
            libc, libc_version = release.libc, release.libc_version
        variant = (
            "alpine"
            if (release and release.family == "alpine") or libc == "musl"
            else ("slim" if "slim" in words else "default")
        )
        return BuilderImage(
            image=str(ref),
            repository=ref.repository,
            tag=ref.tag,
            language=rule.language,
            language_version=version,
            release=release,
            release_from=release_from,
            libc=libc,
            libc_version=libc_version,
            size_mb=rule.size_mb.get(variant, rule.size_mb.get("default")),
            size_source=rule.size_source,
            note=rule.note,
        )

    def family(self, image: str) -> Family:
        """The family of any image: the catalog's entry for it (a base or a
        builder), else the first name rule that matches, else ``unknown``."""
        defaults = self._data.defaults
        base = self.base(image)
        if base is not None:
            fam = self._data.families[base.family]
            return Family(
                name=base.family,
                known=True,
                rule=None,
                libc=base.libc,
                libc_version=base.libc_version,
                shell=base.shell,
                package_manager=base.package_manager,
                create_user=fam.create_user if base.shell else (),
                nonroot=base.nonroot,
                default_user=defaults,
                note=base.note or fam.note,
            )
        builder = self.builder(image)
        if builder is not None and builder.release is not None:
            fam = self._data.families[builder.release.family]
            return Family(
                name=fam.name,
                known=True,
                rule=None,
                libc=builder.libc,
                libc_version=builder.libc_version,
                shell=fam.shell,
                package_manager=fam.package_manager,
                create_user=fam.create_user if fam.shell else (),
                nonroot=fam.nonroot,
                default_user=defaults,
                note=fam.note,
            )
        ref = parse_reference(image)
        for rule in self._data.rules:
            pattern = _match(rule.patterns, ref)
            if pattern is None:
                continue
            fam = self._data.families[rule.family]
            fields = {
                "libc": fam.libc,
                "shell": fam.shell,
                "package_manager": fam.package_manager,
                "create_user": fam.create_user,
                "note": fam.note,
                **rule.fields,
            }
            if not fields["shell"]:
                fields["create_user"] = ()
            return Family(
                name=rule.family,
                known=False,
                rule=pattern,
                libc_version=None,
                nonroot=fam.nonroot,
                default_user=defaults,
                **fields,
            )
        return Family(
            name="unknown",
            known=False,
            rule=None,
            libc=None,
            libc_version=None,
            shell=None,
            package_manager=None,
            create_user=(),
            nonroot=None,
            default_user=defaults,
            note="",
        )

    def user_of(self, image: str) -> ImageUser | None:
        """How the image stands as to non-root users: the first ``user``
        entry that matches (the configuration's first), else what a listed
        base says (its default user, or its unprivileged one); None when
        nothing is known."""
        ref = parse_reference(image)
        for rule in (*self._extra_users, *self._data.users):
            if _match(rule.patterns, ref) is not None:
                return rule.user
        base = self.base(image)
        if base is None:
            return None
        if not base.runs_as_root:
            return ImageUser(
                "non-root", base.user, base.uid, None, f"{base.image} runs as {base.user} ({base.uid})", "", base.source
            )
        if base.nonroot is not None:
            n = base.nonroot
            return ImageUser(
                "own-user",
                n.user,
                n.uid,
                n.gid,
                f"{base.image} has the user {n.user or n.uid} ({n.uid})",
                "",
                base.source,
            )
        return None

    # -------------------------------------------------------------- choosing

    def choose_runtime(
        self, builder: BuilderImage | None, need: str, prefer: str = "distroless", today: date | None = None
    ) -> RuntimeChoice:
        """The runtime base for what a build produced.

        need: ``static`` (no C library), ``glibc`` or ``libc`` (the C
        library only: the builder's, glibc or musl), ``cc`` (the C and C++
        runtime libraries), or a language: ``python``, ``node``, ``java``,
        ``dotnet`` (the builder's version). prefer: ``distroless``,
        ``slim``, ``alpine``, or ``scratch`` (only ever chosen when asked).

        Never a base past its end of life; never a C library of another
        kind, or older than the builder's (a glibc binary runs on the same
        or a newer glibc only); a language runtime of the builder's own
        version. The configuration's image for the need wins when it fits.
        Among the bases that fit, the smallest of the preferred kind, else
        of the next kind (distroless, slim, alpine)."""
        if need not in NEEDS:
            raise ValueError(f"need must be one of {', '.join(NEEDS)}, not {need!r}")
        if prefer not in PREFERENCES:
            raise ValueError(f"prefer must be one of {', '.join(PREFERENCES)}, not {prefer!r}")
        today = today or date.today()
        language = need if need in LANGUAGES else None
        version = None
        if language:
            lang = _LANGUAGE_NAMES[language]
            if builder is None or builder.language != language or builder.language_version is None:
                of = f"of {builder.image}" if builder is not None else "of the build"
                return RuntimeChoice(None, None, f"cannot tell the {lang} version {of}; name it in the builder's tag")
            version = builder.language_version
            eol = self.language_eol(language, version)
            if eol is not None and today >= eol:
                return RuntimeChoice(None, None, f"{lang} {version} is past end of life ({eol}); upgrade the builder")
            what = f"{lang} {version}"
        else:
            what = _NEED_WORDS[need]
        libc = self._libc_needed(builder, need)
        if isinstance(libc, str):  # why the build's C library cannot be matched
            return RuntimeChoice(None, None, libc)

        def misfit(base: BaseImage) -> str | None:
            return _misfit(base, need, language, version, libc, today)

        keys = ([f"{need}-{version}"] if version else []) + (["glibc", "libc"] if need in ("glibc", "libc") else [need])
        for key in keys:
            if key in self._choices:
                image = self._choices[key]
                base = self.base(image)
                assert base is not None  # checked when loaded
                why = misfit(base)
                if why is None:
                    return RuntimeChoice(image, base, f"{image}: set for {key} in the configuration")
                return RuntimeChoice(None, base, f"the configured runtime for {key}, {image}, does not fit: {why}")

        candidates = [b for b in self.bases() if b.pick and _relevant(b, need, language)]
        order = [prefer] + [k for k in _FALLBACK if k != prefer]
        for kind in order:
            fits = [b for b in candidates if b.kind == kind and misfit(b) is None]
            if not fits:
                continue
            best = min(fits, key=_rank)
            size = "" if best.size_mb is None else " (empty)" if best.size_mb == 0 else f" (about {best.size_mb:g} MB)"
            reason = f"{best.image}: the smallest {kind} base for {what}{size}"
            if kind != prefer:
                reason += f"; no {prefer} base fits: {self._why_not(candidates, prefer, misfit, what)}"
            return RuntimeChoice(best.image, best, reason)
        return RuntimeChoice(None, None, f"no runtime base for {what}: {self._why_not(candidates, None, misfit, what)}")

    def _libc_needed(self, builder: BuilderImage | None, need: str) -> tuple[str, str | None] | None | str:
        """(kind, version) the runtime's C library must match, None when it
        does not matter, or the reason it cannot be matched."""
        if need in ("static", "java", "dotnet"):
            return None
        if builder is None:
            # no builder: a C-library need is glibc, with no version to match
            return ("glibc", None) if need in ("glibc", "libc", "cc") else None
        if builder.libc in (None, "none") and need in ("python", "node"):
            return None  # pure Python or JavaScript is all it can tell
        if builder.libc in (None, "none") or builder.libc_version is None:
            what = "C library" if builder.libc in (None, "none") else f"{builder.libc} version"
            return (
                f"the {what} of {builder.image} is not known: name a release the catalog lists in its tag "
                "(as -trixie), or describe the builder in [tool.msb-refactor.runtimes.builder]"
            )
        return builder.libc, builder.libc_version

    def _why_not(self, candidates, kind: str | None, misfit, what: str) -> str:
        """The most telling reason the candidates (of ``kind``) do not fit:
        that of the one with the latest end of life."""
        pool = [b for b in candidates if kind is None or b.kind == kind]
        if not pool:
            return f"the catalog has no {kind + ' ' if kind else ''}base for {what}"
        pool.sort(key=lambda b: (b.eol is not None, -(b.eol.toordinal() if b.eol else 0)))
        return misfit(pool[0]) or "none fits"


def _default_release(rules: tuple[tuple[str | None, str], ...], version: str | None) -> str:
    if version is not None:
        for below, release in rules:
            if below is not None and _vt(version) < _vt(below):
                return release
    return rules[-1][1]  # no version in the tag (latest, slim): the newest


def _relevant(base: BaseImage, need: str, language: str | None) -> bool:
    if language:
        return base.language == language
    if base.kind == "scratch" and need != "static":
        return False
    return ("libc" if need == "glibc" else need) in base.provides


def _misfit(base, need, language, version, libc, today) -> str | None:
    if language:
        if base.language != language:
            return f"{base.image} has no {_LANGUAGE_NAMES[language]} runtime"
        if base.language_version != version:
            lang = _LANGUAGE_NAMES[language]
            return f"{base.image} has {lang} {base.language_version}, not the build's {version}"
    elif ("libc" if need == "glibc" else need) not in base.provides:
        return f"{base.image} cannot run {_NEED_WORDS[need]}"
    if base.past_eol(today):
        return f"{base.image} is past end of life ({base.eol})"
    if libc is not None:
        kind, version_needed = libc
        if base.libc != kind:
            return f"{base.image} has {base.libc if base.libc != 'none' else 'no C library'}; the build links against {kind}"
        if version_needed is not None:
            if base.libc_version is None:
                return f"the {kind} version of {base.image} is not known"
            if _vt(base.libc_version) < _vt(version_needed):
                return f"{base.image} has {kind} {base.libc_version}, older than the build's {version_needed}"
    return None


def _rank(base: BaseImage):
    return (
        base.size_mb if base.size_mb is not None else float("inf"),
        -(base.eol.toordinal() if base.eol else date.max.toordinal()),
        base.image,
    )


def _match(patterns: tuple[str, ...], ref: Reference) -> str | None:
    """The first pattern that matches: one with a ``:`` is matched against
    ``REPOSITORY:TAG``, one without against the repository."""
    name = ref.name
    repository = ref.repository
    for p, tagged, prefix in _prefixes(patterns):
        subject = name if tagged else repository
        if subject.startswith(prefix) and fnmatch.fnmatchcase(subject, p):
            return p
    return None


@functools.cache
def _prefixes(patterns: tuple[str, ...]) -> tuple[tuple[str, bool, str], ...]:
    """Per pattern: whether it names a tag, and the literal text before its
    first wildcard. A subject that does not start with that text cannot
    match: most do not, and that test costs far less than the match (and
    a pattern never tried is never compiled)."""
    out = []
    for p in patterns:
        cut = min([p.index(c) for c in "*?[" if c in p], default=len(p))
        out.append((p, ":" in p, p[:cut]))
    return tuple(out)
