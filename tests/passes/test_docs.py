"""Pass docs are generated from docstrings (scripts/gen_docs.py), and each
Example becomes its Use instead."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from refactor.context import BuildContext
from refactor.engine import Status, refactor_text
from refactor.passes import SECTIONS, all_passes, doc_sections, fenced_code
from refactor.report import pass_page

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "passes"
SCRIPT = ROOT / "scripts" / "gen_docs.py"


def load_generator():
    """scripts/gen_docs.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("gen_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_docs = load_generator()


@pytest.mark.parametrize("name", sorted(gen_docs.pages()))
def test_generated_docs_are_up_to_date(name):
    path = DOCS / name
    assert path.is_file(), f"{path} missing: run `python scripts/gen_docs.py`"
    assert path.read_text(encoding="utf-8") == gen_docs.pages()[name], (
        f"{path} is stale: run `python scripts/gen_docs.py`"
    )


def test_a_page_is_what_explain_prints_under_the_marker():
    for cls in all_passes():
        page = gen_docs.pages()[f"{cls.code}.md"]
        assert page == gen_docs.HEADER + pass_page(cls)
        assert "python scripts/gen_docs.py" in gen_docs.HEADER


def run_script(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )


def test_script_writes_checks_and_removes_orphans(tmp_path):
    target = tmp_path / "passes"
    p = run_script("--check", target)
    assert p.returncode == 1 and "MSB001.md: missing or out of date" in p.stderr
    assert not target.exists()  # --check writes nothing
    p = run_script(target)
    assert p.returncode == 0, p.stderr
    assert sorted(f.name for f in target.iterdir()) == sorted(gen_docs.pages())
    assert run_script("--check", target).returncode == 0
    # A hand edit is stale; a generated page without a pass is an orphan; other files stay.
    page = target / "MSB001.md"
    page.write_text(page.read_text() + "edited\n")
    (target / "MSB999.md").write_text(gen_docs.HEADER + "# gone\n")
    (target / "notes.md").write_text("hand-written\n")
    p = run_script("--check", target)
    assert p.returncode == 1
    assert "MSB001.md: missing or out of date" in p.stderr and "MSB999.md: no pass has this page" in p.stderr
    assert "notes.md" not in p.stderr
    p = run_script(target)
    assert p.returncode == 0 and "removed" in p.stdout
    assert not (target / "MSB999.md").exists() and (target / "notes.md").is_file()
    assert page.read_text() == gen_docs.pages()["MSB001.md"]
    assert run_script("--bogus").returncode == 2


@pytest.mark.parametrize("cls", all_passes(), ids=lambda c: c.code)
def test_docstring_sections_and_example(cls, tmp_path):
    sections = doc_sections(cls)
    assert list(sections)[: len(SECTIONS)] == list(SECTIONS)
    assert cls.code.startswith("MSB") and len(cls.code) == 6 and cls.name
    example = fenced_code(sections["Example"])
    use_instead = fenced_code(sections["Use instead"])
    assert example != use_instead
    # An empty build context: the page's example must not depend on this repository's files.
    r = refactor_text(example, "Example", [cls], unsafe_fixes=True, build_context=BuildContext(tmp_path))
    assert r.status is Status.CHANGED, r
    proposes = getattr(cls, "proposes_file", None)  # a pass whose change is a file beside the Dockerfile
    if proposes is not None:
        assert r.output == example
        assert [(p, new) for p, _, new in r.extra_files] == [(str(tmp_path / proposes), use_instead)]
        return
    assert r.output == use_instead
