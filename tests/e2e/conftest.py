"""Fixtures for the end-to-end suite: a container engine with the local base
images, or a skip that says what to run. With MSB_E2E_REQUIRED=1 a missing
engine or missing bases fail the suite instead of skipping it; that is the
default when CI=true, so CI cannot pass by skipping every build (see
tests/required.py)."""

import pytest

from refactor import verify as v
from tests.images import bases_ready
from tests.required import unavailable

SETUP_HINT = "create them with `sudo scripts/make-bases.sh` (or `.ci/e2e-setup.sh`, which also installs buildah)"


def _unavailable(reason: str):
    unavailable("e2e", reason)


@pytest.fixture(scope="session")
def engine() -> v.Engine:
    try:
        eng = v.pick_engine()
    except v.EngineUnavailable as e:
        _unavailable(f"{e}: install buildah and podman (apt-get install buildah podman runc) or start a Docker daemon")
    if isinstance(eng, v.BuildahEngine) and not bases_ready(eng):
        _unavailable(f"local base images are missing from {eng.store}: {SETUP_HINT}")
    return eng
