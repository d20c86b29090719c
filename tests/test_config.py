"""Finding and reading configuration."""

from __future__ import annotations

import pytest

from refactor.config import KEYS, ConfigError, find_config, load_config
from refactor.options import CONFIG_OPTIONS, OPTIONS, resolve
from tests.cli_helpers import write


@pytest.mark.parametrize(
    "text",
    [
        '[tool.msb-refactor]\nselect = ["MSB001"]\n',
        '[tool."msb-refactor"]\nselect = ["MSB001"]\n',
        '[tool]\nmsb-refactor.select = ["MSB001"]\n',
        'tool.msb-refactor.select = ["MSB001"]\n',
    ],
)
def test_pyproject_table_spellings(tmp_path, text):
    write(tmp_path / "pyproject.toml", text)
    found = find_config(tmp_path / "a" / "b")
    assert found == tmp_path / "pyproject.toml"
    assert load_config(found) == {"select": ["MSB001"]}


def test_pyproject_without_table_is_passed_over(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.msb-refactor]\nignore = ["MSB001"]\n')
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "msb-refactor-plugin"\n')
    assert find_config(tmp_path / "sub" / "Dockerfile") == tmp_path / "pyproject.toml"
    write(tmp_path / "sub" / ".msb-refactor.toml", "jobs = 1\n")
    assert find_config(tmp_path / "sub" / "Dockerfile") == tmp_path / "sub" / ".msb-refactor.toml"


def test_values_are_checked_and_paths_resolved(tmp_path):
    f = write(tmp_path / ".msb-refactor.toml", 'unsafe_fixes = true\nselect = "MSB0"\ncontext = "ctx"\njobs = 2\n')
    assert load_config(f) == {"unsafe-fixes": True, "select": ["MSB0"], "context": str(tmp_path / "ctx"), "jobs": 2}
    for bad, needle in [
        ("jobs = true", "integer"),
        ("select = [1]", "list of strings"),
        ("color = 1", "string"),
        ("nope = 1", "unknown setting"),
    ]:
        write(f, bad + "\n")
        with pytest.raises(ConfigError, match=needle):
            load_config(f)


@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "pyproject.toml",
            '[tool.ruff]\nformat = 1\n\n[tool.msb-refactor]\nformat = "yaml"\n',
            ":5:1: format must be one of text, json, sarif, not 'yaml'",
        ),
        ("pyproject.toml", "tool.msb-refactor.jobs = 0\n", ":1:19: jobs must be at least 1, not 0"),
        ("pyproject.toml", "[tool]\nmsb-refactor.color = 1\n", ":2:14: color must be a string"),
        ("pyproject.toml", '[tool."msb-refactor"]\n  "selekt" = 1\n', ":2:3: unknown setting 'selekt'"),
        (".msb-refactor.toml", "jobs = true\n", ":1:1: jobs must be an integer"),
        (".msb-refactor.toml", "color = 'auto'\nexclude = [1]\n", ":2:1: exclude must be a list of strings"),
        (".msb-refactor.toml", "a = 1\na = 2\n", ":2:6: invalid TOML: Cannot overwrite a value"),
        (".msb-refactor.toml", "select = [\n", ":2:1: invalid TOML: Invalid value"),
    ],
)
def test_bad_settings_are_located(tmp_path, name, text, message):
    f = write(tmp_path / name, text)
    with pytest.raises(ConfigError) as e:
        load_config(f)
    assert str(e.value).startswith(f"{f}{message}")


def test_keys_come_from_the_option_table():
    assert set(KEYS) == {o.config_key for o in OPTIONS if o.config_key}
    assert set(KEYS) == {
        "select",
        "ignore",
        "exclude",
        "unsafe-fixes",
        "jobs",
        "format",
        "context",
        "buildkit-syntax",
        "color",
        "runtime",
        "test-stage",
        "bind-manifests",
    }


def test_command_line_over_configuration_over_default():
    fmt, ignore, unsafe = CONFIG_OPTIONS["format"], CONFIG_OPTIONS["ignore"], CONFIG_OPTIONS["unsafe-fixes"]
    assert resolve(fmt, None, {}) == "text"
    assert resolve(fmt, None, {"format": "json"}) == "json"
    assert resolve(fmt, "sarif", {"format": "json"}) == "sarif"
    assert resolve(ignore, ["MSB002"], {"ignore": ["MSB001"]}) == ["MSB001", "MSB002"]  # added, not replaced
    assert resolve(ignore, None, {}) == []
    assert resolve(unsafe, False, {"unsafe-fixes": True}) is False  # --no-unsafe-fixes beats the file
    assert resolve(unsafe, None, {"unsafe-fixes": True}) is True


def test_runtimes_table_is_checked_by_the_catalog_and_names_the_file(tmp_path):
    from refactor.config import ConfigError, load_config

    good = tmp_path / "good" / ".msb-refactor.toml"
    good.parent.mkdir()
    good.write_text('runtime = "slim"\n[runtimes]\nstatic = "gcr.io/distroless/static-debian13"\n')
    cfg = load_config(good)
    assert cfg["runtime"] == "slim"
    table, source = cfg["runtimes"]
    assert source == str(good) and table == {"static": "gcr.io/distroless/static-debian13"}
    bad = tmp_path / "bad" / ".msb-refactor.toml"
    bad.parent.mkdir()
    bad.write_text('[runtimes]\nstatic = "example.com/static:1"\n')
    with pytest.raises(ConfigError) as e:
        load_config(bad)
    assert str(bad) in str(e.value) and "is not in the catalog" in str(e.value)
