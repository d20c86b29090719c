"""`msb-refactor --verify` end to end: the real command builds the original
and the rewrite of sample apps, reports both, and writes a rewrite only when
it builds and behaves the same."""

import ast
import json
import os
import shutil
import uuid

import pytest

from tests.apps import APPS_DIR, load_app
from tests.cli_helpers import msb

pytestmark = pytest.mark.e2e


def copy_app(name: str, tmp_path):
    app = load_app(APPS_DIR / name)
    dest = tmp_path / name
    shutil.copytree(app.dir, dest)
    return app, dest


def selftest_args(app) -> list[str]:
    return [f"--verify-env={k}={v}" for k, v in app.selftest_env.items()]


@pytest.mark.parametrize("name", ["c-make", "go-cmd"])
def test_verify_builds_both_and_writes_a_rewrite_that_behaves_the_same(name, engine, tmp_path):
    app, dest = copy_app(name, tmp_path)
    dockerfile = dest / "Dockerfile"
    before = dockerfile.read_text()
    p = msb("--write", "--verify", *selftest_args(app), dockerfile, timeout=1800)
    print(p.err)
    assert p.returncode == 0, p.err
    after = dockerfile.read_text()
    assert after != before and after.rstrip().endswith('"]')  # MSB001 made CMD exec form
    report = [ln.split(": verify: ", 1)[1] for ln in p.err.splitlines() if ": verify: " in ln]
    assert any(ln.startswith("original: ") and " built in " in ln for ln in report)
    assert any(ln.startswith("rewritten: ") and " built in " in ln for ln in report)
    assert any(ln.startswith("size ratio rewritten/original: ") for ln in report)
    assert "smoke output matches: True" in report
    smoke = [ln for ln in report if ln.strip().startswith("smoke exit=0")]
    assert len(smoke) == 2 and all(app.expect in ln for ln in smoke)
    assert f"wrote {dockerfile}" in p.err


def test_verify_refuses_to_write_a_rewrite_that_does_not_build(engine, tmp_path):
    app, dest = copy_app("c-make", tmp_path)
    dockerfile = dest / "Dockerfile"
    before = dockerfile.read_bytes()
    p = msb(
        "--write",
        "--verify",
        "--select",
        "TST101",
        *selftest_args(app),
        dockerfile,
        timeout=1800,
        extra_passes="tests.e2e.breaking_passes:BreaksTheBuild",
    )
    print(p.err)
    assert p.returncode == 123
    assert f"{dockerfile}: verification failed: the rewrite does not build; not written" in p.err
    assert f"{dockerfile}: verify: rewritten: BUILD FAILED" in p.err
    assert dockerfile.read_bytes() == before  # nothing written
    # Without --verify the same rewrite passes the engine's own checks: only
    # building it shows that it is wrong.
    dry = msb("--select", "TST101", dockerfile, extra_passes="tests.e2e.breaking_passes:BreaksTheBuild")
    assert dry.returncode == 0 and "+RUN exit 3" in dry.out


def test_verify_standard_input_builds_it_from_the_named_context(engine, tmp_path):
    """`-` is verified like a file: the original is what came in on
    standard input (not the file on disk), built in the directory of
    --stdin-filename; the verified rewrite comes out on standard output."""
    app, dest = copy_app("c-make", tmp_path)
    dockerfile = dest / "Dockerfile"
    original = dockerfile.read_bytes()
    dockerfile.write_text("FROM scratch\n")  # what is on disk must not matter
    p = msb(
        "--write", "--verify", *selftest_args(app), "-", "--stdin-filename", dockerfile, stdin=original, timeout=1800
    )
    print(p.err)
    assert p.returncode == 0, p.err
    assert p.out != original.decode() and p.out.rstrip().endswith('"]')
    assert f"{dockerfile}: verify: smoke output matches: True" in p.err
    # exec form, the split and the apt hygiene: the changes the dry run lists for the same input
    dry = msb("--format", "json", "-", "--stdin-filename", dockerfile, stdin=original)
    expected = len(json.loads(dry.out)["files"][0]["changes"])
    assert expected >= 2 and f"changed {dockerfile} ({expected} changes)" in p.err
    assert " AS builder\n" in p.out
    assert dockerfile.read_text() == "FROM scratch\n"  # standard input is written to standard output only


# -- what a RUN step can reach (docs/cli.md, "What --verify runs") -------------------------

PROBE = """import os, sys, urllib.request
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/{sys.argv[2]}", timeout=5)
    loopback = "reached"
except OSError:
    loopback = "refused"
print("loopback:", loopback)
print("processes:", sum(1 for name in os.listdir("/proc") if name.isdigit()))
print("uid_map:", " ".join(open("/proc/self/uid_map").read().split()))
"""


