"""The ``msb-refactor`` command: reading the command line, and dispatch.

    msb-refactor [OPTIONS] PATH...     dry run: a diff per file that would change
    msb-refactor rules                 list the passes
    msb-refactor explain CODE          one pass's documentation
    msb-refactor parse FILE... --json  instructions as BuildKit reads them

Exit codes: 0 success (a dry run that shows diffs included), 1 ``--check``
found files that would change, 2 usage error, 123 some file failed, 130
interrupted.

The options are declared once, in ``refactor.options.OPTIONS``; the reader
(``read_args``) and the ``--help`` text (``main_help``) are made from that
table. The reader reads a line as click would (tests/test_cli_args.py holds
it to click's reading), but every message is the command's own, in one
style: ``msb-refactor: error: ...``, one line, exit 2. The work itself is
``refactor.app.execute``.
"""

from __future__ import annotations

import os
import sys

from .app import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError
from .options import OPTIONS, PATHS_HELP, Option, read_command_line_value, unset_settings

SUBCOMMANDS = ("rules", "explain", "parse")
EXIT_INTERRUPTED = 130
PROG = "msb-refactor"


def main(argv: list[str] | None = None) -> None:
    """Console entry point (``refactor.cli:main``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    _open_closed_outputs()
    try:
        code = _dispatch(args)
    except KeyboardInterrupt:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break the exit into a traceback
        if sys.stderr.isatty():
            sys.stderr.write("\r\033[K")  # the progress line
        error_line("interrupted; every file is either as it was or fully written", prefix=f"{PROG}: ")
        code = EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`msb-refactor . | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)


def _open_closed_outputs() -> None:
    """Started with standard output or error closed (`1>&-`, `2>&-`),
    Python has no stream for it: what would go there goes to /dev/null, as
    with `> /dev/null`, and no later file takes that descriptor."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is None:
            null = os.open(os.devnull, os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, "w", encoding="utf-8", errors="backslashreplace", closefd=False))


def error_line(text: str, prefix: str = f"{PROG}: error: ") -> None:
    """One line on standard error."""
    sys.stderr.write(f"{prefix}{text}\n")
    sys.stderr.flush()


def _dispatch(args: list[str]) -> int:
    try:
        if args and args[0] in SUBCOMMANDS:
            return run_subcommand(args[0], args[1:])
        read = read_args(args)
        if read == "help":
            _print(main_help())
            return EXIT_OK
        if read == "version":
            from . import __version__

            _print(f"{PROG} {__version__}\n")
            return EXIT_OK
        return run_settings(read)
    except UsageError as e:
        error_line(str(e))
        return EXIT_USAGE


