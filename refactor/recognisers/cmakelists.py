"""A reader for CMakeLists.txt: the executables a project builds and installs.

Reads ``project()``, ``set()``, ``add_executable()``, ``add_subdirectory()``,
``set_target_properties(... OUTPUT_NAME / RUNTIME_OUTPUT_DIRECTORY)``,
``target_link_libraries()``, ``find_package()`` and ``install(TARGETS |
PROGRAMS | FILES | DIRECTORY)``. Commands inside ``if()`` blocks are marked
conditional; bodies of ``function``/``macro``/``foreach`` are skipped; a
name made of a variable this reader cannot resolve is reported in
``problems`` instead of guessed.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

import attrs

_COMMAND = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_VAR = re.compile(r"\$\{([A-Za-z0-9_.+-]+)\}")
# Where GNUInstallDirs puts things (relative to the prefix).
INSTALL_DIRS = {"CMAKE_INSTALL_BINDIR": "bin", "CMAKE_INSTALL_SBINDIR": "sbin", "CMAKE_INSTALL_LIBDIR": "lib"}
INSTALL_DIRS.update({"CMAKE_INSTALL_DATADIR": "share", "CMAKE_INSTALL_SYSCONFDIR": "etc"})
_SKIPPED_BLOCKS = {"function": "endfunction", "macro": "endmacro", "foreach": "endforeach", "while": "endwhile"}


@attrs.define
class Executable:
    name: str
    subdir: str  # source directory, relative to the top
    conditional: bool
    excluded: bool = False  # EXCLUDE_FROM_ALL
    output_name: str | None = None
    output_dir: str | None = None  # RUNTIME_OUTPUT_DIRECTORY, with ${CMAKE_BINARY_DIR} as "@BUILD@"
    libraries: list[str] = attrs.Factory(list)


@attrs.define
class Install:
    kind: str  # "targets", "programs", "files", "directory"
    items: list[str]
    destination: str | None
    conditional: bool


@attrs.define
class Project:
    executables: dict[str, Executable] = attrs.Factory(dict)
    installs: list[Install] = attrs.Factory(list)
    packages: list[str] = attrs.Factory(list)
    problems: list[str] = attrs.Factory(list)


def read_project(read: Callable[[str], str | None], cache: dict[str, str]) -> Project | None:
    """The project whose top CMakeLists.txt ``read("CMakeLists.txt")`` gives
    (``read`` takes paths relative to the top source directory)."""
    project = Project()
    variables = dict(INSTALL_DIRS)
    variables.update(cache)
    variables.update({"CMAKE_BINARY_DIR": "@BUILD@", "PROJECT_BINARY_DIR": "@BUILD@"})
    if read("CMakeLists.txt") is None:
        return None
    _read_dir(read, "", project, variables, 0)
    return project


def _read_dir(read: Callable[[str], str | None], subdir: str, project: Project, variables: dict, depth: int) -> None:
    text = read(posixpath.join(subdir, "CMakeLists.txt"))
    if text is None:
        project.problems.append(f"{posixpath.join(subdir, 'CMakeLists.txt')} is not in the build context")
        return
    variables = dict(variables)
    variables["CMAKE_CURRENT_BINARY_DIR"] = posixpath.join("@BUILD@", subdir) if subdir else "@BUILD@"
    conditional = 0
    skipping: list[str] = []
    for name, args in _commands(text):
        name = name.lower()
        if skipping:
            if name == skipping[-1]:
                skipping.pop()
            elif name in _SKIPPED_BLOCKS:
                skipping.append(_SKIPPED_BLOCKS[name])
            continue
        if name in _SKIPPED_BLOCKS:
            skipping.append(_SKIPPED_BLOCKS[name])
            continue
        if name == "if":
            conditional += 1
            continue
        if name == "endif":
            conditional = max(0, conditional - 1)
            continue
        words = [_expand(a, variables) for a in args]
        cond = conditional > 0
        if name == "project" and words and words[0]:
            variables["PROJECT_NAME"] = words[0]
            variables.setdefault("CMAKE_PROJECT_NAME", words[0])
        elif name == "set" and words and words[0]:
            values = [w for w in words[1:] if w not in ("CACHE", "PARENT_SCOPE", "FORCE")]
            if cond or None in values:
                variables.pop(words[0], None)
                variables[words[0] + "@unknown"] = "1"
            else:
                variables[words[0]] = ";".join(values[:1] if "CACHE" in words else values)  # type: ignore[arg-type]
        elif name == "add_executable" and words:
            if words[0] is None:
                project.problems.append(f"add_executable({args[0]}) names the program with a variable not known here")
                continue
            if "IMPORTED" in words or "ALIAS" in words:
                continue
            out_dir = variables.get("CMAKE_RUNTIME_OUTPUT_DIRECTORY")
            exe = Executable(words[0], subdir, cond, "EXCLUDE_FROM_ALL" in words, output_dir=out_dir)
            if "CMAKE_RUNTIME_OUTPUT_DIRECTORY@unknown" in variables:
                project.problems.append(f"cannot tell where {words[0]} is written: CMAKE_RUNTIME_OUTPUT_DIRECTORY")
            project.executables[words[0]] = exe
        elif name == "set_target_properties" and words:
            _properties(project, words)
        elif name == "target_link_libraries" and words and words[0] in project.executables:
            libs = project.executables[words[0]].libraries
            for w in words[1:]:
                if w in ("PRIVATE", "PUBLIC", "INTERFACE", "debug", "optimized", "general"):
                    continue
                if w is None:
                    project.problems.append(f"cannot tell which libraries {words[0]} links: a variable not known here")
                    continue
                libs.append(w[2:] if w.startswith("-l") else w)
        elif name == "find_package" and words and words[0]:
            project.packages.append(words[0])
        elif name == "add_subdirectory" and words and words[0] and depth < 10:
            _read_dir(read, posixpath.normpath(posixpath.join(subdir, words[0])), project, variables, depth + 1)
        elif name == "install" and words:
            _install(project, words, cond)


def _properties(project: Project, words: list) -> None:
    try:
        k = words.index("PROPERTIES")
    except ValueError:
        return
    targets = words[:k]
    pairs = words[k + 1 :]
    for target in targets:
        exe = project.executables.get(target or "")
        if exe is None:
            continue
        for key, val in zip(pairs[::2], pairs[1::2], strict=False):
            if key == "OUTPUT_NAME":
                exe.output_name = val
            elif key == "RUNTIME_OUTPUT_DIRECTORY":
                exe.output_dir = val
                if val is None:
                    project.problems.append(f"cannot tell where {target} is written: RUNTIME_OUTPUT_DIRECTORY")


def _install(project: Project, words: list, cond: bool) -> None:
    kind = (words[0] or "").lower()
    if kind not in ("targets", "programs", "files", "directory"):
        return
    keywords = {"DESTINATION", "PERMISSIONS", "COMPONENT", "CONFIGURATIONS", "OPTIONAL", "RENAME", "EXPORT"}
    keywords |= {"RUNTIME", "LIBRARY", "ARCHIVE", "INCLUDES", "BUNDLE", "FRAMEWORK", "PUBLIC_HEADER", "TYPE"}
    keywords |= {"FILES_MATCHING", "PATTERN", "REGEX", "EXCLUDE", "USE_SOURCE_PERMISSIONS", "MESSAGE_NEVER"}
    items = []
    for w in words[1:]:
        if w in keywords:
            break
        items.append(w)
    destination = None
    section = None
    for k, w in enumerate(words):
        if w in ("RUNTIME", "LIBRARY", "ARCHIVE", "PUBLIC_HEADER", "BUNDLE", "FRAMEWORK"):
            section = w
        elif w == "DESTINATION" and k + 1 < len(words) and section in (None, "RUNTIME"):
            destination = words[k + 1]
            if section == "RUNTIME":
                break
    if kind == "targets" and destination is None and "DESTINATION" not in words:
        destination = "bin"  # CMake >= 3.14: executables default to CMAKE_INSTALL_BINDIR
    if None in items or (destination is None and "DESTINATION" in words and section in (None, "RUNTIME")):
        project.problems.append(f"install({words[0]} ...) names files or a destination with a variable not known here")
        return
    project.installs.append(Install(kind, items, destination, cond))


def _expand(arg: str, variables: dict[str, str]) -> str | None:
    unknown = False

    def sub(m: re.Match) -> str:
        nonlocal unknown
        name = m.group(1)
        if name not in variables or name + "@unknown" in variables:
            unknown = True
            return ""
        return variables[name]

    out = arg
    for _ in range(5):
        new = _VAR.sub(sub, out)
        if new == out:
            break
        out = new
    return None if unknown or "$" in out else out


def _commands(text: str) -> list[tuple[str, list[str]]]:
    """``name(args)`` in order, arguments unquoted (bracket arguments kept whole)."""
    text = re.sub(r"#\[(=*)\[.*?\]\1\]", " ", text, flags=re.S)  # bracket comments
    out = []
    pos = 0
    while True:
        m = _COMMAND.search(text, pos)
        if m is None:
            return out
        line_start = text.rfind("\n", 0, m.start()) + 1
        if "#" in text[line_start : m.start()]:
            pos = text.find("\n", m.start()) + 1 or len(text)
            if pos == 0:
                return out
            continue
        args, pos = _arguments(text, m.end())
        out.append((m.group(1), args))


def _arguments(text: str, i: int) -> tuple[list[str], int]:
    args: list[str] = []
    depth = 1
    current: list[str] = []
    n = len(text)

    def flush() -> None:
        if current:
            args.append("".join(current))
            current.clear()

    while i < n:
        ch = text[i]
        if ch == '"':
            end = i + 1
            buf = []
            while end < n and text[end] != '"':
                if text[end] == "\\" and end + 1 < n:
                    end += 1
                buf.append(text[end])
                end += 1
            current.append("".join(buf))  # an empty "" is still an argument
            i = end + 1
        elif ch == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif ch == "(":
            depth += 1
            current.append(ch)
            i += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                flush()
                return args, i + 1
            current.append(ch)
            i += 1
        elif ch.isspace():
            flush()
            i += 1
        else:
            current.append(ch)
            i += 1
    flush()
    return args, n
