"""The sample applications under corpus/apps/<name>/ and their app.toml
(test and benchmark code: not part of the shipped package).

Each app has a naive single-stage ``Dockerfile``, a hand-written multi-stage
``Dockerfile.reference`` and an ``app.toml``::

    description = "..."
    rewritten = "reference"       # or "tool": msb-refactor's own output
    [selftest]
    env = { SELFTEST = "1" }      # passed with -e to the container
    cmd = ["sh", "-c", "..."]     # optional: replaces CMD (ENTRYPOINT stays)
    expect = "one known line"     # the self-test's whole stdout, stripped
    [runtime]
    forbid = ["gcc", "pip"]       # tools the rewritten image must not contain

Used by tests/e2e and bench/apps.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import attrs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Where the e2e suites tag the images they keep (each app's layers are the next
# run's cache); another root keeps two runs on one machine apart.
TAG_ROOT = os.environ.get("MSB_E2E_TAG_ROOT", "localhost/msb-e2e")
APPS_DIR = Path(__file__).resolve().parent.parent / "corpus" / "apps"
REWRITTEN_MODES = ("reference", "tool")


@attrs.frozen
class App:
    name: str
    dir: Path
    description: str
    rewritten: str
    selftest_env: dict[str, str]
    selftest_cmd: tuple[str, ...] | None
    expect: str
    forbid: tuple[str, ...]

    @property
    def dockerfile(self) -> Path:
        return self.dir / "Dockerfile"

    @property
    def reference(self) -> Path:
        return self.dir / "Dockerfile.reference"

    def rewritten_text(self) -> str:
        """The Dockerfile the e2e suite builds as the rewrite of Dockerfile."""
        if self.rewritten == "reference":
            return self.reference.read_text()
        return tool_rewrite(self.dockerfile)


def tool_rewrite(dockerfile: Path) -> str:
    """msb-refactor's own rewrite of a Dockerfile (for rewritten = "tool"):
    every pass, safe fixes only, with the app's directory as build context."""
    from refactor.context import BuildContext
    from refactor.engine import Status, refactor_text

    text = dockerfile.read_text()
    result = refactor_text(text, str(dockerfile), build_context=BuildContext.for_dockerfile(dockerfile))
    if result.status is Status.FAILED:
        raise RuntimeError(f"msb-refactor failed on {dockerfile}: {result.error}")
    return result.output if result.output is not None else text


def load_app(path: Path) -> App:
    with open(path / "app.toml", "rb") as f:
        data = tomllib.load(f)
    rewritten = data.get("rewritten", "reference")
    if rewritten not in REWRITTEN_MODES:
        raise ValueError(f"{path}/app.toml: rewritten must be one of {REWRITTEN_MODES}, not {rewritten!r}")
    st = data.get("selftest") or {}
    if "expect" not in st:
        raise ValueError(f"{path}/app.toml: [selftest] expect is required")
    cmd = st.get("cmd")
    if not st.get("env") and cmd is None:
        raise ValueError(f"{path}/app.toml: [selftest] needs env or cmd")
    for needed in ("Dockerfile", "Dockerfile.reference"):
        if not (path / needed).is_file():
            raise ValueError(f"{path}: {needed} is missing")
    return App(
        name=path.name,
        dir=path,
        description=data.get("description", ""),
        rewritten=rewritten,
        selftest_env={str(k): str(v) for k, v in (st.get("env") or {}).items()},
        selftest_cmd=tuple(cmd) if cmd is not None else None,
        expect=st["expect"],
        forbid=tuple((data.get("runtime") or {}).get("forbid", ())),
    )


def load_apps(root: Path = APPS_DIR) -> list[App]:
    return [load_app(p) for p in sorted(root.iterdir()) if (p / "app.toml").is_file()]
