"""MSB301 for real: Dockerfiles rewritten by the pass build with buildah on
the local stand-in bases, and the image runs as the non-root user it
names and can write the data directory the pass gave it.

One small app per base family the stand-ins cover: Debian (a user
created in the stage), an image with its own user (node), distroless
(its nonroot user, the data directory given by `COPY --chown`) and
scratch (a numeric user with no user database). Each self-test prints
its uid and gid, writes a file into its data directory and reads it
back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from refactor.context import BuildContext
from refactor.engine import Status, refactor_text
from refactor.passes import select
from tests.apps import TAG_ROOT
from tests.e2e.conftest import engine  # noqa: F401 - the fixture
from tests.images import image_exists

pytestmark = pytest.mark.e2e

PY_PROBE = """\
import os, sys
path = os.path.join(sys.argv[1], "probe.txt")
with open(path, "w") as f:
    f.write("written")
with open(path) as f:
    print(f"{os.getuid()}:{os.getgid()} {f.read()}")
"""

NODE_PROBE = """\
const fs = require("fs");
const path = process.argv[2] + "/probe.txt";
fs.writeFileSync(path, "written");
console.log(`${process.getuid()}:${process.getgid()} ${fs.readFileSync(path, "utf8")}`);
"""

APPS = {
    # Debian slim: `app` (10001) created in the stage; /app/data made by a RUN
    "debian-python": (
        {
            "Dockerfile": (
                "FROM python:3.11-slim\n"
                "WORKDIR /app\n"
                "COPY probe.py .\n"
                "RUN mkdir -p /app/data\n"
                'CMD ["python", "probe.py", "/app/data"]\n'
            ),
            "probe.py": PY_PROBE,
        },
        "10001:10001",
        "10001:10001 written",
    ),
    # the node image's own user (1000); the uploads folder comes from the context
    "node-own-user": (
        {
            "Dockerfile": ('FROM node:18-slim\nWORKDIR /srv\nCOPY . .\nCMD ["node", "probe.js", "/srv/uploads"]\n'),
            "probe.js": NODE_PROBE,
            "uploads/seed.txt": "seed\n",
        },
        "1000:1000",
        "1000:1000 written",
    ),
    # distroless: no shell; the VOLUME directory is given by the COPY that creates it
    "distroless-python": (
        {
            "Dockerfile": (
                "FROM python:3.11-slim AS build\n"
                "RUN mkdir -p /out/data\n"
                "\n"
                "FROM gcr.io/distroless/python3-debian12\n"
                "WORKDIR /app\n"
                "COPY --from=build /out/data /app/data\n"
                "COPY probe.py .\n"
                "VOLUME /app/data\n"
                'CMD ["probe.py", "/app/data"]\n'
            ),
            "probe.py": PY_PROBE,
        },
        "65532:65532",
        "65532:65532 written",
    ),
    # scratch: a static busybox from Debian; a numeric user, no /etc/passwd
    "scratch-busybox": (
        {
            "Dockerfile": (
                "FROM debian:bookworm-slim AS build\n"
                "RUN apt-get update && apt-get install -y --no-install-recommends busybox-static"
                " && mkdir -p /out/data\n"
                "\n"
                "FROM scratch\n"
                "COPY --from=build /bin/busybox /busybox\n"
                "COPY --from=build /out/data /data\n"
                "VOLUME /data\n"
                'ENTRYPOINT ["/busybox", "sh", "-c", "echo written > /data/probe.txt'
                ' && echo $(/busybox id -u):$(/busybox id -g) $(/busybox cat /data/probe.txt)"]\n'
            ),
        },
        "65532:65532",
        "65532:65532 written",
    ),
}


def rewrite(app_dir: Path) -> str:
    dockerfile = app_dir / "Dockerfile"
    r = refactor_text(
        dockerfile.read_text(),
        str(dockerfile),
        select(["MSB301"]),
        build_context=BuildContext.for_dockerfile(str(dockerfile)),
    )
    assert r.status is Status.CHANGED, (r.status, r.reason, r.error, r.notes)
    return r.output


@pytest.mark.parametrize("name", sorted(APPS))
def test_rewritten_image_runs_as_the_user_and_writes_its_data(name, engine, tmp_path):  # noqa: F811
    files, user, expect = APPS[name]
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    original = (tmp_path / "Dockerfile").read_text()
    fixed = rewrite(tmp_path)
    print(fixed)
    (tmp_path / "Dockerfile.fixed").write_text(fixed)
    tags = {k: f"{TAG_ROOT}/msb301-{name}:{k}" for k in ("naive", "rewritten")}
    try:
        for kind, df in (("naive", "Dockerfile"), ("rewritten", "Dockerfile.fixed")):
            # No cache for the rewrite: buildah 1.28 gives `COPY --from=... --chown=...`
            # the cached layer of the same COPY without --chown (root's files).
            built = engine.build(tmp_path / df, tmp_path, tags[kind], no_cache=kind == "rewritten", timeout=900)
            assert built.ok, built.log
        naive = engine.run(tags["naive"])
        rewritten = engine.run(tags["rewritten"])
        # the original runs as root and the same self-test passes there
        assert naive.exit_code == 0, naive.stderr
        assert naive.stdout.strip() == "0:0 written"
        # the rewrite: the configured user, by number, and the data directory is writable
        assert rewritten.exit_code == 0, rewritten.stderr
        assert rewritten.stdout.strip() == expect
        config = engine.inspect(tags["rewritten"])
        configured = (config.get("Config") or config.get("config") or {}).get("User")
        assert configured == user, json.dumps(config.get("Config"), indent=1)
        # every line of the original is still there, in order
        kept = iter(fixed.splitlines())
        assert all(any(line == k for k in kept) for line in original.splitlines() if not line.startswith("COPY")), fixed
    finally:
        for tag in tags.values():
            if image_exists(engine, tag):
                engine.remove(tag)
