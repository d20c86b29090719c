"""--bind-manifests, proven by building: sample apps rewritten by every pass
with `--buildkit-syntax --bind-manifests` (the manifests bind-mounted into
the install, the COPY of them gone) build with buildah and pass their
self-test, so the install found its manifests and the image has them.

Images are tagged ``localhost/msb-e2e-bind/<app>:rewritten`` only (under
MSB_E2E_TAG_ROOT).
"""

from __future__ import annotations

import shutil

import pytest

from refactor.context import BuildContext
from refactor.engine import Status, refactor_text
from tests.apps import APPS_DIR, TAG_ROOT, load_app

pytestmark = pytest.mark.e2e

APPS = ("python-requirements", "node-server")


@pytest.mark.parametrize("app", APPS)
def test_bound_manifests_build_and_self_test(app, engine, tmp_path):
    spec = load_app(APPS_DIR / app)
    folder = tmp_path / app
    shutil.copytree(APPS_DIR / app, folder)
    dockerfile = folder / "Dockerfile"
    result = refactor_text(
        dockerfile.read_text(),
        str(dockerfile),
        build_context=BuildContext.for_dockerfile(dockerfile),
        buildkit_syntax=True,
        bind_manifests=True,
    )
    assert result.status is Status.CHANGED, result.error or result.reason
    assert any(c.code == "MSB205" and c.message.startswith("bind-mount ") for c in result.changes), result.notes
    assert "--mount=type=bind,source=" in result.output
    (folder / "Dockerfile.bind").write_text(result.output)
    tag = f"{TAG_ROOT}-bind/{app}:rewritten"
    built = engine.build(folder / "Dockerfile.bind", folder, tag)
    assert built.ok, f"{app}: the bind-mount rewrite failed to build:\n{built.log}\n{result.output}"
    smoke = engine.run(tag, spec.selftest_cmd or (), env=spec.selftest_env)
    assert smoke.exit_code == 0, f"{app}: self-test failed:\n{smoke.stderr}"
    assert smoke.stdout.strip() == spec.expect
