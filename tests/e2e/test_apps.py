"""Every sample app under corpus/apps builds and self-tests with its naive
Dockerfile and with its rewrite, and the rewrite is smaller, runs as a
non-root user and carries no toolchain (see docs/e2e.md).

The rewrite is msb-refactor's own (every pass, safe fixes only) for every
app whose app.toml says rewritten = "tool": issue 9's promise that the
tool's rewrite runs as non-root and behaves the same is checked here. It is
built without the layer cache: buildah 1.28 reuses a cached `COPY --from`
without `--chown` for the same COPY with it, which would hide a missing
ownership; the naive build keeps the cache (the next run's, too)."""

import pytest

from refactor import verify as v
from tests.apps import TAG_ROOT, load_apps
from tests.images import image_facts, runs_as_root

pytestmark = pytest.mark.e2e

APPS = load_apps()


def app_tags(name: str) -> tuple[str, str]:
    # stable names: the images stay, and their layers are the next run's cache
    return (f"{TAG_ROOT}/{name}:naive", f"{TAG_ROOT}/{name}:rewritten")


@pytest.mark.parametrize("app", APPS, ids=[a.name for a in APPS])
def test_app(app, engine):
    report = v.verify(
        app.dockerfile,
        app.rewritten_text(),
        app.dir,
        smoke_cmd=app.selftest_cmd,
        smoke_env=app.selftest_env,
        engine=engine,
        tags=app_tags(app.name),
        keep_images=True,
        fresh_rewrite=True,
    )
    print(f"\n[{app.name}] rewritten = {app.rewritten}\n{report.summary()}")
    naive, new = report.original, report.rewritten

    assert naive.built, f"naive Dockerfile failed to build:\n{naive.build.log}"
    assert new.built, f"rewritten Dockerfile failed to build:\n{new.build.log}"
    for img in (naive, new):
        assert img.smoke is not None
        assert img.smoke.exit_code == 0, f"{img.label} self-test failed:\n{img.smoke.stderr}"
        assert img.smoke.stdout.strip() == app.expect, f"{img.label} self-test printed {img.smoke.stdout!r}"
    assert report.smoke_match

    ratio = report.size_ratio
    print(
        f"[{app.name}] size naive {v.human_size(naive.size)} -> rewritten {v.human_size(new.size)}: ratio {ratio:.3f}"
    )
    assert new.size < naive.size

    assert runs_as_root(new) is False, f"rewritten image runs as {new.user!r} (uid {new.uid})"
    # Both images are kept (tags above), so their files can be looked at now.
    left, _ = image_facts(engine, new.tag, app.forbid)
    assert not left, f"toolchain left in the rewritten image: {left}"
    # the check above is only worth something if it sees the naive image's toolchain
    naive_tools, _ = image_facts(engine, naive.tag, app.forbid)
    assert naive_tools, f"none of {app.forbid} found in the naive image: is the forbid list right?"
