"""The main command's reader (refactor/cli.py ``read_args``), built from the
one option table (refactor/options.py), reads every command line as click
does: a click command made from the same table (through typer, a
dependency) is the oracle. Values are then checked by the command's own
rules, in its own words, whichever way they came."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refactor import cli
from refactor.app import UsageError
from refactor.options import OPTIONS, SETTINGS, read_command_line_value, unset_settings


def click_command():
    """The main command as click would read it: a typer app whose
    parameters come from OPTIONS, every value taken as text (the reader's
    value checks are applied after, as the command applies them)."""
    import inspect

    import typer
    import typer.main

    seen: list = []
    parameters = [
        inspect.Parameter(
            "paths", inspect.Parameter.KEYWORD_ONLY, annotation=list[str] | None, default=typer.Argument(None)
        )
    ]
    for o in OPTIONS:
        if o.kind == "flag":
            annotation, default = bool, typer.Option(False, *o.flags, help=o.help)
        elif o.kind == "switch":
            annotation, default = bool | None, typer.Option(None, f"{o.flags[0]}/{o.off_flags[0]}", help=o.help)
        elif o.kind == "count":
            annotation, default = int, typer.Option(0, *o.flags, count=True, help=o.help)
        elif o.kind == "multi":
            annotation, default = list[str] | None, typer.Option(None, *o.flags, help=o.help)
        elif o.kind == "version":

            def version(value: bool) -> None:
                if value:
                    raise typer.Exit(0)

            annotation, default = bool, typer.Option(False, *o.flags, callback=version, is_eager=True, help=o.help)
        else:  # value, int: text, checked afterwards
            annotation, default = str | None, typer.Option(None, *o.flags, help=o.help)
        parameters.append(
            inspect.Parameter(o.dest, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)
        )

    def command(**given):
        settings = unset_settings()
        settings["paths"] = list(given["paths"] or [])
        for o in SETTINGS:
            value = given[o.dest]
            if o.kind == "multi":
                value = list(value) if value else None
            elif o.kind in ("value", "int") and value is not None:
                value, problem = read_command_line_value(o, value)
                if problem is not None:
                    raise typer.Exit(2)
            settings[o.dest] = value
        seen.append(settings)

    command.__signature__ = inspect.Signature(parameters)
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    app = typer.Typer(
        add_completion=False,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.command()(command)
    return typer.main.get_command(app), seen


class ClickReader:
    """``read(args)``: ("settings", dict), ("exit", 0) for help or version,
    or ("exit", 2) for a line click refuses."""

    def __init__(self):
        self.command, self.seen = click_command()

    def read(self, args: list[str]):
        self.seen.clear()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                self.command.main(args=list(args), prog_name="msb-refactor", standalone_mode=True)
            except SystemExit as e:
                code = e.code or 0
        if self.seen and code == 0:
            return "settings", self.seen[0]
        return "exit", 2 if code else 0


def ours(args: list[str]):
    """The reader's answer in the oracle's terms."""
    try:
        read = cli.read_args(args)
    except UsageError:
        return "exit", 2
    if read in ("help", "version"):
        return "exit", 0
    return "settings", read


@pytest.fixture(scope="module")
def click_reader():
    return ClickReader()


@pytest.mark.parametrize(
    "args",
    [
        ["Dockerfile"],
        ["-", "--stdin-filename", "app/Dockerfile"],
        ["--write", "a", "b"],
        ["-w", "--unsafe-fixes", "--select", "MSB001", "--select=MSB0", "--ignore", "MSB002", "."],
        ["--check", "--format", "json", "-j", "3", "-q", "."],
        ["--format=sarif", "-j2", "--jobs=4", "-vv", "--exclude", "vendor/", "--exclude=**/x", "."],
        ["--no-unsafe-fixes", "--context", "ctx", "--config", "c.toml", "--color", "always", "."],
        ["--no-config", "--buildkit-syntax", "-v", "--verbose", "."],
        ["--no-buildkit-syntax", "--color=never", "--", "-weird-name"],
        ["-wj2", "-vqj", "3", "."],  # clusters: a value option takes the rest, or the next argument
        ["--select", "--write", "."],  # a value is taken even when it looks like an option
        ["--unsafe-fixes", "--no-unsafe-fixes", "--format", "json", "--format", "text", "."],  # last one wins
        ["--color", "bad", "--color", "auto", "."],  # only the last value is checked
        ["--verify", "--verify-cmd", "app --version", "--verify-env", "A=1", "--verify-env=B=", "."],
        ["--check", "rules"],  # a subcommand's name after an option is a path
        [],
    ],
)
def test_reader_reads_as_click_does(args, click_reader):
    kind, read = ours(args)
    assert kind == "settings"
    assert (kind, read) == click_reader.read(args)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--bogus", "x"], "no such option: --bogus"),
        (["--ignre", "x"], "no such option: --ignre; did you mean --ignore?"),
        (["-x"], "no such option: -x"),
        (["-wx"], "no such option: -x"),
        (["-j", "0", "x"], "-j/--jobs must be at least 1, not 0"),
        (["-j", "x"], "-j/--jobs must be a whole number, not 'x'"),
        (["-j=2", "x"], "-j/--jobs must be a whole number, not '=2'"),
        (["-j", "+3", "x"], "-j/--jobs must be a whole number, not '+3'"),
        (["--jobs", "2.0", "x"], "-j/--jobs must be a whole number, not '2.0'"),
        (["--format", "yaml", "x"], "--format must be one of text, json, sarif, not 'yaml'"),
        (["--format", "TEXT", "x"], "--format must be one of text, json, sarif, not 'TEXT'"),
        (["--write=yes", "x"], "--write takes no value (given 'yes')"),
        (["--verbose=2", "x"], "--verbose takes no value (given '2')"),
        (["--select"], "--select needs a value"),
        (["-j"], "-j needs a value"),
        (["-1"], "no such option: -1"),
    ],
)
def test_refused_lines_say_why_in_one_style(args, message, click_reader):
    """Click refuses the same lines; the command says why in its own words."""
    with pytest.raises(UsageError) as e:
        cli.read_args(args)
    assert str(e.value).startswith(message)
    assert click_reader.read(args) == ("exit", 2)


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"], ["-wh"], ["-j", "0", "--help"], ["x", "-h"]])
def test_help_and_version_win_over_values(args, click_reader):
    assert ours(args) == ("exit", 0) == click_reader.read(args)


# Pieces of command lines, from the table itself: every spelling of every
# option, good and bad values, clusters, and paths that look like options.
VALUES = ["a", "x y", "-", "--", "", "=", "-w", "MSB001,MSB002", "K=V"]
INTS = ["1", "2", "12", "0", "-1", "x", "", "2.5", "-j"]  # plain digits or refused (odd spellings: above)


def _values(option) -> list[str]:
    if option.kind == "int":
        return INTS
    if option.choices:
        return [*option.choices, "yaml", "", option.choices[0].upper()]
    return VALUES


def _spellings(option):
    """Every way the command line can carry this option."""
    out = []
    for flag in (*option.flags, *option.off_flags):
        if not option.takes_value:
            out.append(st.just([flag]))
            out.append(st.sampled_from(VALUES).map(lambda v, f=flag: [f"{f}={v}"]))  # refused
            continue
        values = st.sampled_from(_values(option))
        out.append(values.map(lambda v, f=flag: [f, v]))
        if flag.startswith("--"):
            out.append(values.map(lambda v, f=flag: [f"{f}={v}"]))
        else:
            out.append(values.map(lambda v, f=flag: [f + v]))
    return out


SHORT = sorted({f[1] for o in SETTINGS for f in o.flags if len(f) == 2})
clusters = st.tuples(
    st.text(alphabet="".join(SHORT) + "xh", min_size=1, max_size=4), st.sampled_from(["", "2", "0", "x"])
).map(lambda t: ["-" + t[0] + t[1]])
paths = st.sampled_from(["Dockerfile", "a b", "-", "--", "rules", "-x", "-", "."]).map(lambda p: [p])
pieces = st.one_of(*[s for o in OPTIONS for s in _spellings(o)], clusters, paths)
command_lines = st.lists(pieces, max_size=6).map(lambda parts: [a for part in parts for a in part])


@given(command_lines)
def test_every_command_line_is_read_the_same(args):
    if args and args[0] in cli.SUBCOMMANDS:
        return  # dispatched to the subcommand before the reader sees it
    reader = _READER[0] or ClickReader()
    _READER[0] = reader
    assert ours(args) == reader.read(args)


_READER: list = [None]  # one click command for all examples (hypothesis forbids function fixtures)


def test_every_option_of_the_oracle_comes_from_the_table(click_reader):
    params = {p.name: p for p in click_reader.command.params}
    assert set(params) == {"paths"} | {o.dest for o in OPTIONS}
    for o in OPTIONS:
        p = params[o.dest]
        assert set(p.opts) | set(getattr(p, "secondary_opts", [])) == {*o.flags, *o.off_flags}, o.dest
        assert bool(p.multiple) == (o.kind == "multi"), o.dest
        assert bool(getattr(p, "count", False)) == (o.kind == "count"), o.dest
    flags = {f for o in OPTIONS for f in (*o.flags, *o.off_flags)}
    assert flags | set(cli.HELP_FLAGS) == set(cli.FLAGS)


def test_table_is_well_formed():
    dests = [o.dest for o in OPTIONS]
    assert len(dests) == len(set(dests))
    flags = [f for o in OPTIONS for f in (*o.flags, *o.off_flags)]
    assert len(flags) == len(set(flags))
    for o in OPTIONS:
        assert o.help.endswith(".") and o.flags
        assert all(f.startswith("--") and len(f) > 3 or (len(f) == 2 and f[0] == "-") for f in o.flags)
        assert bool(o.off_flags) == (o.kind == "switch"), o.dest
        if o.config_key:
            assert o.config_key == o.flags[-1].lstrip("-"), o.dest  # keys mirror the long options
            assert o.kind in ("switch", "int", "value", "multi"), o.dest
        assert not o.config_adds or o.kind == "multi"
        assert o.choices is None or o.default in o.choices
    assert set(unset_settings()) == {"paths"} | {o.dest for o in SETTINGS}


def test_help_lists_every_option_with_its_placeholder_and_help():
    """Made from the table: every flag, its value's placeholder (a
    metavar, or the choices), its help; no type placeholders of a library
    (`<list[str]>`, `<int range>`, `[x>=1]`, `<str>`)."""
    from tests.cli_helpers import msb

    p = msb("--help")
    assert p.returncode == 0 and p.err == ""
    text = " ".join(p.out.split())  # help wraps lines
    assert text.startswith("Usage: msb-refactor [OPTIONS] PATH...")
    for o in OPTIONS:
        for flag in (*o.flags, *o.off_flags):
            assert flag in text, flag
        assert " ".join(o.help.split()) in text, o.dest
        if o.metavar:
            assert f"{o.flags[-1]} {o.metavar}" in text, o.dest
        if o.choices:
            assert f"{o.flags[-1]} {'|'.join(o.choices)}" in text, o.dest
    for placeholder in ("<list", "<int", "range>", "x>=", "<str>", "<text", "{"):
        assert placeholder not in p.out, placeholder
    for sub in cli.SUBCOMMANDS:
        p = msb(sub, "--help")
        assert p.returncode == 0 and p.out.startswith(f"Usage: msb-refactor {sub}")
        assert "<" not in p.out and "{" not in p.out, p.out


def test_a_plain_run_and_help_import_no_typer(tmp_path):
    """Start-up time: typer (or click) is not imported by the command."""
    import subprocess
    import sys

    from tests.cli_helpers import ROOT, SHELL_CMD, write

    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    probe = (
        "import atexit, sys; atexit.register(lambda: sys.stderr.write("
        "'typer loaded: %s\\n' % ('typer' in sys.modules))); from refactor.cli import main; main(sys.argv[1:])"
    )
    for args in (["--check", str(f)], ["--help"], ["--bogus"], ["rules"]):
        p = subprocess.run(
            [sys.executable, "-c", probe, *args],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            check=False,
        )
        assert "typer loaded: False" in p.stderr, p.stderr
