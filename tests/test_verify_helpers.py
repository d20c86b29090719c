"""The pure parts of refactor.verify and of the test helpers built on it,
tests/images.py and tests/apps.py (no engine needed)."""

import io
import tarfile

import pytest

from refactor import verify as v
from tests import images
from tests.apps import APPS_DIR, load_app, load_apps

REQUIRED_APPS = {
    "go-stdlib",
    "go-cmd",
    "node-server",
    "node-typescript",
    "static-frontend",
    "python-requirements",
    "python-cext",
    "python-pyproject",
    "rust-nodeps",
    "java-jar",
    "c-make",
}


@pytest.mark.parametrize(
    "user,root",
    [
        ("", True),
        ("root", True),
        ("0", True),
        ("0:0", True),
        ("root:staff", True),
        ("nonroot", False),
        ("65532:65532", False),
        ("node", False),
        ("1000", False),
    ],
)
def test_is_root_user(user, root):
    assert images.is_root_user(user) is root


PASSWD = "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\nevil:x:0:0::/:/bin/sh\n"


@pytest.mark.parametrize(
    "user,uid",
    [
        ("", 0),
        ("nonroot", 65532),
        ("nonroot:nonroot", 65532),
        ("1000:1000", 1000),
        ("evil", 0),
        ("ghost", None),
    ],
)
def test_resolve_uid(user, uid):
    assert v.resolve_uid(user, PASSWD) == uid


@pytest.mark.parametrize(
    "name,base,hit",
    [
        ("gcc", "gcc", True),
        ("gcc", "gcc-12", True),
        ("gcc", "x86_64-linux-gnu-gcc-12", True),
        ("gcc", "gcc-ar", False),
        ("pip", "pip3.11", True),
        ("pip", "pipx", False),
        ("go", "go", True),
        ("go", "gofmt", False),
        ("ld", "ld-linux-x86-64.so.2", False),
        ("cc", "cc", True),
        ("cc", "gcc", False),
        ("npm", "npm", True),
    ],
)
def test_tool_pattern(name, base, hit):
    assert bool(images.tool_pattern(name).match(base)) is hit


def test_find_tools_needs_executables():
    entries = [
        ("/usr/bin/gcc-12", 0o755, False),
        ("/usr/bin/cc", 0o777, True),
        ("/usr/share/doc/gcc", 0o644, False),  # not executable: a doc file
        ("/usr/share/doc/cc", 0o777, True),  # a symlink, but not in a bin/ directory
        ("/etc/ssl/certs/cc450945.0", 0o777, True),
        ("/app/node_modules/.bin/pip", 0o777, True),
        ("/usr/bin/python3.11", 0o755, False),
    ]
    assert images.find_tools(entries, ["gcc", "cc", "pip"]) == {
        "gcc": ("/usr/bin/gcc-12",),
        "cc": ("/usr/bin/cc",),
        "pip": ("/app/node_modules/.bin/pip",),
    }


def test_find_tools_finds_a_header_by_name_under_an_include_folder():
    entries = [
        ("/usr/include/postgresql/libpq-fe.h", 0o644, False),
        ("/usr/share/doc/libpq-fe.h", 0o644, False),  # not under include/
        ("/usr/include/postgresql/libpq-events.h", 0o644, False),
    ]
    assert images.find_tools(entries, ["gcc", "libpq-fe.h"]) == {"libpq-fe.h": ("/usr/include/postgresql/libpq-fe.h",)}


def test_dir_facts_looks_under_include_only_for_a_header(tmp_path):
    (tmp_path / "usr/include/postgresql").mkdir(parents=True)
    (tmp_path / "usr/include/postgresql/libpq-fe.h").write_text("")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc/passwd").write_text("root:x:0:0::/root:/bin/sh\n")
    assert images.dir_facts(tmp_path, ["libpq-fe.h"])[0] == {"libpq-fe.h": ("/usr/include/postgresql/libpq-fe.h",)}
    assert images.dir_facts(tmp_path, ["gcc"])[0] == {}


