"""The ``msb-refactor`` command.

    msb-refactor [OPTIONS] PATH...     dry run: a diff per file that would change
    msb-refactor rules                 list the passes
    msb-refactor explain CODE          one pass's documentation
    msb-refactor parse FILE... --json  instructions as BuildKit reads them

Exit codes: 0 success (a dry run that shows diffs included), 1 ``--check``
found files that would change, 2 usage error, 123 some file failed.

Heavy modules (typer, the parser, multiprocessing) are imported only when
needed, so a single-file run starts quickly.
"""



import os
import sys
import time
from typing import List, Optional

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 123
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
        try:
            code = execute(settings)
        except UsageError as e:
            raise _usage(str(e)) from None
        sys.exit(code)
    if args and args[0] in SUBCOMMANDS:
        app = _sub_app()
        args_for = args
    else:
        app = _main_app()
        args_for = args
    try:
        app(args=args_for, prog_name="msb-refactor", standalone_mode=True)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_USAGE)
        sys.exit(code)


# -- the main command -----------------------------------------------------------

# The main command's options for the fast path: flag -> (setting, kind).
# kinds: bool (sets True), neg (sets False), value, multi (repeatable),
# int, count. tests/test_cli_args.py checks this table against the typer
# app, so both read every command line the same way.
FAST_OPTIONS = {
    "--write": ("write", "bool"), "-w": ("write", "bool"),
    "--check": ("check", "bool"),
    "--format": ("fmt", "value"),
    "--select": ("select", "multi"),
    "--ignore": ("ignore", "multi"),
    "--unsafe-fixes": ("unsafe_fixes", "bool"), "--no-unsafe-fixes": ("unsafe_fixes", "neg"),
    "--context": ("context", "value"),
    "--exclude": ("exclude", "multi"),
    "--stdin-filename": ("stdin_filename", "value"),
    "-j": ("jobs", "int"), "--jobs": ("jobs", "int"),
    "-q": ("quiet", "bool"), "--quiet": ("quiet", "bool"),
    "-v": ("verbose", "count"), "--verbose": ("verbose", "count"),
    "--config": ("config", "value"),
    "--no-config": ("no_config", "bool"),
    "--buildkit-syntax": ("buildkit_syntax", "bool"), "--no-buildkit-syntax": ("buildkit_syntax", "neg"),
    "--color": ("color", "value"),
    "--verify": ("verify", "bool"),
    "--verify-cmd": ("verify_cmd", "value"),
    "--verify-env": ("verify_env", "multi"),
}
_CHOICES = {"fmt": ("text", "json", "sarif"), "color": ("auto", "always", "never")}


def default_settings() -> dict:
    return dict(paths=[], write=False, check=False, fmt=None, select=None, ignore=None, unsafe_fixes=None,
                context=None, exclude=None, stdin_filename=None, jobs=None, quiet=False, verbose=0, config=None,
                no_config=False, buildkit_syntax=None, color=None, verify=False, verify_cmd=None,
                verify_env=None)


def fast_args(args: List[str]) -> Optional[dict]:
    """Settings for a plain run, or None when typer should read ``args``."""
    s = default_settings()
    i, n = 0, len(args)
    only_paths = False
    while i < n:
        a = args[i]
        i += 1
        if only_paths or a == "-" or not a.startswith("-"):
            if not s["paths"] and not only_paths and a in SUBCOMMANDS:
                return None
            s["paths"].append(a)
            continue
        if a == "--":
            only_paths = True
            continue
        value = None
        if a.startswith("--") and "=" in a:
            a, value = a.split("=", 1)
        elif not a.startswith("--") and len(a) > 2:
            if a[:2] == "-j":
                a, value = "-j", a[2:]
            elif set(a[1:]) <= {"v", "q", "w"}:  # bundled short flags: -vv, -qw
                args = args[:i] + [f"-{c}" for c in a[1:]] + args[i:]
                n = len(args)
                continue
            else:
                return None
        spec = FAST_OPTIONS.get(a)
        if spec is None:
            return None
        dest, kind = spec
        if kind in ("bool", "neg", "count"):
            if value is not None:
                return None
            s[dest] = (s[dest] + 1) if kind == "count" else (kind == "bool")
            continue
        if value is None:
            if i >= n:
                return None
            value = args[i]
            i += 1
        if kind == "int":
            if not value.isdigit() or int(value) < 1:
                return None
            s[dest] = int(value)
        elif kind == "multi":
            s[dest] = (s[dest] or []) + [value]
        else:
            if dest in _CHOICES and value not in _CHOICES[dest]:
                return None
            s[dest] = value
    return s



