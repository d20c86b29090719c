"""Finding and reading configuration."""

from __future__ import annotations

import pytest

from refactor.config import ConfigError, find_config, load_config
from tests.cli_helpers import write


@pytest.mark.parametrize("text", [
    '[tool.msb-refactor]\nselect = ["MSB001"]\n',
    '[tool."msb-refactor"]\nselect = ["MSB001"]\n',
    '[tool]\nmsb-refactor.select = ["MSB001"]\n',
    'tool.msb-refactor.select = ["MSB001"]\n',
])
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
    for bad, needle in [("jobs = true", "integer"), ("select = [1]", "list of strings"), ("color = 1", "string"),
                        ("nope = 1", "unknown setting")]:
        write(f, bad + "\n")
        with pytest.raises(ConfigError, match=needle):
            load_config(f)
