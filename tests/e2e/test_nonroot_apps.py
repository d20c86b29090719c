"""Issue 9's promise, for every sample app: msb-refactor's own rewrite (every
pass, safe fixes only) builds, passes the same self-test and runs as a
non-root user, whatever the app's ecosystem and whether or not the tool can
split it yet. (test_apps.py holds the rewrite the app names in app.toml to
more: smaller, no toolchain.)

The rewrite is built without the layer cache: buildah 1.28 reuses a cached
`COPY --from` without `--chown` for the same COPY with it, which would hide a
missing ownership."""

import pytest

from refactor import verify as v
from tests.apps import TAG_ROOT, load_apps, tool_rewrite
from tests.images import runs_as_root

pytestmark = pytest.mark.e2e

APPS = load_apps()


def left_as_root_because(app) -> str | None:
    """MSB301's reason for leaving the app's final stage as root, if it gave one."""
    from refactor.context import BuildContext
    from refactor.engine import refactor_text

    result = refactor_text(
        app.dockerfile.read_text(), str(app.dockerfile), build_context=BuildContext.for_dockerfile(app.dockerfile)
    )
    return next((n.message for n in result.notes if n.code == "MSB301" and "declined" in n.message), None)


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_the_tools_rewrite_runs_as_non_root_and_behaves_the_same(app, engine):
    """Non-root, or the pass said why and the app still works (static-frontend,
    whose nginx needed root, is now split onto an unprivileged nginx)."""
    rewrite = tool_rewrite(app.dockerfile)
    report = v.verify(
        app.dockerfile,
        rewrite,
        app.dir,
        smoke_cmd=app.selftest_cmd,
        smoke_env=app.selftest_env,
        engine=engine,
        tags=(f"{TAG_ROOT}/{app.name}:naive", f"{TAG_ROOT}/{app.name}:tool-nocache"),
        keep_images=True,
        no_cache=True,
    )
    print(f"\n[{app.name}]\n{report.summary()}")
    new = report.rewritten
    assert new.built, f"the tool's rewrite failed to build:\n{new.build.log}"
    assert new.smoke is not None and new.smoke.exit_code == 0, f"self-test failed:\n{new.smoke.stderr}"
    assert new.smoke.stdout.strip() == app.expect
    why = left_as_root_because(app)
    if why is None:
        assert runs_as_root(new) is False, f"the tool's rewrite runs as {new.user!r} (uid {new.uid})"
    else:
        assert runs_as_root(new) is True, f"said it left {app.name} as root ({why}), but it runs as {new.user!r}"