def _main_app():
    import enum

    import typer

    class Format(str, enum.Enum):
        text = "text"
        json = "json"
        sarif = "sarif"

    class Color(str, enum.Enum):
        auto = "auto"
        always = "always"
        never = "never"

    app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False,
                      context_settings={"help_option_names": ["-h", "--help"]})

    def _version(value: bool):
        if value:
            from . import __version__

            typer.echo(f"msb-refactor {__version__}")
            raise typer.Exit(0)

    @app.command(epilog="Other commands: `msb-refactor rules`, `msb-refactor explain CODE`, "
                        "`msb-refactor parse FILE... --json`. Exit codes: 0 ok (a dry run showing diffs too), "
                        "1 --check found changes, 2 usage error, 123 a file failed.")
    def run(
        paths: List[str] = typer.Argument(None, metavar="PATH", show_default=False,
                                          help="Dockerfiles or directories to search; `-` reads standard input."),
        write: bool = typer.Option(False, "--write", "-w", help="Apply the changes to the files (atomically)."),
        check: bool = typer.Option(False, "--check", help="Show no diff; exit 1 if any file would change."),
        fmt: Optional[Format] = typer.Option(None, "--format", help="Output: text (diffs), json, or sarif."),
        select: Optional[List[str]] = typer.Option(None, "--select", metavar="CODES",
                                                   help="Run only these passes (codes or prefixes, comma-separated)."),
        ignore: Optional[List[str]] = typer.Option(None, "--ignore", metavar="CODES",
                                                   help="Do not run these passes (codes or prefixes)."),
        unsafe_fixes: Optional[bool] = typer.Option(None, "--unsafe-fixes/--no-unsafe-fixes",
                                                    help="Also apply edits marked unsafe.", show_default=False),
        context: Optional[str] = typer.Option(None, "--context", metavar="DIR",
                                              help="Build context directory (default: each Dockerfile's directory)."),
        exclude: Optional[List[str]] = typer.Option(None, "--exclude", metavar="GLOB",
                                                    help="Leave out paths matching this gitignore-style pattern."),
        stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", metavar="PATH",
                                                     help="Name of the file read from `-` (messages, config, context)."),
        jobs: Optional[int] = typer.Option(None, "-j", "--jobs", min=1, help="Parallel processes (default: all cores)."),
        quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only errors (and diffs in a dry run)."),
        verbose: int = typer.Option(0, "-v", "--verbose", count=True, show_default=False,
                                    help="Also print notes, what discovery skipped, and applied changes."),
        config: Optional[str] = typer.Option(None, "--config", metavar="FILE",
                                             help="Read settings from this file instead of searching for one."),
        no_config: bool = typer.Option(False, "--no-config", help="Ignore configuration files."),
        buildkit_syntax: Optional[bool] = typer.Option(
            None, "--buildkit-syntax/--no-buildkit-syntax", show_default=False,
            help="Allow passes to introduce BuildKit-only syntax (heredocs, RUN --mount, COPY --link) in files "
                 "without a `# syntax=` line."),
        color: Optional[Color] = typer.Option(None, "--color", help="Colour diffs: auto (on a terminal), always, never."),
        verify: bool = typer.Option(False, "--verify",
                                    help="Build the original and the rewrite (docker or buildah) and compare them; "
                                         "a rewrite that does not build is not written."),
        verify_cmd: Optional[str] = typer.Option(None, "--verify-cmd", metavar="CMD",
                                                 help="With --verify: run CMD in both images and compare the output."),
        verify_env: Optional[List[str]] = typer.Option(None, "--verify-env", metavar="KEY=VALUE",
                                                       help="With --verify: set this variable for the smoke run "
                                                            "(repeatable); alone, runs the image's own command."),
        version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                     help="Print the version and exit."),
    ):
        """Rewrite Dockerfiles: a dry-run diff by default, --write to apply, --check for CI."""
        settings = dict(paths=list(paths or []), write=write, check=check, fmt=fmt.value if fmt else None,
                        select=select, ignore=ignore, unsafe_fixes=unsafe_fixes, context=context, exclude=exclude,
                        stdin_filename=stdin_filename, jobs=jobs, quiet=quiet, verbose=verbose, config=config,
                        no_config=no_config, buildkit_syntax=buildkit_syntax, color=color.value if color else None,
                        verify=verify, verify_cmd=verify_cmd, verify_env=verify_env)
        try:
            code = execute(settings)
        except UsageError as e:
            raise _usage(str(e)) from None
        raise typer.Exit(code)

    return app