def _print(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def run_settings(settings: dict) -> int:
    """Run the main command; a usage error is printed and gives exit 2."""
    from .app import execute

    try:
        return execute(settings)
    except UsageError as e:
        error_line(str(e))
        return EXIT_USAGE


# -- the reader -------------------------------------------------------------------

HELP_FLAGS = ("-h", "--help")


def _table() -> dict:
    """flag -> (option, action): True / False (a flag or switch), "count",
    the kind of value it takes, "version" or "help"."""
    table: dict = {flag: (None, "help") for flag in HELP_FLAGS}
    for o in OPTIONS:
        action = {"flag": True, "switch": True, "count": "count", "version": "version"}.get(o.kind, o.kind)
        for flag in o.flags:
            table[flag] = (o, action)
        for flag in o.off_flags:
            table[flag] = (o, False)
    return table


FLAGS = _table()
_TAKES_VALUE = ("value", "int", "multi")


def read_args(args: list[str]):
    """The settings of a main-command line, ``"help"`` or ``"version"``;
    UsageError for a line the command cannot run with.

    A line is read as click reads it: options anywhere among the paths,
    ``--`` ends them, ``--opt=value`` or ``--opt value``, short options
    clustered (``-vq``, ``-wj2``) with a value option taking the rest of the
    cluster or the next argument, values never checked for a leading ``-``.
    When an option is given twice, the last value counts, and only it is
    checked. Help and version win over everything but a line that cannot
    be read.
    """
    s = unset_settings()
    raw: dict[str, str] = {}  # dest -> the text of a value still to check
    wants: list[str] = []  # "help", "version"
    i, n = 0, len(args)
    only_paths = False
    while i < n:
        a = args[i]
        i += 1
        if only_paths or a == "-" or not a.startswith("-"):
            s["paths"].append(a)
            continue
        if a == "--":
            only_paths = True
            continue
        if a.startswith("--"):
            name, eq, value = a.partition("=")
            option, action = _lookup(name)
            given = value if eq else None
            if action in _TAKES_VALUE and given is None:
                if i >= n:
                    raise UsageError(f"{name} needs a value{_HINT}")
                given, i = args[i], i + 1
            _apply(s, raw, wants, name, option, action, given)
            continue
        # A cluster of short options: each letter an option; one that takes
        # a value takes the rest of the cluster, or else the next argument.
        k = 1
        while k < len(a):
            name = "-" + a[k]
            option, action = _lookup(name)
            k += 1
            given = None
            if action in _TAKES_VALUE:
                if k < len(a):
                    given, k = a[k:], len(a)
                elif i < n:
                    given, i = args[i], i + 1
                else:
                    raise UsageError(f"{name} needs a value{_HINT}")
            _apply(s, raw, wants, name, option, action, given)
    if "help" in wants:
        return "help"
    if "version" in wants:
        return "version"
    # Values are checked once all are read: `--color bad --color auto` is good.
    for o in OPTIONS:
        if o.dest in raw:
            value, problem = read_command_line_value(o, raw[o.dest])
            if problem is not None:
                raise UsageError(f"{o.display} {problem}")
            s[o.dest] = value
    return s


_HINT = " (see `msb-refactor --help`)"


def _lookup(name: str) -> tuple:
    found = FLAGS.get(name)
    if found is not None:
        return found
    import difflib

    longs = [f for f in FLAGS if f.startswith("--")]
    close = difflib.get_close_matches(name, longs, n=1, cutoff=0.75) if len(name) > 2 else []
    guess = f"; did you mean {close[0]}?" if close else ""
    raise UsageError(f"no such option: {name}{guess}{_HINT}")


def _apply(s: dict, raw: dict, wants: list, name: str, option: Option | None, action, value: str | None) -> None:
    """Record one option as given (values are checked later)."""
    if action in ("help", "version", True, False, "count"):
        if value is not None:  # --write=x
            raise UsageError(f"{name} takes no value (given {value!r}){_HINT}")
        if action in ("help", "version"):
            wants.append(action)
        elif action == "count":
            s[option.dest] += 1
        else:
            s[option.dest] = action
    elif action == "multi":
        s[option.dest] = (s[option.dest] or []) + [value]
    else:
        raw[option.dest] = value


# -- help ----------------------------------------------------------------------------

SUMMARY = "Rewrite Dockerfiles: a dry-run diff by default, --write to apply, --check for CI."
EPILOG = (
    "Other commands: `msb-refactor rules`, `msb-refactor explain CODE`, "
    "`msb-refactor parse FILE... --json`. Exit codes: 0 ok (a dry run showing diffs too), "
    "1 --check found changes, 2 usage error, 123 a file failed, 130 interrupted."
)


def main_help() -> str:
    """``msb-refactor --help``, from the option table."""
    rows = [("PATH...", PATHS_HELP)]
    options = []
    for o in OPTIONS:
        flags = sorted(o.flags, key=len)  # -j, --jobs
        names = ", ".join(flags) if o.kind != "switch" else f"{o.flags[0]} / {o.off_flags[0]}"
        if o.value_name:
            names += f" {o.value_name}"
        options.append((names, o.help))
    options.append((", ".join(HELP_FLAGS), "Show this message and exit."))
    return _help_page(f"{PROG} [OPTIONS] PATH...", SUMMARY, [("Arguments", rows), ("Options", options)], EPILOG)


def _help_page(usage: str, summary: str, sections, epilog: str = "") -> str:
    import shutil
    import textwrap

    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100)) - 2

    def fill(text: str) -> str:
        return textwrap.fill(text, width, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)

    out = [f"Usage: {usage}", "", fill(summary), ""]
    for title, rows in sections:
        out.append(f"{title}:")
        column = min(max(len(name) for name, _ in rows) + 4, 32)
        for name, text in rows:
            wrapped = textwrap.wrap(text, max(20, width - column), break_on_hyphens=False)
            if len(name) + 4 > column:  # too long: the text goes below
                out.append(f"  {name}")
                out.extend(" " * column + line for line in wrapped)
            else:
                out.append(f"  {name:<{column - 2}}{wrapped[0]}")
                out.extend(" " * column + line for line in wrapped[1:])
        out.append("")
    if epilog:
        out += [fill(epilog), ""]
    return "\n".join(out)


# -- subcommands -----------------------------------------------------------------

#: name -> (usage, summary, arguments (name, help, how many: "1" or "+"), takes --json)
SUBCOMMAND_SPECS = {
    "rules": ("rules [--json]", "List every pass: code, name and what it does.", None, True),
    "explain": (
        "explain CODE",
        "Print one pass's documentation.",
        ("CODE", "A pass code (MSB001) or name.", "1"),
        False,
    ),
    "parse": (
        "parse FILE... [--json]",
        "Print each file's instructions as BuildKit's parser reports them. A file that does not parse gets "
        "an error entry (JSON) or `path:line:col: message` and a caret on stderr; the exit code is then 123.",
        ("FILE...", "Dockerfiles to read; `-` for standard input.", "+"),
        True,
    ),
}


