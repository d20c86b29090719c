"""The fast argument reader and the typer app read command lines the same way."""

from __future__ import annotations

import pytest

from refactor import cli


def typer_settings(args, monkeypatch):
    seen = {}

    def fake_execute(settings):
        seen.update(settings)
        return 0

    monkeypatch.setattr(cli, "execute", fake_execute)
    app = cli._main_app()
    with pytest.raises(SystemExit) as exc:
        app(args=list(args), prog_name="msb-refactor", standalone_mode=True)
    assert exc.value.code == 0
    return seen


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
])
def test_fast_reader_agrees_with_typer(args, monkeypatch):
    fast = cli.fast_args(args)
    assert fast is not None
    assert fast == typer_settings(args, monkeypatch)


@pytest.mark.parametrize("args", [
    ["--help"], ["-h"], ["--version"], ["rules"], ["explain", "MSB001"], ["parse", "x"],
    ["--bogus", "x"], ["-j", "0", "x"], ["-j", "x"], ["--format", "yaml", "x"], ["--write=yes", "x"],
    ["--select"], ["-x"],
])
def test_anything_unusual_goes_to_typer(args):
    assert cli.fast_args(args) is None


def test_every_typer_option_is_in_the_fast_table():
    import typer.main

    command = typer.main.get_command(cli._main_app())
    flags = set()
    for param in command.params:
        flags.update(getattr(param, "opts", []))
        flags.update(getattr(param, "secondary_opts", []))
    flags -= {"--help", "-h", "--version"}
    flags = {f for f in flags if f.startswith("-")}
    assert flags == set(cli.FAST_OPTIONS)