class UsageError(Exception):
    pass


def _usage(message: str):
    sys.stderr.write(f"msb-refactor: error: {message}\n")
    return SystemExit(EXIT_USAGE)


def execute(s: dict) -> int:
    """Run the main command with parsed options; returns the exit code."""
    from .config import ConfigError, find_config, load_config
    from .passes import SelectionError, select, split_codes
    from .runner import Mode, Options, default_jobs

    paths: list[str] = s["paths"]
    if not paths:
        raise UsageError("no PATH given (try `msb-refactor .` or `msb-refactor --help`)")
    if s["write"] and s["check"]:
        raise UsageError("--write and --check cannot be used together")
    if s["stdin_filename"] is not None and "-" not in paths:
        raise UsageError("--stdin-filename needs `-` among the paths")
    if paths.count("-") > 1:
        raise UsageError("`-` (standard input) can be given once")
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise UsageError(f"path does not exist: {p}")

    cfg: dict = {}
    cfg_path = None
    if not s["no_config"]:
        try:
            if s["config"]:
                from pathlib import Path

                cfg_path = Path(s["config"])
                if not cfg_path.is_file():
                    raise UsageError(f"--config: no such file: {s['config']}")
            else:
                first = next((p for p in paths if p != "-"), None)
                start = first if first is not None else (os.path.dirname(s["stdin_filename"] or "") or ".")
                cfg_path = find_config(start)
            if cfg_path is not None:
                cfg = load_config(cfg_path)
        except ConfigError as e:
            raise UsageError(str(e)) from None

    def pick(name: str, key: str, default):
        v = s.get(name)
        if v is None or v == []:
            return cfg.get(key, default)
        return v

    fmt = pick("fmt", "format", "text")
    if fmt not in ("text", "json", "sarif"):
        raise UsageError(f"format must be text, json or sarif, not {fmt!r}")
    color = pick("color", "color", "auto")
    if color not in ("auto", "always", "never"):
        raise UsageError(f"color must be auto, always or never, not {color!r}")
    unsafe_fixes = bool(pick("unsafe_fixes", "unsafe-fixes", False))
    buildkit_syntax = bool(pick("buildkit_syntax", "buildkit-syntax", False))
    context = pick("context", "context", None)
    if context is not None and not os.path.isdir(context):
        raise UsageError(f"--context: not a directory: {context}")
    jobs = pick("jobs", "jobs", None) or default_jobs()
    if jobs < 1:
        raise UsageError("jobs must be at least 1")
    selected = split_codes(s["select"]) or split_codes(cfg.get("select"))
    ignored = split_codes(s["ignore"]) + split_codes(cfg.get("ignore"))
    try:
        passes = select(selected or None, ignored or None)
    except SelectionError as e:
        raise UsageError(str(e)) from None
    exclude = list(cfg.get("exclude", [])) + list(s["exclude"] or [])

    mode = Mode.WRITE if s["write"] else Mode.CHECK if s["check"] else Mode.DIFF
    verify_cmd = None
    if s["verify_cmd"] is not None:
        import shlex

        if not s["verify"]:
            raise UsageError("--verify-cmd needs --verify")
        try:
            verify_cmd = tuple(shlex.split(s["verify_cmd"]))
        except ValueError as e:
            raise UsageError(f"--verify-cmd: {e}") from None
    verify_env = []
    for item in s["verify_env"] or []:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise UsageError(f"--verify-env takes KEY=VALUE, not {item!r}")
        verify_env.append((key, value))
    if verify_env and not s["verify"]:
        raise UsageError("--verify-env needs --verify")
    if s["verify"] and "-" in paths:
        raise UsageError("--verify builds files from a directory; it cannot verify standard input")
    opts = Options(mode=mode, fmt=fmt, unsafe_fixes=unsafe_fixes, context=context, buildkit_syntax=buildkit_syntax,
                   want_diff=(mode is Mode.DIFF or fmt == "json"), stdin_filename=s["stdin_filename"],
                   verify=bool(s["verify"]), verify_cmd=verify_cmd, verify_env=tuple(verify_env))
    out = Output(opts, quiet=s["quiet"], verbose=s["verbose"], color=color)
    if cfg_path is not None and s["verbose"]:
        out.info(f"using settings from {cfg_path}")
    return run_paths(paths, exclude, opts, passes, jobs, out)