def run_subcommand(name: str, args: list[str]) -> int:
    usage, summary, argument, takes_json = SUBCOMMAND_SPECS[name]
    positional: list[str] = []
    as_json = False
    only_paths = False
    for a in args:
        if only_paths or a == "-" or not a.startswith("-"):
            positional.append(a)
        elif a == "--":
            only_paths = True
        elif a in HELP_FLAGS:
            rows = [(argument[0], argument[1])] if argument else []
            options = ([("--json", "Print JSON.")] if takes_json else []) + [
                (", ".join(HELP_FLAGS), "Show this message and exit.")
            ]
            sections = ([("Arguments", rows)] if rows else []) + [("Options", options)]
            _print(_help_page(f"{PROG} {usage}", summary, sections))
            return EXIT_OK
        elif a == "--json" and takes_json:
            as_json = True
        else:
            raise UsageError(f"{name}: no such option: {a} (see `msb-refactor {name} --help`)")
    if argument is None and positional:
        raise UsageError(f"{name} takes no arguments, not {positional[0]!r}")
    if argument is not None and not positional:
        raise UsageError(f"{name} needs {argument[0]} (see `msb-refactor {name} --help`)")
    if argument is not None and argument[2] == "1" and len(positional) > 1:
        raise UsageError(f"{name} takes one {argument[0]}, not {len(positional)}")
    if name == "rules":
        return list_rules(as_json)
    if name == "explain":
        return explain(positional[0])
    return parse_files(positional, as_json)


def list_rules(as_json: bool) -> int:
    import json

    from .passes import all_passes

    passes = all_passes()
    if as_json:
        _print(json.dumps([{"code": c.code, "name": c.name, "summary": c.summary()} for c in passes], indent=2) + "\n")
        return EXIT_OK
    width = max(len(c.name) for c in passes) if passes else 4
    _print("".join(f"{c.code}  {c.name:<{width}}  {c.summary()}\n" for c in passes))
    return EXIT_OK


def explain(code: str) -> int:
    from .passes import by_code
    from .report import pass_page

    cls = by_code(code)
    if cls is None:
        raise UsageError(f"unknown pass {code!r} (see `msb-refactor rules`)")
    _print(pass_page(cls))
    return EXIT_OK


def parse_files(files: list[str], as_json: bool) -> int:
    import json

    from .files import DOCKERFILE_LIMIT, NotReadable, NotText, decode, read_limited, read_stream_limited
    from .syntax.commands import buildkit_commands
    from .syntax.errors import DockerfileSyntaxError
    from .syntax.parser import parse

    out = []
    failed = False
    for path in files:
        try:
            if path != "-":
                data = read_limited(path, DOCKERFILE_LIMIT)
            elif sys.stdin is None:
                raise NotReadable("standard input is closed")
            else:
                data = read_stream_limited(sys.stdin.buffer, DOCKERFILE_LIMIT)
            text = decode(data)
            tree = parse(text, path="<stdin>" if path == "-" else path)
        except DockerfileSyntaxError as e:
            failed = True
            sys.stderr.write(str(e) + "\n")
            out.append({"path": path, "error": {"line": e.line, "column": e.column, "message": e.message}})
            continue
        except NotText as e:
            failed = True
            sys.stderr.write(e.located(path) + "\n")
            out.append({"path": path, "error": {"line": e.line, "column": e.column, "message": e.message}})
            continue
        except OSError as e:
            failed = True
            msg = str(e) if isinstance(e, NotReadable) else f"cannot read: {e.strerror or e}"
            sys.stderr.write(f"{path}: {msg}\n")
            out.append({"path": path, "error": {"line": 0, "column": 0, "message": msg}})
            continue
        out.append({"path": path, "commands": buildkit_commands(tree)})
    if as_json:
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        for entry in out:
            if "commands" not in entry:
                continue
            sys.stdout.write(f"{entry['path']}:\n")
            for c in entry["commands"]:
                form = "json" if c["json"] else "shell"
                flags = " ".join(c["flags"])
                sys.stdout.write(
                    f"  {c['start_line']}-{c['end_line']} {c['cmd'].upper()}"
                    f"{' ' + c['sub_cmd'].upper() if c['sub_cmd'] else ''} ({form})"
                    f"{' ' + flags if flags else ''} {json.dumps(c['value'])}\n"
                )
    return EXIT_FAILED if failed else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    main()
