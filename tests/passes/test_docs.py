"""Pass docs are generated from docstrings, and each Example becomes its Use instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from refactor.docs import pages
from refactor.engine import Status, refactor_text
from refactor.passes import SECTIONS, all_passes, doc_sections, fenced_code

DOCS = Path(__file__).resolve().parents[2] / "docs" / "passes"


@pytest.mark.parametrize("name", sorted(pages()))
def test_generated_docs_are_up_to_date(name):
    path = DOCS / name
    assert path.is_file(), f"{path} missing: run `python -m refactor.docs`"
    assert path.read_text(encoding="utf-8") == pages()[name], f"{path} is stale: run `python -m refactor.docs`"


@pytest.mark.parametrize("cls", all_passes(), ids=lambda c: c.code)
def test_docstring_sections_and_example(cls):
    sections = doc_sections(cls)
    assert list(sections)[: len(SECTIONS)] == list(SECTIONS)
    assert cls.code.startswith("MSB") and len(cls.code) == 6 and cls.name
    example = fenced_code(sections["Example"])
    use_instead = fenced_code(sections["Use instead"])
    assert example != use_instead
    r = refactor_text(example, "Example", [cls], unsafe_fixes=True)
    assert r.status is Status.CHANGED, r
    assert r.output == use_instead
