"""Every RUN of the sample apps' naive Dockerfiles, recognised as a human
would describe it: what it builds, where the output lands, what it installs
and tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import refactor
from refactor.context import BuildContext
from refactor.recognisers import GoDetails, NativeDetails, RustDetails, recognise_run
from refactor.syntax.nodes import Run
from tests.conftest import ROOT

APPS = Path(ROOT) / "corpus" / "apps"


def facts_of(app: str) -> list:
    path = APPS / app / "Dockerfile"
    tree = refactor.parse(path.read_text())
    context = BuildContext.for_dockerfile(path)
    return [recognise_run(tree, ins, context) for ins in tree.instructions if isinstance(ins, Run)]


def summary(facts) -> dict:
    """What a reader checks, in plain values."""
    return {
        "builds": [(a.kind, a.path, a.variables) for a in facts.builds],
        "installs": [(i.manager, i.packages, i.update_in_same_layer, i.cleans_lists) for i in facts.installs],
        "tests": [(t.tool, t.kind, t.cwd) for t in facts.tests],
        "other": [c.words() for c in facts.other],
        "unknown": list(facts.unknown),
    }


def nothing(**kw) -> dict:
    return {"builds": [], "installs": [], "tests": [], "other": [], "unknown": [], **kw}


def test_go_cmd_tests_then_builds_the_binary_named_by_the_arg():
    (run,) = facts_of("go-cmd")
    assert summary(run) == nothing(
        builds=[("go-binary", "/usr/local/bin/wordfreq", ("APP",))],
        tests=[("go", "test", "/go/src/app")],
    )
    details = run.builds[0].details
    assert details == GoDetails(
        "./cmd/wordfreq", "example.com/wordfreq/cmd/wordfreq", cgo=None, imports_c=False, env=(), trimpath=False
    )


def test_go_stdlib_builds_hello_in_the_workdir():
    (run,) = facts_of("go-stdlib")
    assert summary(run) == nothing(builds=[("go-binary", "/app/hello", ())])
    assert run.builds[0].details.import_path == "example.com/hello"
    assert run.builds[0].details.imports_c is False


def test_go_webapp_stamps_the_version_from_the_arg():
    build, mkdir = facts_of("go-webapp")
    assert summary(build) == nothing(builds=[("go-binary", "/app/guestbook", ())])
    details = build.builds[0].details
    assert (details.ldflags, details.ldflags_raw) == ("-X main.version=1.4.2", '"-X main.version=${VERSION}"')
    assert summary(mkdir) == nothing(other=[["mkdir", "-p", "/app/data"]])


def test_rust_nodeps_release_binary_named_from_cargo_toml():
    (run,) = facts_of("rust-nodeps")
    assert summary(run) == nothing(builds=[("rust-binary", "/usr/src/primes/target/release/primes", ())])
    assert run.builds[0].details == RustDetails("primes", "release", None, musl=False)


def test_rust_workspace_installs_both_members_into_cargo_home():
    (run,) = facts_of("rust-workspace")
    assert summary(run) == nothing(
        builds=[
            ("rust-binary", "/usr/local/cargo/bin/shortd", ("CARGO_HOME",)),
            ("rust-binary", "/usr/local/cargo/bin/shorten", ("CARGO_HOME",)),
        ]
    )
    assert [a.details.package for a in run.builds] == ["shortd", "shorten-cli"]
    assert all(a.details.installed and a.details.profile == "release" for a in run.builds)


def test_c_make_builds_checks_and_installs_what_the_makefile_says():
    update, install, build = facts_of("c-make")
    assert summary(update) == nothing()
    assert summary(install) == nothing(installs=[("apt", ("gcc", "make", "libc6-dev"), False, False)])
    assert summary(build) == nothing(
        builds=[("native-binary", "/src/stats", ()), ("native-binary", "/usr/local/bin/stats", ())],
        tests=[("make", "test", "/src")],
    )
    made, installed = (a.details for a in build.builds)
    assert made == NativeDetails("make", "cc", ("m",))
    assert installed == NativeDetails(
        "make install", "cc", ("m",), built="/src/stats", prefix="/usr/local", destdir=True
    )


def test_c_datadir_installs_the_program_and_its_data_directory():
    packages, build = facts_of("c-datadir")
    assert summary(packages) == nothing(
        installs=[("apt", ("build-essential", "libsqlite3-dev", "libjansson-dev", "zlib1g-dev"), True, False)]
    )
    assert summary(build) == nothing(
        builds=[
            ("native-binary", "/src/fortune-ish", ()),
            ("native-binary", "/usr/local/bin/fortune-ish", ()),
            ("file", "/usr/share/fortune-ish/quotes", ()),
            ("file", "/usr/share/fortune-ish/banner.txt", ()),
        ]
    )
    assert build.builds[0].details.libraries == ("sqlite3", "jansson", "z")
    assert build.builds[2].details.built == "/src/data/quotes"


def test_static_frontend_installs_nginx_and_leaves_the_node_steps_alone():
    apt, npm_install, npm_build, copy = facts_of("static-frontend")
    assert summary(apt) == nothing(installs=[("apt", ("nginx",), True, False)])
    assert summary(npm_install) == nothing(other=[["npm", "install"]])
    assert summary(npm_build) == nothing(other=[["npm", "run", "build"]])
    assert [c.name for c in copy.other] == ["rm", "cp", "mkdir", "cp"] and not copy.unknown


@pytest.mark.parametrize(
    "app, other",
    [
        ("node-server", [["npm", "install"]]),
        ("python-cext", [["pip", "install", "--no-cache-dir", "-r", "requirements.txt"]]),
        ("python-pyproject", [["pip", "install", "."]]),
        ("python-requirements", [["pip", "install", "-r", "requirements.txt"]]),
    ],
)
def test_other_ecosystems_are_left_to_their_own_recognisers(app, other):
    (run,) = facts_of(app)
    assert summary(run) == nothing(other=other)


def test_java_jar_commands_are_read_by_the_jvm_recogniser():
    (run,) = facts_of("java-jar")
    assert [c.name for c in run.other] == ["mkdir"]  # the listing `find` of the sources is harmless
    assert [(a.kind, a.path) for a in run.builds] == [("classes", "/app/build/classes"), ("jar", "/app/app.jar")]
    assert run.builds[1].details.main_class == "com.example.inventory.App"
    assert not run.unknown


@pytest.mark.parametrize("app", sorted(p.name for p in APPS.iterdir() if (p / "Dockerfile").is_file()))
def test_every_sample_app_run_is_read_without_a_reason(app):
    # New sample apps too: a RUN of theirs that a recogniser cannot read is a regression or a gap.
    for facts in facts_of(app):
        assert facts.unknown == ()
