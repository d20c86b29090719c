"""Layer caching, proven by building (issue 13): for each sample app that
installs dependencies after copying its sources, a second build after a
source-only change reuses the install layer with the tool's rewrite, and
does not with the naive Dockerfile.

Each app's folder is copied to a temporary directory (corpus/apps is never
touched); the tool rewrites its Dockerfile there (every pass, safe fixes,
the copy as build context). Both Dockerfiles are built twice with buildah's
layer cache (``bud --layers``): once as the app is, once after a source
file gained a line that no earlier build saw. buildah reports a reused
step as ``--> Using cache <id>`` right after its ``STEP n/m:`` line.

Apps where the tool declines the manifests-first rewrite are listed with
the reason it must give (a path dependency, the project's own install).
Images are tagged ``localhost/msb-e2e-cache/<app>:naive|rewritten`` only.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest

from refactor.context import BuildContext
from refactor.engine import Status, refactor_text
from tests.apps import APPS_DIR, TAG_ROOT

pytestmark = pytest.mark.e2e

# app -> (the source file a developer edits, the install command's text)
CACHED = {
    "node-server": ("src/server.js", r"\bnpm (install|ci)\b"),
    "node-typescript": ("src/index.ts", r"\bnpm (install|ci)\b"),
    "static-frontend": ("src/main.js", r"\bnpm (install|ci)\b"),
    "python-requirements": ("app.py", r"\bpip3? install\b"),
}
# app -> what MSB201 says when it declines (the install needs more than manifests)
DECLINED = {
    "python-cext": "requirements.txt installs `./vendor/fastcrc` from the sources",
    "python-pyproject": "`pip install .` installs `.` from the sources",
    "rust-workspace": "Cargo.toml is a workspace",
    "rust-nodeps": "nothing to fetch before the sources",
    "go-webapp": "nothing to download before the sources",
}
# A multi-stage build prefixes each step with its stage: `[1/2] STEP 4/7: RUN npm install`.
_STEP = re.compile(r"^(?:\[\d+/\d+\] )?STEP (\d+)/(\d+): (.*)$")


def steps(log: str) -> list[tuple[str, bool]]:
    """Each build step's instruction and whether buildah reused it from cache."""
    out: list[list] = []
    for line in log.splitlines():
        m = _STEP.match(line)
        if m:
            out.append([m.group(3), False])
        elif line.startswith("--> Using cache ") and out:
            out[-1][1] = True
    return [(text, cached) for text, cached in out]


def install_steps(log: str, pattern: str) -> list[tuple[str, bool]]:
    return [(text, cached) for text, cached in steps(log) if text.startswith("RUN") and re.search(pattern, text)]


def test_steps_reads_buildah_output():
    log = (
        "STEP 1/4: FROM node:18\n"
        "STEP 2/4: COPY package.json ./\n--> Using cache 1a2b3c\n--> 1a2b3c\n"
        "STEP 3/4: RUN npm install\n--> Using cache 4d5e6f\n--> 4d5e6f\n"
        "STEP 4/4: COPY . .\n--> 7a8b9c\n"
        "[2/2] STEP 1/2: FROM gcr.io/distroless/nodejs22-debian13\n"
        "[2/2] STEP 2/2: COPY --from=builder /app /app\n--> Using cache 8b9c0d\n"
    )
    assert steps(log) == [
        ("FROM node:18", False),
        ("COPY package.json ./", True),
        ("RUN npm install", True),
        ("COPY . .", False),
        ("FROM gcr.io/distroless/nodejs22-debian13", False),
        ("COPY --from=builder /app /app", True),
    ]
    assert install_steps(log, CACHED["node-server"][1]) == [("RUN npm install", True)]


def _copy_app(app: str, tmp_path: Path) -> Path:
    dest = tmp_path / app
    shutil.copytree(APPS_DIR / app, dest)
    return dest


def _rewrite(folder: Path) -> tuple[str, object]:
    text = (folder / "Dockerfile").read_text()
    result = refactor_text(
        text, str(folder / "Dockerfile"), build_context=BuildContext.for_dockerfile(folder / "Dockerfile")
    )
    assert result.status is not Status.FAILED, result.error
    return (result.output or text), result


def _base_ids(engine, dockerfile: Path) -> list[str]:
    """The image ids of the external bases (another engineer may rebuild a
    base between two builds, which no cache survives)."""
    from refactor import parse

    tree = parse(dockerfile.read_text())
    names = {s.name for s in tree.stages if s.name}
    ids = []
    for stage in tree.stages:
        image = stage.from_.image
        if image in names or image == "scratch":
            continue
        p = engine._run([engine.cli, "image", "inspect", "--format", "{{.Id}}", image], timeout=120)
        ids.append(p.stdout.strip())
    return ids


@pytest.mark.parametrize("app", sorted(CACHED))
def test_install_layer_reused_after_a_source_change(app, engine, tmp_path):
    source, pattern = CACHED[app]
    folder = _copy_app(app, tmp_path)
    assert (folder / source).is_file(), f"{app}: no {source} to edit"
    rewritten, result = _rewrite(folder)
    assert any(c.code == "MSB201" for c in result.changes), f"{app}: MSB201 did not rewrite it: {result.notes}"
    (folder / "Dockerfile.msb").write_text(rewritten)
    # The engine keeps a successful build's log to itself: build with its argv to read each step.
    for name, dockerfile, reused in (
        ("naive", folder / "Dockerfile", False),
        ("rewritten", folder / "Dockerfile.msb", True),
    ):
        tag = f"{TAG_ROOT}-cache/{app}:{name}"
        log2 = _build_logged_twice(engine, folder, dockerfile, tag, source)
        found = install_steps(log2, pattern)
        assert len(found) == 1, f"{app} {name}: expected one install step, found {found} in:\n{log2[-3000:]}"
        text, cached = found[0]
        print(f"\n[{app}] {name}: `{text}` {'reused from cache' if cached else 'ran again'} after the source change")
        assert cached is reused, (
            f"{app} {name}: the install step `{text}` {'ran again' if reused else 'was reused'} after a source-only"
            f" change\n{log2[-3000:]}"
        )


def _build_logged_twice(engine, folder: Path, dockerfile: Path, tag: str, source: str) -> str:
    """Like ``_build_twice``, returning the second build's full output."""
    import subprocess

    for _attempt in range(2):
        before = _base_ids(engine, dockerfile)
        argv = engine.build_argv(dockerfile, folder, tag, False, {})
        first = subprocess.run(
            argv, env=engine.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800
        )
        assert first.returncode == 0, f"first build of {dockerfile.name} failed:\n{first.stdout[-3000:]}"
        path = folder / source
        comment = "#" if path.suffix == ".py" else "//"
        path.write_text(path.read_text() + f"\n{comment} edited {uuid.uuid4().hex}\n")
        second = subprocess.run(
            argv, env=engine.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800
        )
        assert second.returncode == 0, f"second build of {dockerfile.name} failed:\n{second.stdout[-3000:]}"
        if _base_ids(engine, dockerfile) == before:
            return second.stdout
    pytest.fail("a base image changed between the two builds twice in a row; run the test again")


@pytest.mark.parametrize("app", sorted(DECLINED))
def test_declined_with_the_reason(app, tmp_path):
    folder = _copy_app(app, tmp_path)
    _, result = _rewrite(folder)
    assert not any(c.code == "MSB201" for c in result.changes)
    said = [n.message for n in result.notes if n.code == "MSB201"] + [result.reason or ""]
    assert any(DECLINED[app] in s for s in said), said
