"""The runtime catalog: the shipped data, the questions it answers, and a
user's [tool.msb-refactor.runtimes] table."""

from __future__ import annotations

import copy
import subprocess
import sys
from datetime import date

import pytest

from refactor import catalog as cat
from refactor.catalog import (
    NEEDS,
    PREFERENCES,
    CatalogError,
    ImageUser,
    NonRoot,
    Reference,
    load_catalog,
    parse_reference,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TODAY = date(2026, 11, 29)  # the day the facts were checked


@pytest.fixture(scope="module")
def c():
    return load_catalog()


def choose(c, image, need, prefer="distroless", today=TODAY):
    return c.choose_runtime(c.builder(image) if image else None, need, prefer, today)


# ------------------------------------------------------------------ the data


def test_shipped_catalog_loads_once_and_is_reviewed(c):
    assert load_catalog() is c
    assert c.reviewed == TODAY
    assert c.defaults == NonRoot("app", 10001, 10001)
    assert len(c.bases()) >= 50


def test_every_end_of_life_is_a_date(c):
    # scratch and Chainguard's rolling `latest` have none, and say so
    no_end = {b.image for b in c.bases() if b.eol is None}
    assert no_end == {"scratch", "cgr.dev/chainguard/static"}
    assert all(isinstance(b.eol, date) for b in c.bases() if b.image not in no_end)
    assert {r.name for r in c.releases.values() if r.eol is None} == {"wolfi"}
    for language, versions in cat._shipped().languages.items():
        assert versions and all(type(d) is date for d in versions.values()), language


def test_every_base_is_complete(c):
    for b in c.bases():
        assert b.libc in ("glibc", "musl", "none"), b.image
        assert (b.libc_version is None) == (b.libc == "none" or b.release is None or b.image.startswith("cgr.dev")), (
            b.image
        )
        assert b.kind in PREFERENCES and b.size_mb is not None and b.size_source and b.source, b.image
        assert b.provides, b.image
        if b.language:
            assert b.provides == {b.language} and b.language_version, b.image


def test_distroless_facts(c):
    static = c.base("gcr.io/distroless/static-debian13")
    assert (static.family, static.variant, static.kind, static.libc, static.shell, static.package_manager) == (
        "distroless",
        "static",
        "distroless",
        "none",
        False,
        "none",
    )
    assert (static.release.name, static.release.libc_version, static.eol) == ("debian13", "2.41", date(2028, 8, 9))
    assert (static.user, static.uid) == ("root", 0)
    assert static.nonroot == NonRoot("nonroot", 65532, 65532, "nonroot")
    cc = c.base("gcr.io/distroless/cc-debian13")
    assert (cc.libc, cc.libc_version, sorted(cc.provides)) == ("glibc", "2.41", ["cc", "libc", "static"])
    py = c.base("gcr.io/distroless/python3-debian13")
    assert (py.language, py.language_version) == ("python", "3.13")
    for n in ("22", "24", "26"):
        assert c.base(f"gcr.io/distroless/nodejs{n}-debian13").language_version == n
    for n in ("17", "21", "25"):
        assert c.base(f"gcr.io/distroless/java{n}-debian13").language_version == n


def test_debian12_distroless_images_are_known_and_past_end_of_life(c):
    eols = {
        "static": date(2026, 9, 1),
        "base": date(2026, 9, 1),
        "cc": date(2026, 9, 1),
        "python3": date(2026, 4, 1),
        "nodejs20": date(2026, 1, 1),
        "nodejs22": date(2026, 1, 1),
        "java17": date(2026, 1, 1),
        "java21": date(2026, 1, 1),
    }
    for variant, eol in eols.items():
        b = c.base(f"gcr.io/distroless/{variant}-debian12")
        assert (b.eol, b.past_eol(TODAY), b.libc_version if b.libc != "none" else None) == (
            eol,
            True,
            None if variant == "static" else "2.36",
        )


def test_releases_and_their_c_libraries(c):
    r = c.releases
    assert [(r[n].codename, r[n].libc_version) for n in ("debian11", "debian12", "debian13")] == [
        ("bullseye", "2.31"),
        ("bookworm", "2.36"),
        ("trixie", "2.41"),
    ]
    # "past EOL" is the end of regular security support, not of LTS
    assert (r["debian12"].eol, r["debian12"].lts) == (date(2026, 6, 10), date(2028, 6, 30))
    assert (r["alpine3.22"].libc, r["alpine3.22"].libc_version) == ("musl", "1.2.5")
    assert r["ubuntu2604"].libc_version is None  # not checked, so never matched


# ------------------------------------------------------------------ references and lookups


@pytest.mark.parametrize(
    "image, expected",
    [
        ("python:3.11", Reference("python", "3.11")),
        ("docker.io/library/python:3.11-slim", Reference("python", "3.11-slim")),
        ("index.docker.io/bitnami/redis", Reference("bitnami/redis")),
        ("library/debian@sha256:abc", Reference("debian", None, "sha256:abc")),
        ("localhost:5000/App/x:1@sha256:abc", Reference("localhost:5000/app/x", "1", "sha256:abc")),
        ("GCR.io/distroless/static-debian13:nonroot", Reference("gcr.io/distroless/static-debian13", "nonroot")),
    ],
)
def test_parse_reference(image, expected):
    assert parse_reference(image) == expected


def test_base_lookups(c):
    assert c.base("docker.io/library/python:3.11-slim-trixie").image == "python:3.11-slim"
    assert c.base("debian:13-slim").image == "debian:trixie-slim"
    assert c.base("python:3.11") is None  # a builder, not a runtime base
    nonroot = c.base("gcr.io/distroless/static-debian13:nonroot")
    assert (nonroot.tag, nonroot.user, nonroot.uid, nonroot.shell, nonroot.runs_as_root) == (
        "nonroot",
        "nonroot",
        65532,
        False,
        False,
    )
    debug = c.base("gcr.io/distroless/cc-debian13:debug-nonroot-arm64")
    assert (debug.tag, debug.shell, debug.uid) == ("debug-nonroot", True, 65532)
    # a digest names no tag: the repository's default tag's facts
    pinned = c.base("gcr.io/distroless/static-debian13@sha256:0123")
    assert (pinned.tag, pinned.uid) == ("latest", 0)
    assert c.base("gcr.io/distroless/static-debian13:v1.2") is None


@pytest.mark.parametrize(
    "image, language, version, release, release_from, libc, libc_version",
    [
        ("golang:1.19", "go", "1.19", "debian11", "default", "glibc", "2.31"),
        ("golang:1.22.5", "go", "1.22", "debian12", "default", "glibc", "2.36"),
        ("golang:1.25", "go", "1.25", "debian13", "default", "glibc", "2.41"),
        ("golang:1.25-bookworm", "go", "1.25", "debian12", "tag", "glibc", "2.36"),
        ("golang:1.25-alpine3.22", "go", "1.25", "alpine3.22", "tag", "musl", "1.2.5"),
        ("rust:1.63", "rust", "1.63", "debian11", "default", "glibc", "2.31"),
        ("rust:1.75-slim", "rust", "1.75", "debian12", "default", "glibc", "2.36"),
        ("rust:1.80-alpine", "rust", "1.80", "alpine3.24", "tag", "musl", "1.2.5"),
        ("rust:latest", "rust", None, "debian13", "default", "glibc", "2.41"),
        ("gcc:14", "c", "14", "debian13", "default", "glibc", "2.41"),
        ("python:3.11-slim", "python", "3.11", "debian13", "default", "glibc", "2.41"),
        ("python:3.12-slim-bookworm", "python", "3.12", "debian12", "tag", "glibc", "2.36"),
        ("node:18", "node", "18", "debian12", "default", "glibc", "2.36"),
        ("node:jod-alpine", "node", "22", "alpine3.24", "tag", "musl", "1.2.5"),
        ("maven:3.9-eclipse-temurin-21", "java", "21", "ubuntu2404", "default", "glibc", "2.39"),
        ("eclipse-temurin:17-jdk-jammy", "java", "17", "ubuntu2204", "tag", "glibc", "2.35"),
        ("mcr.microsoft.com/dotnet/sdk:8.0", "dotnet", "8.0", "debian12", "default", "glibc", "2.36"),
        ("mcr.microsoft.com/dotnet/sdk:10.0", "dotnet", "10.0", "ubuntu2404", "default", "glibc", "2.39"),
        ("debian:bookworm", None, None, "debian12", "tag", "glibc", "2.36"),
        ("debian:12.7", None, None, "debian12", "tag", "glibc", "2.36"),
        ("debian:latest", None, None, "debian13", "tag", "glibc", "2.41"),
        ("debian:sid", None, None, None, "unknown", None, None),
        ("ubuntu:22.04", None, None, "ubuntu2204", "tag", "glibc", "2.35"),
        ("alpine:3.19", None, None, "alpine3.19", "tag", "musl", "1.2.4"),
        ("alpine:3.12", None, None, None, "unknown", None, None),
    ],
)
def test_builder_facts(c, image, language, version, release, release_from, libc, libc_version):
    b = c.builder(image)
    assert (b.language, b.language_version, b.release and b.release.name, b.release_from, b.libc, b.libc_version) == (
        language,
        version,
        release,
        release_from,
        libc,
        libc_version,
    )


def test_builder_sizes_and_unknown_repositories(c):
    assert (c.builder("golang:1.25").size_mb, c.builder("golang:1.25-alpine").size_mb) == (300, 80)
    assert (c.builder("python:3.12").size_mb, c.builder("python:3.12-slim").size_mb) == (380, 60)
    assert c.builder("myorg/builder:1") is None


# ------------------------------------------------------------------ choosing a runtime


def test_go_static_binary_goes_on_distroless_static(c):
    r = choose(c, "golang:1.19", "static")
    assert (r.image, r.nonroot_image) == (
        "gcr.io/distroless/static-debian13",
        "gcr.io/distroless/static-debian13:nonroot",
    )
    assert (
        r.reason == "gcr.io/distroless/static-debian13: the smallest distroless base for a static binary (about 2 MB)"
    )
    assert (r.base.nonroot.user, r.base.nonroot.uid, r.base.nonroot.spec) == ("nonroot", 65532, "65532:65532")


@pytest.mark.parametrize(
    "prefer, image",
    [
        ("distroless", "gcr.io/distroless/static-debian13"),
        ("slim", "debian:trixie-slim"),
        ("alpine", "alpine:3.24"),
        ("scratch", "scratch"),
    ],
)
def test_static_binary_by_preference(c, prefer, image):
    assert choose(c, "golang:1.25", "static", prefer).image == image


def test_scratch_only_on_request(c):
    for need in NEEDS:
        for prefer in ("distroless", "slim", "alpine"):
            builder = {"python": "python:3.12", "node": "node:22", "java": "eclipse-temurin:21", "dotnet": None}
            image = builder.get(need, "golang:1.25")
            if need == "dotnet":
                image = "mcr.microsoft.com/dotnet/sdk:10.0"
            assert choose(c, image, need, prefer).image != "scratch"
    # scratch runs nothing but a static binary
    r = choose(c, "rust:1.63", "cc", "scratch")
    assert r.image == "gcr.io/distroless/cc-debian13"
    assert r.reason.endswith(
        "; no scratch base fits: the catalog has no scratch base for a binary that needs the C and C++ runtime libraries"
    )


def test_rust_on_bullseye_goes_on_distroless_cc(c):
    b = c.builder("rust:1.63")
    assert (b.libc, b.libc_version) == ("glibc", "2.31")
    r = c.choose_runtime(b, "cc", today=TODAY)
    assert r.image == "gcr.io/distroless/cc-debian13"
    assert (r.base.libc, r.base.libc_version) == ("glibc", "2.41")  # same kind, newer: runs


def test_glibc_binary_needs_only_the_c_library(c):
    assert choose(c, "golang:1.25", "glibc").image == "gcr.io/distroless/base-debian13"
    assert choose(c, "golang:1.25", "libc").image == "gcr.io/distroless/base-debian13"
    assert choose(c, None, "glibc").image == "gcr.io/distroless/base-debian13"
    assert choose(c, "gcc:14", "cc", "slim").image == "debian:trixie-slim"
    # alpine asked for, but a glibc binary never goes on musl
    r = choose(c, "gcc:14", "glibc", "alpine")
    assert r.image == "gcr.io/distroless/base-debian13"
    assert r.reason.endswith("; no alpine base fits: alpine:3.24 has musl; the build links against glibc")


def test_musl_build_never_goes_on_glibc(c):
    for prefer in PREFERENCES:
        for need in ("static", "glibc", "libc", "cc"):
            r = choose(c, "rust:1.80-alpine", need, prefer)
            # a static binary runs anywhere; anything else only on musl
            assert r.base is None or need == "static" or r.base.libc == "musl", (prefer, need, r)
    assert choose(c, "rust:1.80-alpine", "static").image == "gcr.io/distroless/static-debian13"
    assert choose(c, "rust:1.80-alpine", "static", "alpine").image == "alpine:3.24"
    r = choose(c, "rust:1.80-alpine", "libc")
    assert (r.image, r.reason) == (
        "alpine:3.24",
        "alpine:3.24: the smallest alpine base for a binary that needs only the C library (about 4 MB); "
        "no distroless base fits: gcr.io/distroless/base-debian13 has glibc; the build links against musl",
    )
    r = choose(c, "rust:1.80-alpine", "cc")
    assert (r.image, r.reason) == (
        None,
        "no runtime base for a binary that needs the C and C++ runtime libraries: "
        "gcr.io/distroless/cc-debian13 has glibc; the build links against musl",
    )


def test_python_runtime_has_the_builders_python(c):
    r = choose(c, "python:3.11", "python")
    assert (r.image, r.reason) == (
        "python:3.11-slim",
        "python:3.11-slim: the smallest slim base for Python 3.11 (about 60 MB); no distroless base fits: "
        "gcr.io/distroless/python3-debian13 has Python 3.13, not the build's 3.11",
    )
    assert r.base.release.name == "debian13"
    assert choose(c, "python:3.13-slim", "python").image == "gcr.io/distroless/python3-debian13"
    assert choose(c, "python:3.13", "python", "slim").image == "python:3.13-slim"
    assert choose(c, "python:3.12-alpine", "python").image == "python:3.12-alpine"


def test_end_of_life_decides(c):
    # before its end of life, the Debian 12 distroless Python (3.11) was the choice for a bookworm build
    bookworm = "python:3.11-slim-bookworm"
    assert choose(c, bookworm, "python", today=date(2026, 3, 31)).image == "gcr.io/distroless/python3-debian12"
    assert choose(c, bookworm, "python", today=date(2026, 4, 1)).image == "python:3.11-slim"
    # never for a trixie build: its glibc (2.36) is older than the build's (2.41)
    r = choose(c, "python:3.11", "python", today=date(2026, 3, 31))
    assert r.reason.endswith(
        "no distroless base fits: gcr.io/distroless/python3-debian13 has Python 3.13, not the build's 3.11"
    )
    r = choose(c, "python:3.10", "python")
    assert (r.image, r.reason) == (None, "Python 3.10 is past end of life (2026-10-01); upgrade the builder")


def test_node18_is_past_end_of_life(c):
    r = choose(c, "node:18", "node")
    assert (r.image, r.base, r.reason) == (
        None,
        None,
        "Node.js 18 is past end of life (2025-04-30); upgrade the builder",
    )
    assert choose(c, "node:22", "node").image == "gcr.io/distroless/nodejs22-debian13"
    assert choose(c, "node:22", "node", "slim").image == "node:22-trixie-slim"


def test_debian12_images_are_never_chosen(c):
    builders = {
        "static": ["golang:1.19", "golang:1.22-bookworm", "rust:1.80-alpine"],
        "glibc": ["golang:1.22-bookworm", "debian:bookworm"],
        "cc": ["rust:1.63", "rust:1.75", "gcc:12"],
        "python": [f"python:3.{m}" for m in range(10, 16)],
        "node": ["node:20", "node:22", "node:24", "node:26"],
        "java": ["eclipse-temurin:17-jdk", "maven:3.9-eclipse-temurin-21", "gradle:8-jdk25"],
        "dotnet": ["mcr.microsoft.com/dotnet/sdk:9.0", "mcr.microsoft.com/dotnet/sdk:10.0"],
    }
    for need, images in builders.items():
        for image in images:
            for prefer in PREFERENCES:
                r = choose(c, image, need, prefer)
                if r.base is not None:
                    assert not r.base.past_eol(TODAY), (image, need, prefer, r)
                    assert r.base.release is None or r.base.release.name != "debian12", (image, need, prefer, r)


def test_java_and_dotnet(c):
    assert choose(c, "maven:3.9-eclipse-temurin-21", "java").image == "gcr.io/distroless/java21-debian13"
    r = choose(c, "maven:3.9-eclipse-temurin-11", "java")
    assert r.image == "eclipse-temurin:11-jre-noble"
    r = choose(c, "mcr.microsoft.com/dotnet/sdk:10.0", "dotnet")
    assert (r.image, r.base.user, r.base.uid) == ("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", "app", 1654)
    assert choose(c, "mcr.microsoft.com/dotnet/sdk:8.0", "dotnet").reason == (
        ".NET 8.0 is past end of life (2026-11-10); upgrade the builder"
    )


def test_what_cannot_be_told_is_declined(c):
    assert choose(c, "python:latest", "python").reason == (
        "cannot tell the Python version of python:latest; name it in the builder's tag"
    )
    assert (
        choose(c, None, "node").reason == "cannot tell the Node.js version of the build; name it in the builder's tag"
    )
    assert choose(c, "ubuntu:latest", "cc").reason == (
        "the glibc version of ubuntu:latest is not known: name a release the catalog lists in its tag (as -trixie), "
        "or describe the builder in [tool.msb-refactor.runtimes.builder]"
    )
    with pytest.raises(ValueError, match="need must be one of"):
        choose(c, "golang:1.25", "go")
    with pytest.raises(ValueError, match="prefer must be one of"):
        choose(c, "golang:1.25", "static", "chainguard")


def test_newer_glibc_than_any_runtime_is_declined():
    c = load_catalog({"builder": {"example.com/go": {"language": "go", "libc": "glibc", "libc-version": "2.43"}}})
    r = c.choose_runtime(c.builder("example.com/go:1"), "cc", today=TODAY)
    assert (r.image, r.reason) == (
        None,
        "no runtime base for a binary that needs the C and C++ runtime libraries: "
        "gcr.io/distroless/cc-debian13 has glibc 2.41, older than the build's 2.43",
    )
    # a static binary does not care
    assert c.choose_runtime(c.builder("example.com/go:1"), "static", today=TODAY).image == (
        "gcr.io/distroless/static-debian13"
    )


# ------------------------------------------------------------------ families and users


@pytest.mark.parametrize(
    "image, name, known, libc, shell, pm, commands",
    [
        (
            "alpine:3.22",
            "alpine",
            True,
            "musl",
            True,
            "apk",
            ("addgroup -S -g 10001 app", "adduser -S -D -H -u 10001 -G app -s /sbin/nologin app"),
        ),
        (
            "debian:bookworm-slim",
            "debian",
            True,
            "glibc",
            True,
            "apt",
            (
                "groupadd --system --gid 10001 app",
                "useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent "
                "--shell /usr/sbin/nologin app",
            ),
        ),
        (
            "ubuntu:24.04",
            "ubuntu",
            True,
            "glibc",
            True,
            "apt",
            (
                "groupadd --system --gid 10001 app",
                "useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent "
                "--shell /usr/sbin/nologin app",
            ),
        ),
        (
            "registry.access.redhat.com/ubi9/ubi:9.4",
            "rhel",
            False,
            "glibc",
            True,
            "dnf",
            ("groupadd -r -g 10001 app", "useradd -r -u 10001 -g app -M -d /nonexistent -s /sbin/nologin app"),
        ),
        (
            "registry.access.redhat.com/ubi9/ubi-minimal:9.4",
            "rhel",
            False,
            "glibc",
            True,
            "microdnf",
            (
                "microdnf install -y shadow-utils && microdnf clean all",
                "groupadd -r -g 10001 app",
                "useradd -r -u 10001 -g app -M -d /nonexistent -s /sbin/nologin app",
            ),
        ),
        (
            "busybox:1.36-musl",
            "busybox",
            False,
            "musl",
            True,
            "none",
            ("addgroup -S -g 10001 app", "adduser -S -D -H -u 10001 -G app -s /bin/false app"),
        ),
        ("scratch", "scratch", True, "none", False, "none", ()),
        ("gcr.io/distroless/cc-debian13", "distroless", True, "glibc", False, "none", ()),
        ("gcr.io/distroless/static", "distroless", False, "none", False, "none", ()),
        (
            "quay.io/example/tools-alpine:2",
            "alpine",
            False,
            "musl",
            True,
            "apk",
            ("addgroup -S -g 10001 app", "adduser -S -D -H -u 10001 -G app -s /sbin/nologin app"),
        ),
        ("example.com/mystery:1", "unknown", False, None, None, None, ()),
    ],
)
def test_family(c, image, name, known, libc, shell, pm, commands):
    f = c.family(image)
    assert (f.name, f.known, f.libc, f.shell, f.package_manager, f.user_commands()) == (
        name,
        known,
        libc,
        shell,
        pm,
        commands,
    )
    assert f.can_create_user == bool(commands)


def test_family_details(c):
    assert c.family("gcr.io/distroless/static-debian13:nonroot").nonroot == NonRoot("nonroot", 65532, 65532, "nonroot")
    assert c.family("python:3.12-slim").libc_version == "2.41"  # a listed base: its release's glibc
    assert c.family("golang:1.19").libc_version == "2.31"  # a builder: its release's
    assert c.family("registry.access.redhat.com/ubi9/ubi:9.4").rule == "registry.access.redhat.com/*"
    assert c.family("debian:trixie-slim").user_commands("web", 2000) == (
        "groupadd --system --gid 2000 web",
        "useradd --system --uid 2000 --gid web --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin web",
    )
    # no shell: nothing can be run to create a user
    assert c.family("mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled").create_user == ()


def test_user_of(c):
    assert c.user_of("node:20-slim") == ImageUser(
        "own-user", "node", 1000, 1000, "the node image has the node user (1000)", "", "docker-node"
    )
    pg = c.user_of("postgres:16")
    assert (pg.kind, pg.user, pg.uid) == ("drops-privileges", "postgres", 999)
    assert "switches to postgres itself" in pg.reason
    assert c.user_of("gcr.io/distroless/static-debian13:nonroot") == ImageUser(
        "non-root",
        "nonroot",
        65532,
        65532,
        "the distroless :nonroot tags run as nonroot (65532)",
        "",
        "distroless-user",
    )
    assert c.user_of("gcr.io/distroless/static-debian13").kind == "own-user"
    assert (c.user_of("php:8.3-apache").user, c.user_of("php:8.3-apache").uid) == ("www-data", 33)
    nginx = c.user_of("nginx:1.27")
    assert (nginx.port, nginx.as_is, "port 80" in nginx.note) == (80, False, True)
    assert (c.user_of("php:8.3-apache").port, c.user_of("php:8.3-apache").as_is) == (80, True)
    assert (c.user_of("php:8.3-fpm").port, c.user_of("node:22").port) == (None, None)
    assert c.user_of("nginxinc/nginx-unprivileged:stable-alpine").kind == "non-root"
    assert c.user_of("bitnami/postgresql:16").uid == 1001
    assert c.user_of("redis:7-alpine").kind == "drops-privileges"
    assert c.user_of("docker.io/library/mysql:8").kind == "drops-privileges"
    assert c.user_of("python:3.12-slim") is None
    # a listed base that runs as non-root says so
    assert c.user_of("mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled").kind == "non-root"


# ------------------------------------------------------------------ the user's table

PYPROJECT = """\
[tool.msb-refactor.runtimes]
static = "cgr.dev/chainguard/static:latest"
cc = "registry.example.com/base/cc:2026.11"
"python-3.11" = "registry.example.com/python:3.11"

[tool.msb-refactor.runtimes.base."registry.example.com/base/cc:2026.11"]
family = "debian"
release = "debian13"
shell = false
package-manager = "none"
provides = ["static", "libc", "cc"]
nonroot = { user = "app", uid = 10001, gid = 10001 }
size-mb = 25
eol = 2028-08-09

[tool.msb-refactor.runtimes.base."registry.example.com/python:3.11"]
family = "debian"
release = "debian13"
language = "python"
language-version = "3.11"
eol = 2027-10-01

[tool.msb-refactor.runtimes.builder."registry.example.com/go-builder"]
language = "go"
language-version = "1.25"
release = "debian13"

[[tool.msb-refactor.runtimes.user]]
match = ["registry.example.com/app-base", "registry.example.com/app-base:*"]
kind = "non-root"
uid = 10001
reason = "our base image runs as 10001"
"""


@pytest.fixture(scope="module")
def custom():
    table = tomllib.loads(PYPROJECT)["tool"]["msb-refactor"]["runtimes"]
    return load_catalog(table, "pyproject.toml")


def test_user_choices_win(custom):
    r = choose(custom, "golang:1.25", "static")
    assert (r.image, r.reason) == (
        "cgr.dev/chainguard/static:latest",
        "cgr.dev/chainguard/static:latest: set for static in the configuration",
    )
    assert choose(custom, "rust:1.63", "cc").image == "registry.example.com/base/cc:2026.11"
    assert choose(custom, "python:3.11", "python").image == "registry.example.com/python:3.11"
    assert choose(custom, "python:3.12", "python").image == "python:3.12-slim"  # not configured
    # the configured image is still checked
    r = choose(custom, "rust:1.63", "cc", today=date(2028, 8, 9))
    assert (r.image, r.reason) == (
        None,
        "the configured runtime for cc, registry.example.com/base/cc:2026.11, does not fit: "
        "registry.example.com/base/cc:2026.11 is past end of life (2028-08-09)",
    )


def test_user_bases_builders_and_users(custom):
    base = custom.base("registry.example.com/base/cc:2026.11")
    assert (base.libc, base.libc_version, base.shell, base.nonroot, base.source) == (
        "glibc",
        "2.41",
        False,
        NonRoot("app", 10001, 10001),
        "pyproject.toml",
    )
    b = custom.builder("registry.example.com/go-builder:any")
    assert (b.language, b.language_version, b.release.name, b.libc_version) == ("go", "1.25", "debian13", "2.41")
    assert custom.user_of("registry.example.com/app-base:3").uid == 10001
    assert custom.user_of("registry.example.com/base/cc:2026.11").kind == "own-user"
    assert custom.family("registry.example.com/base/cc:2026.11").create_user == ()
    # the shipped catalog is not changed
    assert load_catalog().base("registry.example.com/base/cc:2026.11") is None


GOOD_BASE = {"family": "debian", "eol": date(2030, 1, 1)}


@pytest.mark.parametrize(
    "table, message",
    [
        (
            {"statik": "x"},
            "pyproject.toml: tool.msb-refactor.runtimes.statik: unknown key (known: base, builder, user, a need: "
            "static, glibc, libc, cc, python, node, java, dotnet, or a language and version: python-3.12, "
            "node-22, java-21, dotnet-10.0)",
        ),
        (
            {"static": "example.com/static:1"},
            "pyproject.toml: tool.msb-refactor.runtimes.static: 'example.com/static:1' is not in the catalog: "
            'describe it under [tool.msb-refactor.runtimes.base."example.com/static:1"]',
        ),
        (
            {"cc": "cgr.dev/chainguard/static"},
            "pyproject.toml: tool.msb-refactor.runtimes.cc: cgr.dev/chainguard/static does not provide cc "
            "(it provides: static)",
        ),
        (
            {"python-3.11": "python:3.12-slim"},
            'pyproject.toml: tool.msb-refactor.runtimes."python-3.11": python:3.12-slim has Python 3.12, not 3.11',
        ),
        (
            {"base": {"x:1": {**GOOD_BASE, "libc": "uclibc"}}},
            'pyproject.toml: tool.msb-refactor.runtimes.base."x:1".libc: must be one of glibc, musl, none, '
            "not 'uclibc'",
        ),
        (
            {"base": {"x:1": {**GOOD_BASE, "eol": "2030-01-01"}}},
            'pyproject.toml: tool.msb-refactor.runtimes.base."x:1".eol: must be a date (unquoted, as 2028-08-09) '
            "or \"none\", not '2030-01-01'",
        ),
        (
            {"base": {"x:1": {"family": "debian"}}},
            'pyproject.toml: tool.msb-refactor.runtimes.base."x:1".eol: missing',
        ),
        (
            {"base": {"x:1": {**GOOD_BASE, "uid": "1000"}}},
            "pyproject.toml: tool.msb-refactor.runtimes.base.\"x:1\".uid: must be an integer of 0 or more, not '1000'",
        ),
        (
            {"base": {"x:1": {**GOOD_BASE, "shel": False}}},
            'pyproject.toml: tool.msb-refactor.runtimes.base."x:1".shel: unknown key (known: aliases, eol, family, '
            "kind, language, language-version, libc, libc-version, nonroot, note, package-manager, pick, provides, "
            "release, shell, size-mb, size-source, source, tags, uid, user, variant)",
        ),
        (
            {"base": {"x:1": {**GOOD_BASE, "provides": ["static", "gpu"]}}},
            'pyproject.toml: tool.msb-refactor.runtimes.base."x:1".provides[1]: must be one of static, libc, cc, '
            "python, node, java, dotnet, not 'gpu'",
        ),
        (
            {"base": {"x:1": {**GOOD_BASE, "release": "debian14"}}},
            'pyproject.toml: tool.msb-refactor.runtimes.base."x:1".release: must be one of ',
        ),
        (
            {"base": {"x:1": {**GOOD_BASE, "family": "distroless"}}},
            'pyproject.toml: tool.msb-refactor.runtimes.base."x:1".libc: missing, and not given by a release '
            "or the family (glibc, musl or none)",
        ),
        (
            {"base": {"x:1": {**GOOD_BASE, "libc-version": "2.41.x"}}},
            'pyproject.toml: tool.msb-refactor.runtimes.base."x:1".libc-version: must be a version such as '
            "2.41, not '2.41.x'",
        ),
        (
            {"builder": {"example.com/go": {"language": "go"}}},
            'pyproject.toml: tool.msb-refactor.runtimes.builder."example.com/go".release: missing: give `release` '
            "(as debian13) or `libc` and `libc-version`",
        ),
        (
            {"user": [{"match": ["x"], "kind": "root", "reason": "r"}]},
            "pyproject.toml: tool.msb-refactor.runtimes.user[0].kind: must be one of own-user, non-root, "
            "drops-privileges, not 'root'",
        ),
        (
            {"user": {"match": ["x"]}},
            "pyproject.toml: tool.msb-refactor.runtimes.user: must be an array of tables ([[user]]), not a table",
        ),
    ],
)
def test_bad_user_entries_name_the_key(table, message):
    with pytest.raises(CatalogError) as e:
        load_catalog(table, "pyproject.toml")
    assert str(e.value).startswith(message)


def test_msb_refactor_toml_names_runtimes():
    with pytest.raises(CatalogError, match=r"^\.msb-refactor\.toml: runtimes\.java: unknown key|^\.msb-refactor"):
        load_catalog({"java": 1}, ".msb-refactor.toml")
    with pytest.raises(CatalogError) as e:
        load_catalog({"java": 1}, ".msb-refactor.toml")
    assert str(e.value) == ".msb-refactor.toml: runtimes.java: must be a non-empty string, not int 1"


# ------------------------------------------------------------------ the shipped file is checked too


def shipped_raw() -> dict:
    with open(cat.DATA, "rb") as f:
        return tomllib.load(f)


@pytest.mark.parametrize(
    "edit, message",
    [
        (
            lambda d: d["base"]["gcr.io/distroless/static-debian13"].update(eol=date(2031, 1, 1)),
            'base."gcr.io/distroless/static-debian13".eol: 2031-01-01 is later than the end of life of '
            "release debian13 (2030-06-30)",
        ),
        (
            lambda d: d["base"]["python:3.11-slim"].update(eol=date(2028, 1, 1)),
            'base."python:3.11-slim".eol: 2028-01-01 is later than the end of life of Python 3.11 (2027-10-01)',
        ),
        (
            lambda d: d["base"]["debian:trixie-slim"].update(source="wikipedia"),
            "base.\"debian:trixie-slim\".source: 'wikipedia' is not a key of [source]",
        ),
        (
            lambda d: d["release"]["debian13"].update(libc="bionic"),
            "release.debian13.libc: must be one of glibc, musl, none, not 'bionic'",
        ),
        (
            lambda d: d["base"]["debian:trixie-slim"].pop("size-mb"),
            'base."debian:trixie-slim".size-mb: missing',
        ),
        (
            lambda d: d["builder"]["golang"]["default-release"].append({"release": "debian13"}),
            "builder.golang.default-release[3]: only the last rule may leave out `below`",
        ),
        (
            lambda d: d["builder"]["golang"].update(version="^1"),
            "builder.golang.version: must have a group: the part of the tag it reads",
        ),
        (
            lambda d: d["family"]["debian"]["create-user"].append("useradd {name}"),
            "family.debian.create-user[2]: bad template (placeholders: {user} {group} {uid} {gid}): 'name'",
        ),
        (lambda d: d.update(extra=1), "extra: unknown key"),
    ],
)
def test_bad_shipped_data_is_an_error(edit, message):
    data = copy.deepcopy(shipped_raw())
    edit(data)
    with pytest.raises(CatalogError) as e:
        cat._parse_shipped(data, "runtimes.toml")
    assert str(e.value).startswith("runtimes.toml: " + message)


def test_import_is_cheap():
    """The TOML is read when the catalog is first asked for, not on import."""
    code = (
        "import sys, refactor.catalog as c; assert 'tomllib' not in sys.modules and 'tomli' not in sys.modules; "
        "c.load_catalog(); assert 'tomllib' in sys.modules or 'tomli' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
