"""What the suite needs from outside the repository, and what happens when
it is missing: the test skips and says what to install, or, where it is
required, fails, so CI cannot go green by skipping.

========= ============================================= =====================
what      needed by                                     required when
========= ============================================= =====================
buildkit  ``buildkit()``: BuildKit's parser, the          ``MSB_BUILDKIT_REQUIRED=1``
          ``dockerfile`` package (a conformance oracle)
corpus    tests marked ``corpus``: the shared corpus of   ``MSB_CORPUS_REQUIRED=1``
          real Dockerfiles (``$MSB_REAL_CORPUS``, default
          ``../shared/corpus/real``)
e2e       tests/e2e: buildah + podman (or docker) and     ``MSB_E2E_REQUIRED=1``
          the local base images
========= ============================================= =====================

Each ``MSB_<WHAT>_REQUIRED`` defaults to 1 when ``CI=true``; ``.ci/run``
sets all three. tests/conftest.py uses this module's hook; a pytest run
elsewhere can load it with ``-p tests.required``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_CORPUS = Path(os.environ.get("MSB_REAL_CORPUS", ROOT.parent / "shared" / "corpus" / "real"))
KINDS = ("buildkit", "corpus", "e2e")


def required(what: str) -> bool:
    assert what in KINDS, what
    default = "1" if os.environ.get("CI") == "true" else "0"
    return os.environ.get(f"MSB_{what.upper()}_REQUIRED", default) == "1"


def unavailable(what: str, reason: str):
    """Skip with the reason, or fail when ``what`` is required."""
    if required(what):
        pytest.fail(f"MSB_{what.upper()}_REQUIRED=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def real_corpus_files() -> list[Path]:
    if not REAL_CORPUS.is_dir():
        return []
    return sorted(p for p in REAL_CORPUS.iterdir() if p.name != "MANIFEST.tsv")


def buildkit():
    """BuildKit's parser (the ``dockerfile`` module), or skip (fail when required)."""
    try:
        import dockerfile
    except ImportError as e:
        unavailable("buildkit", f"BuildKit's parser cannot be imported ({e}): pip install dockerfile (a test extra)")
    return dockerfile


def pytest_runtest_setup(item):
    """A test marked ``corpus`` needs the shared corpus, with files in it."""
    if item.get_closest_marker("corpus") is not None and not real_corpus_files():
        unavailable(
            "corpus", f"the shared corpus is not at {REAL_CORPUS}, or is empty (set MSB_REAL_CORPUS); .ci/run has it"
        )