def test_tar_facts_reads_passwd_and_tools():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data, mode in [
            ("etc/passwd", PASSWD.encode(), 0o644),
            ("usr/local/bin/pip", b"#!/bin/sh\n", 0o755),
            ("./.bin/gcc", b"", 0o755),
        ]:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode = len(data), mode
            tar.addfile(ti, io.BytesIO(data))
    buf.seek(0)
    forbidden, passwd = images.tar_facts(buf, ["pip", "gcc"])
    assert forbidden == {"pip": ("/usr/local/bin/pip",), "gcc": ("/.bin/gcc",)}
    assert passwd == PASSWD
    buf.seek(0)
    assert v.passwd_in_tar(buf) == PASSWD  # what --verify reads to resolve a user's uid


def test_report_properties():
    ok = v.BuildResult(True, 1.0, "")
    smoke = v.SmokeResult((), 0, "hello\n", "", 0.1)
    a = v.ImageReport("original", "t:a", ok, size=1000, user="", uid=0, smoke=smoke)
    b = v.ImageReport("rewritten", "t:b", ok, size=250, user="nonroot", uid=65532, smoke=smoke)
    r = v.VerifyReport("buildah", a, b)
    assert r.ok and r.smoke_match and r.size_ratio == 0.25
    assert images.runs_as_root(a) and not images.runs_as_root(b)
    other = v.SmokeResult((), 0, "bye\n", "", 0.1)
    assert not v.VerifyReport("buildah", a, v.ImageReport("rewritten", "t:b", ok, size=1, smoke=other)).ok
    hung = v.SmokeResult((), -1, "", "timed out", 60.0)
    both_hung = v.VerifyReport(
        "buildah", v.ImageReport("original", "t:a", ok, smoke=hung), v.ImageReport("rewritten", "t:b", ok, smoke=hung)
    )
    assert both_hung.smoke_match is False and not both_hung.ok
    failed = v.ImageReport("rewritten", "t:b", v.BuildResult(False, 2.0, "boom"))
    r = v.VerifyReport("buildah", a, failed)
    assert not r.ok and r.smoke_match is None and r.size_ratio is None
    assert "BUILD FAILED" in r.summary() and "boom" in r.summary()
    # The original does not build: the rewrite is not built, and nothing is proved.
    broken = v.ImageReport("original", "t:a", v.BuildResult(False, 2.0, "no such image"))
    skipped = v.ImageReport("rewritten", "t:b", v.BuildResult(False, 0.0, "", skipped=True))
    r = v.VerifyReport("buildah", broken, skipped)
    assert not r.ok
    assert "original: BUILD FAILED" in r.summary() and "no such image" in r.summary()
    assert "rewritten: not built (the original does not build: nothing to compare with)" in r.summary()
    assert "rewritten: BUILD FAILED" not in r.summary()


def test_created_images_are_read_from_buildahs_output():
    """What a build made (to be removed) and what it reused (someone else's)."""
    log = (
        "[1/2] STEP 1/3: FROM python:3.11-slim AS build\n[1/2] STEP 2/3: RUN echo hi > /x\n"
        "--> Using cache fae88ab5d555b45da745cbf68ece9e4ee00fbb27e84d9846014449a30852e0a6\n--> fae88ab5d55\n"
        "[1/2] STEP 3/3: RUN echo there >> /x\n--> 8cb71437832\n[2/2] STEP 1/3: FROM python:3.11-slim\n"
        "[2/2] STEP 2/3: COPY --from=build /x /x\n--> 3b149bcb903\n[2/2] STEP 3/3: RUN cat /x\nhi\n"
        "--> not an id\n[2/2] COMMIT localhost/t:1\n--> 2fd73382868\n"
    )
    assert v.BuildahEngine().created_images(log) == ("8cb71437832", "3b149bcb903", "2fd73382868")
    assert v.DockerEngine().created_images(log) == ()


def test_every_required_app_is_present_and_valid():
    apps = {a.name: a for a in load_apps()}
    assert REQUIRED_APPS <= set(apps)
    for a in apps.values():
        assert a.expect.strip() == a.expect and "\n" not in a.expect
        assert a.forbid, f"{a.name}: forbid is empty"
        text = a.reference.read_text()
        assert text.count("\nFROM ") + text.startswith("FROM ") >= 2, f"{a.name}: reference is not multi-stage"
        assert "\nUSER " in text, f"{a.name}: reference sets no USER"


