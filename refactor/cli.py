"""The ``msb-refactor`` command: reading the command line, and dispatch.

    msb-refactor [OPTIONS] PATH...     dry run: a diff per file that would change
    msb-refactor rules                 list the passes
    msb-refactor explain CODE          one pass's documentation
    msb-refactor parse FILE... --json  instructions as BuildKit reads them

Exit codes: 0 success (a dry run that shows diffs included), 1 ``--check``
found files that would change, 2 usage error, 123 some file failed.

The options are declared once, in ``refactor.options.OPTIONS``; both readers
of the main command's line are built from that table: ``fast_args`` (no
typer: a plain run starts quickly) and the typer command (help, version,
usage errors). The work itself is ``refactor.app.execute``.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, List, Optional

from .app import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from .options import OPTIONS, PATHS_HELP, SETTINGS, Option, unset_settings

SUBCOMMANDS = ("rules", "explain", "parse")


def main(argv: Optional[List[str]] = None) -> None:
    """Console entry point (``refactor.cli:main``).

    A plain run (the main command with well-formed options) is read by
    ``fast_args`` without importing typer, which costs more than the rest
    of a single-file run. Anything else (help, version, subcommands, a
    usage error) goes through the typer app, which owns the messages.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        _dispatch(args)
    except KeyboardInterrupt:
        sys.stderr.write("msb-refactor: interrupted; files not yet written are untouched\n")
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`msb-refactor . | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)


def _dispatch(args: List[str]) -> None:
    settings = fast_args(args)
    if settings is not None:
        sys.exit(run_settings(settings))
    app = _sub_app() if args and args[0] in SUBCOMMANDS else _main_app()
    try:
        app(args=args, prog_name="msb-refactor", standalone_mode=True)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_USAGE)
        sys.exit(code)


def run_settings(settings: dict) -> int:
    """Run the main command; a usage error is printed and gives exit 2."""
    from .app import UsageError, execute

    try:
        return execute(settings)
    except UsageError as e:
        sys.stderr.write(f"msb-refactor: error: {e}\n")
        return EXIT_USAGE


# -- the fast reader -------------------------------------------------------------

def _fast_table() -> dict:
    """flag -> (dest, action): True / False (a flag or switch), "count", or
    the kind of value it takes; "typer" for what only typer does."""
    table: dict = {}
    for o in OPTIONS:
        action = {"flag": True, "switch": True, "count": "count", "version": "typer"}.get(o.kind, o.kind)
        for flag in o.flags:
            table[flag] = (o.dest, action)
        for flag in o.off_flags:
            table[flag] = (o.dest, False)
    return table


FAST_OPTIONS = _fast_table()
_CHOICES = {o.dest: o.choices for o in OPTIONS if o.choices}


def fast_args(args: List[str]) -> Optional[dict]:
    """Settings for a plain run, or None when typer should read ``args``
    (help, version, a subcommand, or anything it would refuse).

    It reads a command line as click does: options anywhere among the
    paths, ``--`` ends them, ``--opt=value`` or ``--opt value``, short
    options clustered (``-vq``, ``-wj2``) with a value option taking the
    rest of the cluster or the next argument, values never checked for a
    leading ``-``, and only the last value of an option given twice
    checked. tests/test_cli_args.py holds the two readers to the same
    reading of every command line.
    """
    if args and args[0] in SUBCOMMANDS:
        return None
    s = unset_settings()
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
            spec = FAST_OPTIONS.get(name)
            if spec is None:
                return None
            given = value if eq else None
            if spec[1] in ("value", "int", "multi") and given is None:
                if i >= n:
                    return None
                given, i = args[i], i + 1
            if not _apply(s, spec, given):
                return None
            continue
        # A cluster of short options: each letter an option; one that takes
        # a value takes the rest of the cluster, or else the next argument.
        k = 1
        while k < len(a):
            spec = FAST_OPTIONS.get("-" + a[k])
            if spec is None:
                return None
            k += 1
            given = None
            if spec[1] in ("value", "int", "multi"):
                if k < len(a):
                    given, k = a[k:], len(a)
                elif i < n:
                    given, i = args[i], i + 1
                else:
                    return None
            if not _apply(s, spec, given):
                return None
    # Values are checked once all are read: `--color bad --color auto` is good.
    for dest, choices in _CHOICES.items():
        if s[dest] is not None and s[dest] not in choices:
            return None
    for dest in _INTS:
        if s[dest] is not None:
            # Plain digits only: typer also takes "+3", " 4" or "2.0", and
            # reads them itself (its coercion rules are its own).
            if not (s[dest].isascii() and s[dest].isdigit()) or int(s[dest]) < 1:
                return None
            s[dest] = int(s[dest])
    return s


_INTS = tuple(o.dest for o in OPTIONS if o.kind == "int")


def _apply(s: dict, spec: tuple, value: Optional[str]) -> bool:
    """Set one option (values as given); False when typer would refuse it."""
    dest, action = spec
    if action == "typer":
        return False
    if action in (True, False, "count"):
        if value is not None:  # --write=x: a flag takes no value
            return False
        s[dest] = s[dest] + 1 if action == "count" else action
    elif action == "multi":
        s[dest] = (s[dest] or []) + [value]
    else:
        s[dest] = value
    return True


# -- the typer command -------------------------------------------------------------

EPILOG = ("Other commands: `msb-refactor rules`, `msb-refactor explain CODE`, "
          "`msb-refactor parse FILE... --json`. Exit codes: 0 ok (a dry run showing diffs too), "
          "1 --check found changes, 2 usage error, 123 a file failed.")


def _main_app(run: Optional[Callable[[dict], int]] = None):
    """The main command as a typer app, its parameters made from OPTIONS.
    ``run`` gets the settings (default: ``run_settings``)."""
    import inspect

    import typer

    parameters = [inspect.Parameter(
        "paths", inspect.Parameter.KEYWORD_ONLY, annotation=Optional[List[str]],
        default=typer.Argument(None, metavar="PATH", show_default=False, help=PATHS_HELP))]
    for option in OPTIONS:
        annotation, default = _typer_parameter(option, typer)
        parameters.append(inspect.Parameter(option.dest, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                                            default=default))

    def command(**given):
        settings = unset_settings()
        settings["paths"] = list(given["paths"] or [])
        for option in SETTINGS:
            value = given[option.dest]
            if option.kind == "multi":
                value = list(value) if value else None
            elif option.choices and value is not None:
                value = value.value  # the Enum typer made of the choices
            settings[option.dest] = value
        raise typer.Exit((run or run_settings)(settings))

    command.__signature__ = inspect.Signature(parameters)
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__doc__ = "Rewrite Dockerfiles: a dry-run diff by default, --write to apply, --check for CI."
    app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
                      context_settings={"help_option_names": ["-h", "--help"]})
    app.command(epilog=EPILOG)(command)
    return app


def _typer_parameter(option: Option, typer):
    """(annotation, typer.Option) for one row of the table."""
    flags, kind, text = option.flags, option.kind, option.help
    if kind == "flag":
        return bool, typer.Option(False, *flags, help=text)
    if kind == "switch":
        return Optional[bool], typer.Option(None, f"{flags[0]}/{option.off_flags[0]}", help=text,
                                            show_default=False)
    if kind == "count":
        return int, typer.Option(0, *flags, count=True, show_default=False, help=text)
    if kind == "int":
        return Optional[int], typer.Option(None, *flags, min=1, metavar=option.metavar, help=text)
    if kind == "multi":
        return Optional[List[str]], typer.Option(None, *flags, metavar=option.metavar, help=text)
    if kind == "value" and option.choices:
        import enum

        choice = enum.Enum(option.dest.title(), {c: c for c in option.choices}, type=str)
        return Optional[choice], typer.Option(None, *flags, help=text)
    if kind == "value":
        return Optional[str], typer.Option(None, *flags, metavar=option.metavar, help=text)
    if kind == "version":
        return bool, typer.Option(False, *flags, callback=_print_version, is_eager=True, help=text)
    raise AssertionError(f"{option.dest}: unknown kind {kind!r}")


def _print_version(value: bool) -> None:
    if value:
        import typer

        from . import __version__

        typer.echo(f"msb-refactor {__version__}")
        raise typer.Exit(0)


# -- subcommands -----------------------------------------------------------------


def _sub_app():
    import typer

    app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
                      context_settings={"help_option_names": ["-h", "--help"]})

    @app.command("rules")
    def rules(as_json: bool = typer.Option(False, "--json", help="Print the list as JSON.")):
        """List every pass: code, name and what it does."""
        import json

        from .passes import all_passes

        passes = all_passes()
        if as_json:
            typer.echo(json.dumps([{"code": c.code, "name": c.name, "summary": c.summary()} for c in passes],
                                  indent=2))
            return
        width = max(len(c.name) for c in passes) if passes else 4
        for c in passes:
            typer.echo(f"{c.code}  {c.name:<{width}}  {c.summary()}")

    @app.command("explain")
    def explain(code: str = typer.Argument(..., help="A pass code (MSB001) or name.")):
        """Print one pass's documentation."""
        from .passes import by_code
        from .report import pass_page

        cls = by_code(code)
        if cls is None:
            sys.stderr.write(f"msb-refactor: error: unknown pass {code!r} (see `msb-refactor rules`)\n")
            raise typer.Exit(EXIT_USAGE)
        typer.echo(pass_page(cls), nl=False)

    @app.command("parse")
    def parse_cmd(
        files: List[str] = typer.Argument(..., metavar="FILE...", help="Dockerfiles to read; `-` for stdin."),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON list, one entry per file."),
    ):
        """Print each file's instructions as BuildKit's parser reports them.

        A file that does not parse gets an error entry (JSON) or
        `path:line:col: message` and a caret on stderr; the exit code is then 123.
        """
        raise typer.Exit(parse_files(files, as_json))

    return app


def parse_files(files: List[str], as_json: bool) -> int:
    import json

    from .files import NotText, decode
    from .syntax.commands import buildkit_commands
    from .syntax.errors import DockerfileSyntaxError
    from .syntax.parser import parse

    out = []
    failed = False
    for path in files:
        try:
            data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
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
            msg = e.strerror or str(e)
            sys.stderr.write(f"{path}: cannot read: {msg}\n")
            out.append({"path": path, "error": {"line": 0, "column": 0, "message": f"cannot read: {msg}"}})
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
                sys.stdout.write(f"  {c['start_line']}-{c['end_line']} {c['cmd'].upper()}"
                                 f"{' ' + c['sub_cmd'].upper() if c['sub_cmd'] else ''} ({form})"
                                 f"{' ' + flags if flags else ''} {json.dumps(c['value'])}\n")
    return EXIT_FAILED if failed else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    main()
