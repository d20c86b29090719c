"""docs/writing-passes.md's structural pass runs as the page says it does."""

from __future__ import annotations

import re
import types
from pathlib import Path

from refactor.engine import Status, refactor_text

PAGE = Path(__file__).resolve().parents[2] / "docs" / "writing-passes.md"


def _section(title: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_the_structural_example_does_what_the_page_shows():
    section = _section("2. A structural pass, end to end")
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    before, after = re.findall(r"```dockerfile\n(.*?)```", section, re.S)
    pass_lines = code[code.index("    def run") :].strip().splitlines()
    assert len(pass_lines) < 40, "the page promises a structural pass in under 40 lines"

    module = types.ModuleType("writing_passes_example")
    exec(compile(code, str(PAGE), "exec"), module.__dict__)
    result = refactor_text(before, "Dockerfile", [module.SplitGoBinary])

    assert result.status is Status.CHANGED, result.error
    assert result.output == after
    assert [(c.code, c.line) for c in result.changes] == [("EXA001", 7)]
    assert "reported at line 7" in section
    assert result.notes == ()
    # Its output is multi-stage: the pass declines it, and nothing else changes.
    again = refactor_text(result.output, "Dockerfile", [module.SplitGoBinary])
    assert again.status is Status.SKIPPED and "already multi-stage" in again.reason
