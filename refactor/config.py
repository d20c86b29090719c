"""Settings from ``[tool.msb-refactor]`` or ``.msb-refactor.toml``.

The nearest file, searching from the first path given (or the current
directory) upwards, is used: in each directory ``.msb-refactor.toml`` is
looked at first, then a ``pyproject.toml`` that has a
``[tool.msb-refactor]`` table. ``--config FILE`` names one explicitly.
Keys mirror the long options; the command line wins.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

_TABLE = re.compile(r'(?m)^\s*\[?\s*(?:tool\s*\.\s*)?["\']?msb-refactor["\']?\s*[.\]]')

KEYS: dict[str, type | tuple] = {
    "select": list,
    "ignore": list,
    "exclude": list,
    "unsafe-fixes": bool,
    "jobs": int,
    "format": str,
    "context": str,
    "buildkit-syntax": bool,
    "color": str,
}


class ConfigError(ValueError):
    pass


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The nearest configuration file at or above ``start``."""
    here = Path(start).resolve()
    if not here.is_dir():
        here = here.parent
    for directory in (here, *here.parents):
        own = directory / ".msb-refactor.toml"
        if own.is_file():
            return own
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            # Cheap test first: `[tool.msb-refactor]`, `[tool."msb-refactor"]` or dotted keys.
            if _TABLE.search(text) and "msb-refactor" in _load_toml(pyproject).get("tool", {}):
                return pyproject
    return None


def load_config(path: Path) -> dict[str, Any]:
    """The settings in ``path`` with keys checked; relative paths made
    relative to the file's directory."""
    data = _load_toml(path)
    if path.name == "pyproject.toml" or "tool" in data:
        data = data.get("tool", {}).get("msb-refactor", {})
    out: dict[str, Any] = {}
    for key, value in data.items():
        norm = key.replace("_", "-")
        want = KEYS.get(norm)
        if want is None:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(KEYS))})")
        if want is list:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: {key} must be a list of strings")
        elif want is bool and not isinstance(value, bool):
            raise ConfigError(f"{path}: {key} must be true or false")
        elif want is int and (not isinstance(value, int) or isinstance(value, bool)):
            raise ConfigError(f"{path}: {key} must be an integer")
        elif want is str and not isinstance(value, str):
            raise ConfigError(f"{path}: {key} must be a string")
        if norm == "context":
            value = str((path.parent / value).resolve())
        out[norm] = value
    return out
