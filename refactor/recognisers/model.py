"""What the recognisers say about a RUN: the types, all frozen.

Paths are absolute paths in the image, normalised. A value the file does
not decide is None, and the reason is in ``RunFacts.unknown``.
"""

from __future__ import annotations

import attrs

from ..analysis.shell import SimpleCommand

frozen = attrs.frozen


@frozen
class GoDetails:
    """How ``go build`` / ``go install`` made one binary.

    ``cgo``: False when ``CGO_ENABLED=0`` is in force, True when ``=1``,
    None when unset or unknown (Go then enables cgo only where a C compiler
    is found). ``imports_c``: whether a non-test Go file of the module (its
    ``vendor/`` included) imports ``"C"``, None when the sources are not in
    the build context; ``cgo_modules``: required modules that need cgo.
    ``env``: the Go variables set for the command (a None value: set, but
    to a value not known here).
    """

    package: str  # as written: ".", "./cmd/server", "example.com/tool@v1"
    import_path: str | None = None
    cgo: bool | None = None
    imports_c: bool | None = None
    cgo_files: tuple[str, ...] = ()  # context paths of the files that import "C" (a few)
    cgo_modules: tuple[str, ...] = ()
    env: tuple[tuple[str, str | None], ...] = ()
    ldflags: str | None = None  # expanded; None when absent or not known (see ldflags_raw)
    ldflags_raw: str | None = None  # the shell word as written
    tags: tuple[str, ...] = ()
    trimpath: bool = False
    buildmode: str | None = None
    installed: bool = False  # by ``go install``
    remote: bool = False  # ``go install PKG@VERSION``: fetched, not from the context


@frozen
class RustDetails:
    """How ``cargo build`` / ``cargo install`` made one binary.

    ``musl``: the target links musl statically (a ``*-musl`` triple, or no
    ``--target`` on an Alpine rust image); None when the host is unknown.
    """

    package: str | None
    profile: str  # "release", "dev", or a custom profile
    target: str | None = None  # the --target triple
    musl: bool | None = None
    features: tuple[str, ...] = ()
    installed: bool = False  # by ``cargo install``
    example: bool = False


@frozen
class NativeDetails:
    """A C/C++ program, from the compiler line, a Makefile or CMakeLists.txt.

    ``libraries`` are the ``-l`` names (``-lpq`` -> ``"pq"``) and CMake
    link items (``OpenSSL::SSL``); ``packages`` CMake ``find_package``
    names. ``source`` says what made it: ``"gcc"``, ``"make"``,
    ``"make install"``, ``"cmake --build"``, ``"cmake --install"``.
    For installs, ``built`` is the file the install copied, ``prefix`` the
    prefix in force and ``destdir`` whether every destination honours
    ``DESTDIR`` (None: not known).
    """

    source: str
    compiler: str | None = None
    libraries: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    static: bool = False
    built: str | None = None
    prefix: str | None = None
    destdir: bool | None = None
    files: tuple[str, ...] = ()  # for an install tree: the files known to land in it


Details = GoDetails | RustDetails | NativeDetails


@frozen
class Artifact:
    """Something a RUN builds, and where it lands in the image.

    ``kind``: ``go-binary``, ``rust-binary``, ``native-binary``,
    ``native-library``, ``file`` (installed data, man pages ...) or
    ``install-tree`` (a whole ``DESTDIR``/prefix tree). ``variables``: the
    ARG/ENV names the path was expanded with (a ``--build-arg`` changes it).
    """

    kind: str
    path: str
    name: str
    ecosystem: str  # "go", "rust", "c"
    details: Details
    variables: tuple[str, ...] = ()
    command: SimpleCommand | None = attrs.field(default=None, eq=False, repr=False)


@frozen
class PackageInstall:
    """A system package install: ``apt-get install``, ``apk add`` ...

    ``packages`` as given (``curl=7.88*`` keeps its version; ``names``
    drops it); ``virtual`` is apk's ``--virtual NAME``. The flags say what
    a rewrite must keep: ``update_in_same_layer`` (an index update earlier
    in the same RUN), ``cleans_lists`` (the index or cache is removed in the
    same RUN, or never written: ``--no-cache``), ``removed_in_same_layer``
    (``apk del`` of the virtual package, ``apt-get purge`` of them all).
    """

    manager: str  # "apt", "apk", "dnf", "yum", "microdnf"
    packages: tuple[str, ...]
    flags: tuple[str, ...] = ()
    virtual: str | None = None
    groups: tuple[str, ...] = ()  # yum/dnf groupinstall
    update_in_same_layer: bool = False
    cleans_lists: bool = False
    removed_in_same_layer: bool = False
    command: SimpleCommand | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Package names without ``=version`` or ``/release``."""
        return tuple(_bare_name(p) for p in self.packages)


@frozen
class PackageRemoval:
    """``apk del``, ``apt-get purge``/``remove``, ``dnf remove``."""

    manager: str
    packages: tuple[str, ...]
    command: SimpleCommand | None = attrs.field(default=None, eq=False, repr=False)


@frozen
class TestStep:
    """A step that checks the build (``go test``, ``cargo test``, ``make
    check``, ``ctest``, ``npm test``, ``pytest`` ...), so a failing test
    still fails the build. ``kind``: ``"test"``, or ``"check"`` for
    compile-only and lint steps (``go vet``, ``cargo check``,
    ``go build ./...`` without ``-o``)."""

    tool: str
    kind: str
    cwd: str | None
    command: SimpleCommand = attrs.field(eq=False, repr=False)


@frozen
class Findings:
    """What one recogniser says about one command."""

    builds: tuple[Artifact, ...] = ()
    installs: tuple[PackageInstall, ...] = ()
    removals: tuple[PackageRemoval, ...] = ()
    tests: tuple[TestStep, ...] = ()
    unknown: tuple[str, ...] = ()


@frozen
class RunFacts:
    """What one RUN builds, installs and tests.

    ``other``: the commands no recogniser classifies. ``unknown``: one-line
    reasons for what could not be told, each one a user can act on.
    """

    builds: tuple[Artifact, ...] = ()
    installs: tuple[PackageInstall, ...] = ()
    removals: tuple[PackageRemoval, ...] = ()
    tests: tuple[TestStep, ...] = ()
    other: tuple[SimpleCommand, ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def understood(self) -> bool:
        return not self.unknown


def _bare_name(spec: str) -> str:
    for sep in ("=", "/"):
        spec = spec.split(sep, 1)[0]
    # apk: name>=1.2, name~1.2, name@edge
    for sep in (">", "<", "~", "@"):
        spec = spec.split(sep, 1)[0]
    return spec
