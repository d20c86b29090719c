"""System package installs, and the -dev -> runtime package table."""

from __future__ import annotations

import pytest

from refactor.recognisers import PackageInstall, PackageRemoval
from refactor.recognisers.packages import _table, classify, runtime_packages


def installs(facts):
    return [
        (i.manager, i.packages, i.flags, i.virtual, i.update_in_same_layer, i.cleans_lists, i.removed_in_same_layer)
        for i in facts.installs
    ]


def test_apt_with_update_and_lists_cleanup(recognise):
    facts = recognise(
        "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n"
        "    libpq-dev=15.* gcc \\\n && rm -rf /var/lib/apt/lists/*\n"
    )
    assert installs(facts) == [
        ("apt", ("libpq-dev=15.*", "gcc"), ("-y", "--no-install-recommends"), None, True, True, False)
    ]
    assert facts.installs[0].names == ("libpq-dev", "gcc")
    assert [c.name for c in facts.other] == ["rm"] and facts.unknown == ()


def test_apt_flags_spellings_and_separate_update(recognise):
    facts = recognise(
        "FROM debian\nRUN apt-get update\nRUN apt-get -qq install --yes -o Dpkg::Options::=--force-confold curl\n"
    )
    assert installs(facts) == [
        ("apt", ("curl",), ("-q", "-y", "-o=Dpkg::Options::=--force-confold"), None, False, False, False)
    ]
    facts = recognise("FROM debian:trixie\nRUN apt-get install --update -y curl\n")  # APT 3
    assert installs(facts) == [("apt", ("curl",), ("--update", "-y"), None, True, False, False)]
    facts = recognise("FROM ubuntu\nRUN apt install -y tzdata && apt-get clean\n")
    assert installs(facts) == [("apt", ("tzdata",), ("-y",), None, False, False, False)]  # clean leaves the lists


def test_apk_virtual_build_deps_removed_in_the_same_run(recognise):
    facts = recognise(
        "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev \\\n"
        " && make && apk del .build-deps\n"
    )
    assert installs(facts) == [
        ("apk", ("gcc", "musl-dev"), ("--no-cache", "--virtual=.build-deps"), ".build-deps", False, True, True)
    ]
    assert facts.removals == (PackageRemoval("apk", (".build-deps",)),)
    facts = recognise("FROM alpine\nRUN apk -U add -t deps curl && rm -rf /var/cache/apk/*\n")
    assert installs(facts) == [("apk", ("curl",), ("--update-cache", "--virtual=deps"), "deps", True, True, False)]


def test_package_lists_from_variables(recognise):
    facts = recognise('FROM debian\nARG DEPS="libssl-dev zlib1g-dev"\nRUN apt-get install -y $DEPS "${EXTRA:-make}"\n')
    assert facts.installs[0].packages == ("libssl-dev", "zlib1g-dev", "make")
    facts = recognise("FROM debian\nARG DEPS\nRUN apt-get install -y curl $DEPS\n")
    assert facts.installs[0].packages == ("curl",)
    assert facts.unknown == (
        "cannot tell which packages `apt-get install -y curl $DEPS` names: `$DEPS`: ARG DEPS has no default: only --build-arg DEPS sets it",
    )


def test_dnf_yum_microdnf(recognise):
    facts = recognise("FROM fedora\nRUN dnf install -y --setopt=install_weak_deps=False gcc make && dnf clean all\n")
    assert installs(facts) == [
        ("dnf", ("gcc", "make"), ("-y", "--setopt=install_weak_deps=False"), None, False, True, False)
    ]
    facts = recognise('FROM centos:7\nRUN yum -y groupinstall "Development Tools"\n')
    assert facts.installs[0].groups == ("Development Tools",) and facts.installs[0].packages == ()
    facts = recognise("FROM ubi\nRUN microdnf install -y shadow-utils && microdnf clean all\n")
    assert installs(facts) == [("microdnf", ("shadow-utils",), ("-y",), None, False, True, False)]
    facts = recognise("FROM fedora\nRUN dnf group install -y 'C Development Tools and Libraries'\n")
    assert facts.installs[0].groups == ("C Development Tools and Libraries",)


def test_removals_updates_and_reasons(recognise):
    facts = recognise(
        "FROM debian\nRUN apt-get install -y gcc && make && apt-get purge -y gcc && apt-get autoremove -y\n"
    )
    assert facts.installs[0].removed_in_same_layer
    assert [r.packages for r in facts.removals] == [("gcc",), ()]
    facts = recognise('FROM debian\nRUN if [ -n "$X" ]; then apt-get install -y gcc; fi\n')
    assert facts.unknown == (
        "`apt-get install -y gcc` runs only under a condition, so what it installs is not certain",
    )
    facts = recognise("FROM debian\nRUN apt-get --frobnicate install gcc\n")
    assert facts.unknown == ("`apt-get --frobnicate install gcc`: unknown option `--frobnicate`",)
    assert recognise("FROM debian\nRUN apt-get upgrade -y\n") == recognise("FROM debian\nRUN true\n").__class__()


def test_names_without_versions():
    assert PackageInstall("apk", ("curl>=8.0", "musl-dev~1.2", "py3-pip@edge")).names == ("curl", "musl-dev", "py3-pip")
    assert PackageInstall("apt", ("nginx/bookworm-backports",)).names == ("nginx",)


@pytest.mark.parametrize(
    "distro, dev, runtime, unknown",
    [
        ("bookworm", ["libssl-dev", "libpq-dev", "gcc", "make", "curl"], ["libssl3", "libpq5"], ["curl"]),
        (
            "trixie",
            ["libssl-dev", "libcurl4-openssl-dev", "libpng-dev"],
            ["libssl3t64", "libcurl4t64", "libpng16-16t64"],
            [],
        ),
        (
            "bookworm",
            ["libxml2-dev", "libjpeg-dev", "libffi-dev", "libsqlite3-dev", "zlib1g-dev"],
            ["libxml2", "libjpeg62-turbo", "libffi8", "libsqlite3-0", "zlib1g"],
            [],
        ),
        ("trixie", ["libpcre3-dev", "libfoo-dev"], [], ["libpcre3-dev", "libfoo-dev"]),  # pcre3 left trixie
        (
            "alpine",
            ["openssl-dev", "postgresql-dev", "sqlite-dev", "zlib-dev", "build-base", "musl-dev"],
            ["libssl3", "libcrypto3", "libpq", "sqlite-libs", "zlib"],
            [],
        ),
        ("bookworm", ["ca-certificates", "tzdata", "libc6-dev", "build-essential"], ["ca-certificates", "tzdata"], []),
        ("debian13", ["libicu-dev=76.1-4"], ["libicu76"], []),
    ],
)
def test_runtime_packages(distro, dev, runtime, unknown):
    assert runtime_packages(dev, distro) == (runtime, unknown)


def test_classify():
    assert [classify(p, "bookworm") for p in ("libpq-dev", "libbar-dev", "cmake", "wget", "nginx")] == [
        "dev",
        "dev-unknown",
        "build",
        "maybe-runtime",
        "runtime",
    ]


def test_table_shape():
    table = _table()
    for family, releases in (("debian", ("bookworm", "trixie")), ("alpine", (None,))):
        for release in releases:
            mapping = table[family][release] if release else table[family]
            assert all(isinstance(v, list) and all(isinstance(n, str) and n for n in v) for v in mapping.values())
            # A -dev package never maps to a -dev package or to a build tool.
            runtime = {n for v in mapping.values() for n in v}
            assert not {n for n in runtime if n.endswith("-dev")}
            assert not runtime & set(table["build-only"][family])
