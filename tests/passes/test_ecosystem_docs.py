"""docs/ecosystems/ is generated (scripts/gen_ecosystem_docs.py) from the
ecosystem modules' docstrings and the MSB101 fixtures, and is up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_ecosystem_docs.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_ecosystem_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = load_generator()


@pytest.mark.parametrize("name", sorted(gen.pages()))
def test_ecosystem_page_is_up_to_date(name):
    path = gen.DOCS_DIR / name
    assert path.is_file(), f"{path} missing: run `{gen.COMMAND}`"
    assert path.read_text(encoding="utf-8") == gen.pages()[name], f"{path} is stale: run `{gen.COMMAND}`"


def test_every_ecosystem_has_a_page_with_its_example_and_declines():
    from refactor.ecosystems import MODULES

    assert sorted(gen.PAGES) == sorted(MODULES)
    for module, (_, example, prefix) in gen.PAGES.items():
        fixed = (gen.FIXTURES / example / "Dockerfile.fixed").read_text(encoding="utf-8")
        text = gen.page(module)
        assert fixed.replace("\r\n", "\n") in text
        assert gen._declines(prefix), f"no decline fixture for {module}"