def run_paths(paths, exclude, opts, passes, jobs, out) -> int:
    from .discovery import Found, iter_files
    from .engine import FileResult, Status
    from .runner import run_files

    start = time.perf_counter()
    skipped: list = []
    reported = [0]

    def report_skipped():
        for sk in skipped[reported[0]:]:
            if sk.failed:  # unreadable: nothing below it was checked, which the user must know
                record(FileResult(sk.path, Status.FAILED, error=f"{sk.path}: {sk.reason}; nothing in it was checked"))
            else:
                out.verbose(f"{sk.path}: skipped by discovery: {sk.reason}")
        reported[0] = len(skipped)

    results = []
    counts = {s: 0 for s in Status}
    unsafe = [0]
    out.progress_start(start)

    keep = opts.fmt != "text"  # the text report needs only the counts

    def record(r):
        if keep:
            results.append(r)
        counts[r.status] += 1
        unsafe[0] += r.unsafe_available
        out.file_result(r)

    def take(r):
        report_skipped()
        record(r)

    if "-" in paths:
        take(_run_stdin(opts, passes, out))
    # Files are processed as discovery finds them.
    run_files((f for f in iter_files(paths, exclude, skipped) if f != "-"), opts, passes, jobs, take)
    report_skipped()
    found = Found([r.path for r in results], skipped)
    elapsed = time.perf_counter() - start
    out.progress_end()
    summary = {
        "files": sum(counts.values()),
        "changed": counts[Status.CHANGED],
        "unchanged": counts[Status.UNCHANGED],
        "skipped": counts[Status.SKIPPED],
        "failed": counts[Status.FAILED],
        "unsafe_fixes_available": unsafe[0],
        "elapsed_seconds": round(elapsed, 3),
        "mode": opts.mode.value,
    }
    out.finish(results, summary, passes, found)
    if counts[Status.FAILED]:
        return EXIT_FAILED
    if opts.mode.value == "check" and counts[Status.CHANGED]:
        return EXIT_CHANGES
    return EXIT_OK


def _run_stdin(opts, passes, out):
    import attrs

    from .engine import FileResult, Status
    from .files import NotText, decode
    from .runner import process_text

    shown = opts.stdin_filename or "-"
    data = sys.stdin.buffer.read()
    try:
        text = decode(data)
    except NotText as e:
        if opts.mode.value == "write" and opts.fmt == "text":
            out.stdin_text = data  # passed through untouched
        return FileResult(shown, Status.FAILED, error=e.located(shown))
    try:
        r = process_text(text, shown, opts.stdin_filename or os.path.join(os.getcwd(), "Dockerfile"), opts, passes)
    except Exception as e:
        return FileResult(shown, Status.FAILED, error=f"{shown}: internal error: {type(e).__name__}: {e}")
    if opts.mode.value == "write" and opts.fmt == "text":
        out.stdin_text = r.output if r.status is Status.CHANGED else text
    return attrs.evolve(r, source=None, output=None)


