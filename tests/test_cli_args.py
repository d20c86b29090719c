"""Both readers of the main command's line, built from the one option
table (refactor/options.py), read every command line the same way: the
fast reader (no typer) and the typer command."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refactor import cli
from refactor.options import OPTIONS, SETTINGS, unset_settings


class TyperReader:
    """The typer command, built once; ``read(args)`` returns the settings it
    hands on, or None when it refuses the line or does something else (help)."""

    def __init__(self):
        import typer.main

        self.seen: list[dict] = []
        self.command = typer.main.get_command(cli._main_app(run=self._collect))

    def _collect(self, settings: dict) -> int:
        self.seen.append(settings)
        return 0

    def read(self, args: list[str]) -> dict | None:
        self.seen.clear()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                self.command.main(args=list(args), prog_name="msb-refactor", standalone_mode=True)
            except SystemExit as e:
                code = e.code
            else:  # pragma: no cover - standalone mode always exits
                code = 0
        if code != 0 or not self.seen:
            return None
        return self.seen[0]


@pytest.fixture(scope="module")
def typer_reader():
    return TyperReader()


@pytest.mark.parametrize("args", [
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
    ["--verify", "--verify-cmd", "app --version", "--verify-env", "A=1", "--verify-env=B=", "."],
    ["--check", "rules"],  # a subcommand's name after an option is a path
    [],
])
def test_fast_reader_agrees_with_typer(args, typer_reader):
    fast = cli.fast_args(args)
    assert fast is not None
    assert fast == typer_reader.read(args)


@pytest.mark.parametrize("args", [
    ["--help"], ["-h"], ["--version"], ["-wh"], ["rules"], ["explain", "MSB001"], ["parse", "x"],
    ["--bogus", "x"], ["-j", "0", "x"], ["-j", "x"], ["-j=2", "x"], ["--format", "yaml", "x"],
    ["--format", "TEXT", "x"], ["--write=yes", "x"], ["--verbose=2", "x"], ["--select"], ["-x"], ["-wx"],
    ["-j"], ["-1"],
])
def test_anything_unusual_goes_to_typer(args, typer_reader):
    assert cli.fast_args(args) is None
    if args[0] in cli.SUBCOMMANDS:
        return  # dispatched to the subcommand app, not the main command
    # The main command refuses it, or does not run (help, version).
    assert typer_reader.read(args) is None


@pytest.mark.parametrize("spelling, number", [("+3", 3), (" 4", 4), ("2.0", 2), ("1_0", 10)])
def test_odd_spellings_of_a_number_are_left_to_typer(spelling, number, typer_reader):
    args = ["-j", spelling, "."]
    assert cli.fast_args(args) is None
    assert typer_reader.read(args)["jobs"] == number


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
clusters = st.tuples(st.text(alphabet="".join(SHORT) + "xh", min_size=1, max_size=4),
                     st.sampled_from(["", "2", "0", "x"])).map(lambda t: ["-" + t[0] + t[1]])
paths = st.sampled_from(["Dockerfile", "a b", "-", "--", "rules", "-x", "-", "."]).map(lambda p: [p])
pieces = st.one_of(*[s for o in OPTIONS for s in _spellings(o)], clusters, paths)
command_lines = st.lists(pieces, max_size=6).map(lambda parts: [a for part in parts for a in part])


@given(command_lines)
def test_every_command_line_is_read_the_same(args):
    reader = _READER[0] or TyperReader()
    _READER[0] = reader
    fast = cli.fast_args(args)
    slow = reader.read(args)
    if fast is not None:
        assert slow == fast
    elif slow is not None:
        # Typer ran the command: only a leading subcommand name leaves the
        # fast reader out of a line typer accepts (the subcommand app reads it).
        assert args and args[0] in cli.SUBCOMMANDS, args


_READER: list = [None]  # one typer command for all examples (hypothesis forbids function fixtures)


def test_every_typer_option_comes_from_the_table(typer_reader):
    params = {p.name: p for p in typer_reader.command.params}
    assert set(params) == {"paths"} | {o.dest for o in OPTIONS}
    for o in OPTIONS:
        p = params[o.dest]
        assert set(p.opts) | set(getattr(p, "secondary_opts", [])) == {*o.flags, *o.off_flags}, o.dest
        assert p.help == o.help
        assert bool(p.multiple) == (o.kind == "multi"), o.dest
        assert bool(getattr(p, "count", False)) == (o.kind == "count"), o.dest
    flags = {f for o in OPTIONS for f in (*o.flags, *o.off_flags)}
    assert flags == set(cli.FAST_OPTIONS)


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


def test_help_lists_every_option_with_its_metavar_and_help():
    from tests.cli_helpers import msb

    p = msb("--help")
    assert p.returncode == 0
    text = " ".join(p.out.split())  # help wraps lines
    for o in OPTIONS:
        for flag in (*o.flags, *o.off_flags):
            assert flag in text, flag
        assert " ".join(o.help.split()[:4]) in text, o.dest
        if o.metavar:
            assert f"{o.flags[-1]} {o.metavar}" in text, o.dest
        if o.choices:
            assert f"{o.flags[-1]} <{'|'.join(o.choices)}>" in text, o.dest


def test_a_plain_run_does_not_import_typer(tmp_path):
    """The fast reader is there for start-up time: typer costs more than
    the rest of a single-file run."""
    import subprocess
    import sys

    from tests.cli_helpers import ROOT, SHELL_CMD, write

    f = write(tmp_path / "Dockerfile", SHELL_CMD)
    probe = ("import atexit, sys; atexit.register(lambda: sys.stderr.write("
             "'typer loaded: %s\\n' % ('typer' in sys.modules))); from refactor.cli import main; main(sys.argv[1:])")
    for args in (["--check", str(f)], ["--help"]):
        p = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60,
                           env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=False)
        loaded = "--help" in args
        assert f"typer loaded: {loaded}" in p.stderr, p.stderr
