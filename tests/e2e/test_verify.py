"""refactor.verify end to end on real apps: what `msb-refactor --verify`
reports for a good rewrite, a rewrite that does not build, and one that
builds but behaves differently."""

import pytest

from refactor import verify as v
from tests.apps import APPS_DIR, load_app
from tests.images import image_exists

pytestmark = pytest.mark.e2e


def working_containers(engine) -> set[str]:
    argv = ["buildah", "containers", "-q"] if isinstance(engine, v.BuildahEngine) else ["docker", "ps", "-aq"]
    return set(engine._run(argv).stdout.split())


def test_broken_rewrite_reports_build_failure(engine):
    app = load_app(APPS_DIR / "c-make")
    before = working_containers(engine)
    broken = app.reference.read_text().replace(
        "COPY --from=build /out/usr/local/bin/stats", "COPY --from=build /out/usr/bin/stats"
    )
    assert broken != app.reference.read_text()
    report = v.verify(app.dockerfile, broken, app.dir, smoke_env=app.selftest_env, engine=engine)
    print(report.summary())
    assert report.original.built
    assert report.original.smoke is not None and report.original.smoke.stdout.strip() == app.expect
    assert not report.rewritten.built
    assert not report.ok
    assert "/out/usr/bin/stats" in report.rewritten.build.log
    assert report.rewritten.size is None and report.rewritten.smoke is None
    assert report.smoke_match is None
    assert "rewritten: BUILD FAILED" in report.summary()
    # nothing is left behind: no image under the default names, no working
    # container of the failed build
    assert not image_exists(engine, report.original.tag)
    assert working_containers(engine) - before == set()


def test_rewrite_that_builds_but_misbehaves(engine):
    """Dropping the dependencies from the runtime stage still builds; only
    running the self-test shows the rewrite is wrong."""
    app = load_app(APPS_DIR / "python-requirements")
    text = app.reference.read_text()
    broken = text.replace("COPY --from=build /app/deps /app/deps\n", "")
    assert broken != text
    report = v.verify(app.dockerfile, broken, app.dir, smoke_env=app.selftest_env, engine=engine)
    print(report.summary())
    assert report.original.built and report.rewritten.built
    assert report.original.smoke.exit_code == 0
    assert report.rewritten.smoke.exit_code != 0
    assert "ModuleNotFoundError" in report.rewritten.smoke.stderr
    assert report.smoke_match is False
    assert not report.ok


def test_good_rewrite_reports_both_images(engine):
    """smoke_cmd=[] runs each image's own ENTRYPOINT/CMD; the report describes
    both images."""
    app = load_app(APPS_DIR / "go-cmd")
    report = v.verify(
        app.dockerfile, app.reference.read_text(), app.dir, smoke_cmd=[], smoke_env={"SELFTEST": "1"}, engine=engine
    )
    print(report.summary())
    assert report.ok and report.smoke_match
    assert report.rewritten.smoke.argv == ()
    assert report.rewritten.smoke.stdout.strip() == app.expect
    assert report.rewritten.entrypoint == ("/usr/local/bin/wordfreq",)
    assert report.rewritten.cmd == ("-n", "3")
    assert report.rewritten.user == "nonroot:nonroot" and report.rewritten.uid == 65532
    assert report.original.user == "" and report.original.uid == 0
    assert report.size_ratio < 1


def test_smoke_command_that_never_ends_times_out(engine):
    """Without SELFTEST the go-stdlib service serves forever: the run is cut at
    run_timeout, reported as exit -1, and no container is left running."""
    app = load_app(APPS_DIR / "go-stdlib")
    report = v.verify(app.dockerfile, app.reference.read_text(), app.dir, smoke_cmd=[], engine=engine, run_timeout=5)
    for img in (report.original, report.rewritten):
        assert img.smoke.exit_code == -1
        assert "timed out" in img.smoke.stderr
        assert 4 < img.smoke.seconds < 60
    assert report.smoke_match is False and not report.ok
    left = engine._run([engine.cli, "ps", "-a", "--format", "{{.Names}}"]).stdout
    assert "msb-verify-" not in left
