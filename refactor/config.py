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


def read_config_text(path: Path) -> str:
    """The text of a configuration file: a regular file of at most
    SMALL_FILE_LIMIT bytes (a FIFO or a link to a device is refused, never
    waited on); ConfigError naming the file otherwise."""
    from .files import SMALL_FILE_LIMIT, NotReadable, read_limited

    try:
        data = read_limited(path, SMALL_FILE_LIMIT)
    except NotReadable as e:
        raise ConfigError(f"{path}: {e}") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte 0x{data[e.start]:02x} cannot be decoded)") from None


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    text = read_config_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # tomllib puts the position in the message: make it path:line:col.
        message = str(e)
        m = _TOML_AT.search(message)
        if m:
            where = f"{path}:{m.group(1)}:{m.group(2)}"
        elif message.endswith("(at end of document)"):
            where = f"{path}:{_end_of(text)}"
        else:
            where = str(path)
        message = _TOML_AT.sub("", message).removesuffix(" (at end of document)")
        raise ConfigError(f"{where}: invalid TOML: {message}") from None


def _end_of(text: str) -> str:
    """``line:col`` just after the last character of a text."""
    last = text.rsplit("\n", 1)[-1]
    return f"{text.count(chr(10)) + 1}:{len(last) + 1}"


def _present(path: Path) -> bool:
    """Something is there to read (a FIFO or a device too: it is then
    refused by name, not passed over in silence); not a directory."""
    try:
        return path.exists() and not path.is_dir()
    except OSError:  # a symlink loop, a name too long
        return False


def _start_directory(start: str | os.PathLike[str]) -> Path:
    """Where the search starts: ``start`` resolved, or its directory. A
    path that cannot be resolved (a symlink loop) starts at the directory
    that holds it."""
    try:
        here = Path(start).resolve()
        if here.is_dir():
            return here
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop on Python < 3.13
        here = Path(os.path.abspath(start))
    parent = here.parent
    try:
        return parent.resolve()
    except (OSError, RuntimeError):
        return parent


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The nearest configuration file at or above ``start``."""
    here = _start_directory(start)
    for directory in (here, *here.parents):
        own = directory / ".msb-refactor.toml"
        if _present(own):
            return own
        pyproject = directory / "pyproject.toml"
        if _present(pyproject):
            from .files import SMALL_FILE_LIMIT, NotReadable, read_limited

            try:
                text = read_limited(pyproject, SMALL_FILE_LIMIT).decode("utf-8", "replace")
            except NotReadable as e:  # a FIFO, a device, too large: said, not waited on
                raise ConfigError(f"{pyproject}: {e}") from None
            except OSError:
                continue  # no permission: passed over, like a pyproject.toml without the table
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
        if norm == "runtimes":  # the runtime catalog's table: checked by the catalog, named by its file
            from .catalog import CatalogError, load_catalog

            try:
                load_catalog(value, source=str(path))
            except CatalogError as e:
                raise ConfigError(str(e)) from None
            out["runtimes"] = (value, str(path))
            continue
        option = CONFIG_OPTIONS.get(norm)
        if option is None:
            raise ConfigError(
                f"{where(path, key)}: unknown setting {key!r} (known: {', '.join(sorted((*KEYS, 'runtimes')))})"
            )
        value, problem = check_config_value(option, value)
        if problem is not None:
            raise ConfigError(f"{where(path, key)}: {key} {problem}")
        if option.relative_path:
            value = str((path.parent / value).resolve())
        out[norm] = value
    return out


def where(path: Path, key: str) -> str:
    """``path:line:col`` of the line that sets ``key`` in the settings
    (``key = ...`` in ``[tool.msb-refactor]`` or at the top of
    ``.msb-refactor.toml``; quoted, or dotted as ``tool.msb-refactor.key``),
    or ``path`` when no such line is found."""
    assignment = re.compile(rf"""^(\s*([\w"'.\s-]*?\.\s*)?)["']?{re.escape(key)}["']?\s*=""")
    header = re.compile(r"^\s*\[\s*([^\]]*?)\s*\]")
    pyproject = path.name == "pyproject.toml"
    try:
        lines = read_config_text(path).splitlines()
    except ConfigError:
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


def repository_root(config_path: Path) -> Path:
    """The repository a configuration file belongs to: the nearest
    directory at or above it holding ``.git``, else its own directory. A
    ``context`` it sets must stay inside: a repository one did not write
    must not send ``/`` or one's home directory to a build (``--verify``)."""
    directory = config_path.resolve().parent
    for candidate in (directory, *directory.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return directory