FETCH = """import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=5)
except OSError as e:
    sys.exit(f"cannot reach {sys.argv[1]}: {getattr(e, 'reason', e)}")
"""


@pytest.fixture
def loopback_server():
    """An HTTP server on the host's 127.0.0.1 that records every request."""
    import http.server
    import threading

    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"secret\n")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def images_made_by(engine, before: set[str], nonce: str) -> set[str]:
    """Images that appeared since ``before`` and whose history holds
    ``nonce`` (a word only this test's Dockerfile uses): what it left."""
    after = set(engine._run([engine.cli, "images", "-a", "-q", "--no-trunc"]).stdout.split())
    left = set()
    for image in after - before:
        history = engine._run([engine.cli, "image", "history", "--no-trunc", "--format", "{{.CreatedBy}}", image])
        if nonce in history.stdout:
            left.add(image)
    return left


def all_images(engine) -> set[str]:
    return set(engine._run([engine.cli, "images", "-a", "-q", "--no-trunc"]).stdout.split())


def test_run_steps_are_isolated_from_the_host(engine, tmp_path, loopback_server):
    """A RUN step tries a server on the host's loopback: with --verify it
    runs in a network namespace of its own, where 127.0.0.1 is its own, so
    the server sees nothing; in a PID namespace of its own (a handful of
    processes, not the host's). Run as root, its root is the host's (no user
    namespace: see BuildahEngine.isolation_flags). Both builds, and the multi-stage build's intermediate images, are
    removed afterwards."""
    port, seen = loopback_server
    nonce = f"msb-e2e-{uuid.uuid4().hex}"
    (tmp_path / "probe.py").write_text(PROBE)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:3.11-slim AS probe\nCOPY probe.py /probe.py\n"
        f"RUN python3 /probe.py {port} {nonce} > /facts\n"
        "FROM python:3.11-slim\nCOPY --from=probe /facts /facts\nCMD cat /facts\n"
    )
    before = all_images(engine)
    p = msb("--write", "--verify", "--verify-cmd", "cat /facts", "--select=MSB001", dockerfile, timeout=1800)
    print(p.err)
    assert p.returncode == 0, p.err
    assert seen == []  # the host's loopback server was never reached
    smoke = [ln for ln in p.err.splitlines() if ": verify:   smoke exit=0 stdout=" in ln]
    assert len(smoke) == 2
    facts = dict(line.split(": ", 1) for line in ast.literal_eval(smoke[0].split("stdout=", 1)[1]).splitlines())
    assert facts["loopback"] == "refused"
    assert int(facts["processes"]) < 10  # its own PID namespace: the host runs many more
    if os.geteuid() == 0:
        assert facts["uid_map"] == "0 0 4294967295"  # root in a RUN step is root (documented)
    assert dockerfile.read_text().endswith('CMD ["cat", "/facts"]\n')
    assert images_made_by(engine, before, nonce) == set()


def test_when_the_original_does_not_build_the_rewrite_is_not_blamed(engine, tmp_path, loopback_server):
    """A build that needs the host's loopback fails under --verify: the
    report says the original does not build, the rewrite is not built, the
    file is not written, and nothing built is left behind."""
    port, seen = loopback_server
    nonce = f"msb-e2e-{uuid.uuid4().hex}"
    (tmp_path / "fetch.py").write_text(FETCH)
    text = (
        "FROM python:3.11-slim\nCOPY fetch.py /fetch.py\n"
        f"RUN python3 /fetch.py http://127.0.0.1:{port}/{nonce}\n"
        "CMD python3 -m http.server\n"
    )
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(text)
    before = all_images(engine)
    p = msb("--write", "--verify", "--select=MSB001", dockerfile, timeout=1800)
    print(p.err)
    assert p.returncode == 123
    assert (
        f"{dockerfile}: verification failed: the original does not build (see its log), so the rewrite could "
        "not be checked; not written"
    ) in p.err.splitlines()
    assert f"{dockerfile}: verify: original: BUILD FAILED" in p.err
    assert f"cannot reach http://127.0.0.1:{port}/{nonce}: [Errno 111] Connection refused" in p.err  # its log
    assert (
        f"{dockerfile}: verify: rewritten: not built (the original does not build: nothing to compare with)"
        in p.err.splitlines()
    )
    assert "rewritten: BUILD FAILED" not in p.err and "the rewrite does not build" not in p.err
    assert seen == [] and dockerfile.read_text() == text
    assert images_made_by(engine, before, nonce) == set()
