"""Settings from ``[tool.msb-refactor]`` or ``.msb-refactor.toml``.

The nearest file, searching from the first path given (or the current
directory) upwards, is used: in each directory ``.msb-refactor.toml`` is
looked at first, then a ``pyproject.toml`` that has a
``[tool.msb-refactor]`` table. ``--config FILE`` names one explicitly.
Keys mirror the long options and are declared with them, in
``refactor.options.OPTIONS``; the command line wins. A bad file or value
is reported as ``path:line:col: message`` where the line can be found.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .options import CONFIG_OPTIONS, check_config_value

_TABLE = re.compile(r'(?m)^\s*\[?\s*(?:tool\s*\.\s*)?["\']?msb-refactor["\']?\s*[.\]]')
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")

#: every configuration key, from the option table
KEYS: tuple[str, ...] = tuple(CONFIG_OPTIONS)


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
        # tomllib puts the position in the message: make it path:line:col.
        message = str(e)
        m = _TOML_AT.search(message)
        if m:
            where = f"{path}:{m.group(1)}:{m.group(2)}"
        elif message.endswith("(at end of document)"):
            where = f"{path}:{_end_of(path)}"
        else:
            where = str(path)
        message = _TOML_AT.sub("", message).removesuffix(" (at end of document)")
        raise ConfigError(f"{where}: invalid TOML: {message}") from None


def _end_of(path: Path) -> str:
    """``line:col`` just after the last character of a file."""
    text = path.read_text(encoding="utf-8", errors="replace")
    last = text.rsplit("\n", 1)[-1]
    return f"{text.count(chr(10)) + 1}:{len(last) + 1}"


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
        option = CONFIG_OPTIONS.get(norm)
        if option is None:
            raise ConfigError(f"{_where(path, key)}: unknown setting {key!r} (known: {', '.join(sorted(KEYS))})")
        value, problem = check_config_value(option, value)
        if problem is not None:
            raise ConfigError(f"{_where(path, key)}: {key} {problem}")
        if option.relative_path:
            value = str((path.parent / value).resolve())
        out[norm] = value
    return out


def _where(path: Path, key: str) -> str:
    """``path:line:col`` of the line that sets ``key`` in the settings
    (``key = ...`` in ``[tool.msb-refactor]`` or at the top of
    ``.msb-refactor.toml``; quoted, or dotted as ``tool.msb-refactor.key``),
    or ``path`` when no such line is found."""
    assignment = re.compile(rf"""^(\s*([\w"'.\s-]*?\.\s*)?)["']?{re.escape(key)}["']?\s*=""")
    header = re.compile(r"^\s*\[\s*([^\]]*?)\s*\]")
    pyproject = path.name == "pyproject.toml"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return str(path)
    table = ""
    for number, line in enumerate(lines, 1):
        h = header.match(line)
        if h:
            table = h.group(1).replace('"', "").replace("'", "").replace(" ", "")
            continue
        m = assignment.match(line)
        if not m:
            continue
        prefix = table + "." + (m.group(2) or "").replace('"', "").replace("'", "").replace(" ", "")
        ours = "msb-refactor." in prefix if pyproject else not table
        if ours:
            return f"{path}:{number}:{len(m.group(1)) + 1}"
    return str(path)