class Output:
    """Everything the main command prints: stdout gets diffs (or the JSON /
    SARIF document, or the rewritten stdin), stderr gets messages."""

    def __init__(self, opts, quiet: bool, verbose: int, color: str):
        self.opts = opts
        self.quiet = quiet
        self.level = verbose
        self.stdout = sys.stdout
        self.stderr = sys.stderr
        tty = self.stdout.isatty()
        if color == "always" or (color == "auto" and tty and not os.environ.get("NO_COLOR")):
            self.color = True
        else:
            self.color = bool(color == "auto" and os.environ.get("FORCE_COLOR"))
        self.stdin_text: "str | bytes | None" = None
        self._bar = None

    # progress ------------------------------------------------------------
    def progress_start(self, start: float) -> None:
        if not self.quiet and self.stderr.isatty() and os.environ.get("TERM") != "dumb":
            self._bar = Progress(self.stderr, start)

    def progress_end(self) -> None:
        if self._bar is not None:
            self._bar.clear()
            self._bar = None

    def _say(self, text: str) -> None:
        if self._bar is not None:
            self._bar.clear()
        self.stderr.write(text.rstrip("\n") + "\n")
        self.stderr.flush()

    def info(self, text: str) -> None:
        if not self.quiet:
            self._say(text)

    def verbose(self, text: str) -> None:
        if self.level and not self.quiet:
            self._say(text)

    # one file ---------------------------------------------------------------
    def file_result(self, r) -> None:
        from .engine import Status

        text_mode = self.opts.fmt == "text"
        if r.verification and text_mode:
            self.info("\n".join(f"{r.path}: verify: {ln}" for ln in r.verification.splitlines()))
        if r.status is Status.FAILED:
            if text_mode:
                self._say(r.error)
        elif r.status is Status.SKIPPED:
            if text_mode:
                self.info(f"{r.path}: skipped: {r.reason}")
        elif r.status is Status.CHANGED and text_mode:
            mode = self.opts.mode.value
            if mode == "diff" and r.diff:
                if self._bar is not None:
                    self._bar.clear()
                self._write_diff(r.diff)
            verb = {"diff": "would change", "check": "would change", "write": "wrote"}[mode]
            if r.path == (self.opts.stdin_filename or "-") and mode == "write":
                verb = "changed"
            if mode == "write" or mode == "check" or self.level:
                self.info(f"{verb} {r.path} ({len(r.changes)} change{'s' if len(r.changes) != 1 else ''})")
            if self.level or mode == "check":
                for c in r.changes:
                    extra = f" [unsafe: {c.reason}]" if c.applicability == "unsafe" else ""
                    self.info(f"  {r.path}:{c.line}: {c.code} {c.message}{extra}")
        if text_mode and self.level:
            for n in r.notes:
                self.verbose(f"{r.path}:{n.line}: {n.code} note: {n.message}")
        if self._bar is not None:
            self._bar.advance()

    def _write_diff(self, diff: str) -> None:
        from .files import colour_diff, encode

        text = colour_diff(diff) if self.color else diff
        self.stdout.flush()
        try:
            self.stdout.buffer.write(encode(text))
        except AttributeError:  # a text-only stream (tests)
            self.stdout.write(text)
        self.stdout.flush()

    # the end ------------------------------------------------------------------
    def finish(self, results, summary: dict, passes, found) -> None:
        from .files import encode

        if self.opts.fmt == "json":
            from .report import to_json

            summary = dict(summary, discovery_skipped=[{"path": s.path, "reason": s.reason} for s in found.skipped])
            self.stdout.write(to_json(results, summary))
        elif self.opts.fmt == "sarif":
            from .report import to_sarif

            self.stdout.write(to_sarif(results, passes))
        elif self.stdin_text is not None:
            self.stdout.flush()
            data = self.stdin_text
            self.stdout.buffer.write(data if isinstance(data, bytes) else encode(data))
        self.stdout.flush()
        if self.quiet:
            return
        parts = [f"{summary['changed']} {'would change' if summary['mode'] != 'write' else 'changed'}",
                 f"{summary['unchanged']} unchanged", f"{summary['skipped']} skipped", f"{summary['failed']} failed"]
        files = summary["files"]
        line = f"{files} file{'s' if files != 1 else ''}: {', '.join(parts)} in {summary['elapsed_seconds']:.2f}s"
        if summary["unsafe_fixes_available"] and not self.opts.unsafe_fixes:
            n = summary["unsafe_fixes_available"]
            line += f"; {n} unsafe fix{'es' if n != 1 else ''} available with --unsafe-fixes"
        if files == 0:
            line = "no Dockerfiles found" + (" (run with -v to see what was skipped)" if found.skipped else "")
        if summary["mode"] == "diff" and summary["changed"]:
            line += " (dry run: nothing written; use --write to apply)"
        self._say(line)


class Progress:
    """A one-line progress counter on stderr, shown once a run passes 1
    second. Files are processed while discovery is still finding them, so
    the total is not known in advance: it shows a count, the rate and a
    spinner."""

    SPIN = "|/-\\"

    def __init__(self, stream, start: float):
        self.stream, self.start = stream, start
        self.after = float(os.environ.get("MSB_REFACTOR_PROGRESS_AFTER", "1.0"))  # seconds; tests lower it
        self.done = 0
        self.shown = False
        self.last = 0.0

    def advance(self) -> None:
        self.done += 1
        now = time.perf_counter()
        if now - self.start < self.after or now - self.last < 0.1:
            return
        self.last = now
        rate = self.done / max(1e-9, now - self.start)
        spin = self.SPIN[int(now * 8) % 4]
        self.stream.write(f"\r{spin} {self.done:,} files ({rate:,.0f}/s, {now - self.start:.1f}s)\033[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


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