def test_app_toml_rejects_unknown_rewritten_mode(tmp_path):
    d = tmp_path / "x"
    d.mkdir()
    (d / "Dockerfile").write_text("FROM scratch\n")
    (d / "Dockerfile.reference").write_text("FROM scratch\n")
    (d / "app.toml").write_text('rewritten = "magic"\n[selftest]\nenv = {A = "1"}\nexpect = "x"\n')
    with pytest.raises(ValueError, match="rewritten"):
        load_app(d)


def test_pick_engine_rejects_unknown_engine():
    with pytest.raises(ValueError):
        v.pick_engine("containerd")


def test_dir_facts_matches_tar_facts(tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text(PASSWD)
    bin_ = tmp_path / "usr" / "local" / "bin"
    bin_.mkdir(parents=True)
    (bin_ / "pip3.11").write_text("#!/bin/sh\n")
    (bin_ / "pip3.11").chmod(0o755)
    (bin_ / "pip").symlink_to("pip3.11")
    (bin_ / "README").write_text("not executable")
    (tmp_path / "usr" / "share").mkdir()
    (tmp_path / "usr" / "share" / "gcc").write_text("")
    (tmp_path / "usr" / "share" / "gcc").chmod(0o755)  # executable, but not in a bin/ dir
    forbidden, passwd = images.dir_facts(tmp_path, ["pip", "gcc"])
    assert forbidden == {"pip": ("/usr/local/bin/pip", "/usr/local/bin/pip3.11")}
    assert passwd == PASSWD
    assert v.passwd_in_dir(tmp_path) == PASSWD


def test_passwd_is_never_read_through_a_symlink(tmp_path):
    """In a mounted image an absolute symlink would resolve on the host."""
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").symlink_to("/etc/passwd")
    assert v.passwd_in_dir(tmp_path) is None
    assert v.passwd_in_dir(tmp_path / "missing") is None


def test_rewritten_tool_mode_uses_the_engine(tmp_path):
    """rewritten = "tool" builds msb-refactor's output, not the reference."""
    from refactor.engine import refactor_text

    d = tmp_path / "app"
    d.mkdir()
    naive = load_app(APPS_DIR / "c-make").dockerfile.read_text()
    (d / "Dockerfile").write_text(naive)
    (d / "Dockerfile.reference").write_text("FROM scratch\n")
    (d / "app.toml").write_text('rewritten = "tool"\n[selftest]\nenv = {SELFTEST = "1"}\nexpect = "x"\n')
    app = load_app(d)
    text = app.rewritten_text()
    assert text != "FROM scratch\n"
    expected = refactor_text(naive, str(d / "Dockerfile")).output
    assert text == (expected if expected is not None else naive)


def test_build_commands(tmp_path):
    """The flags that make buildah behave like `docker build` here (and never
    pull when the local bases exist) and isolate RUN steps (docs/cli.md,
    "What --verify runs"); docker gets the same build."""
    import os

    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "storage.conf").write_text("")
    b = v.BuildahEngine(store=tmp_path).build_argv(tmp_path / "Df", tmp_path, "t:1", True, {"A": "1"})
    assert b[:2] == ["buildah", "bud"] and b[-1] == str(tmp_path)
    for flag in ("--layers", "--force-rm", "--pull=never", "--no-cache"):
        assert flag in b
    assert b[b.index("--format") + 1] == "docker"
    assert b[b.index("--network") + 1] == "private"  # a network namespace of its own
    run = v.BuildahEngine(store=tmp_path).run_flags()
    assert run[run.index("--network") + 1] == "none"  # smoke runs: no network at all
    if os.geteuid() == 0:  # as root: a runc container per step
        assert b[b.index("--isolation") + 1] == "oci"
    else:
        assert b[b.index("--isolation") + 1] == "rootless"
    assert b[b.index("--build-arg") + 1] == "A=1"
    assert v.BuildahEngine(store=tmp_path).env["CONTAINERS_STORAGE_CONF"] == str(tmp_path / "conf" / "storage.conf")
    # without the store: the machine's own config, pulls allowed
    bare = v.BuildahEngine(store=tmp_path / "none")
    assert "--pull=never" not in bare.build_argv(tmp_path / "Df", tmp_path, "t:1", False, {})
    assert not bare.local_bases
    d = v.DockerEngine().build_argv(tmp_path / "Df", tmp_path, "t:1", False, {})
    assert d == ["docker", "build", "--force-rm", "-f", str(tmp_path / "Df"), "-t", "t:1", str(tmp_path)]
