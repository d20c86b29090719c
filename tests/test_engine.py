"""The engine's guarantees, with real and deliberately broken passes."""

from __future__ import annotations

import pytest

from tests import broken_passes as bp
from refactor.engine import MAX_ROUNDS, Status, refactor_text
from refactor.passes import SAFE, Edit, Pass, all_passes, select, unsafe

GOOD = "FROM node:20\nCOPY . /app\nCMD node server.js\n"
MARKED = bp.MARK + "\n" + GOOD  # broken passes misbehave only on this


def test_unchanged_file_is_parsed_once(monkeypatch):
    import refactor.engine as engine

    calls = []
    real = engine.parse
    monkeypatch.setattr(engine, "parse", lambda *a, **k: calls.append(1) or real(*a, **k))
    r = refactor_text("FROM node:20\nCMD [\"node\"]\n", "D")
    assert r.status is Status.UNCHANGED and len(calls) == 1
    r = refactor_text(GOOD, "D")
    assert r.status is Status.CHANGED and len(calls) == 3  # original + one re-parse of the result


def test_changed_result_lists_code_line_message():
    r = refactor_text(GOOD, "D")
    assert [(c.code, c.line, c.applicability) for c in r.changes] == [("MSB001", 3, "safe")]
    assert "exec form" in r.changes[0].message
    assert r.output == 'FROM node:20\nCOPY . /app\nCMD ["node", "server.js"]\n'


@pytest.mark.parametrize("broken, needle", [
    (bp.Unparsable, "TST001 produced text that does not parse (ENV must have two arguments at line 2)"),
    (bp.NeverConverges, f"did not converge after {MAX_ROUNDS} rounds (TST002 keeps changing"),
    (bp.Crashes, "TST003 (broken-crashes) crashed: RuntimeError: boom"),
    (bp.AddsLink, "introduced BuildKit-only syntax (COPY --link) in a file without a `# syntax=` line"),
    (bp.EditsStrangerNode, "TST005 edited a node that is not in the file's body"),
])
def test_broken_pass_fails_the_file_with_one_clear_line(broken, needle):
    assert refactor_text(GOOD, "app/Dockerfile", [broken]).status is not Status.FAILED
    r = refactor_text(MARKED, "app/Dockerfile", [broken])
    assert r.status is Status.FAILED
    assert r.output is None
    assert needle in r.error
    assert r.error.startswith("app/Dockerfile: internal error: ")
    assert "\n" not in r.error and "Traceback" not in r.error


def test_buildkit_syntax_allowed_with_syntax_line_or_opt_in():
    text = "# syntax=docker/dockerfile:1\n# break me\nFROM alpine\nCOPY a /a\n"
    assert refactor_text(text, "D", [bp.AddsLink]).status is Status.CHANGED
    plain = "# break me\nFROM alpine\nCOPY a /a\n"
    assert refactor_text(plain, "D", [bp.AddsLink]).status is Status.FAILED
    r = refactor_text(plain, "D", [bp.AddsLink], buildkit_syntax=True)
    assert r.status is Status.CHANGED and "COPY --link a /a" in r.output


def test_pass_returning_nonsense_fails_the_file():
    class ReturnsNone(Pass):
        """Forgets to return its outcome."""

        code = "TST011"
        name = "returns-none"

        def run(self, tree, ctx):
            return None

    class ReplacesWithText(Pass):
        """Puts a string where a node belongs."""

        code = "TST012"
        name = "replaces-with-text"

        def run(self, tree, ctx):
            out = self.outcome()
            out.edit(tree.instructions[0], "FROM x\n", message="text", applicability=SAFE)
            return out

    r = refactor_text(GOOD, "D", [ReturnsNone])
    assert r.status is Status.FAILED and "TST011 (returns-none) returned NoneType" in r.error
    r = refactor_text(GOOD, "D", [ReplacesWithText])
    assert r.status is Status.FAILED and "TST012 proposed a replacement that is not a body node: str" in r.error


def test_result_that_a_second_run_would_change_is_rejected():
    class LineDependent(Pass):
        """Rewrites the first instruction while it still has a source line: converges on the
        edited tree (made nodes have line 0) but not on the re-parsed text."""

        code = "TST013"
        name = "line-dependent"

        def run(self, tree, ctx):
            out = self.outcome()
            first = tree.instructions[0]
            if first.line:
                out.edit(first, tree.instruction(first.code), message="again", applicability=SAFE)
            return out

    r = refactor_text(GOOD, "D", [LineDependent])
    assert r.status is Status.FAILED
    assert "result is not stable: TST013 would change line 1 again" in r.error


def test_unstable_result_is_rejected():
    class Flip(Pass):
        """Swaps shell and exec form of CMD for ever, in two passes that undo each other."""

        code = "TST010"
        name = "flip"

        def run(self, tree, ctx):
            out = self.outcome()
            for ins in tree.instructions:
                if ins.name == "CMD" and ins.is_exec_form:
                    out.edit(ins, tree.instruction("CMD " + " ".join(ins.arguments)), message="flip",
                             applicability=SAFE)
            return out

    r = refactor_text(GOOD, "D", select(["MSB001"]) + [Flip])
    assert r.status is Status.FAILED and "converge" in r.error


def test_a_pass_can_decline_and_the_reason_is_kept():
    r = refactor_text(GOOD, "D", [bp.Declines])
    assert r.status is Status.SKIPPED and r.reason == "TST006: this pass never runs here"
    r = refactor_text(GOOD, "D", select(["MSB001"]) + [bp.Declines])
    assert r.status is Status.CHANGED
    assert any("declined: this pass never runs here" in n.message for n in r.notes)


def test_syntax_error_is_a_located_failure():
    r = refactor_text("FROM a\nENV A\n", "x/Dockerfile")
    assert r.status is Status.FAILED
    assert r.error.splitlines()[0].startswith("x/Dockerfile:2:1: ")
    assert r.error.splitlines()[-1].strip() == "^"


def test_applicability_is_required_and_unsafe_needs_a_reason():
    with pytest.raises(TypeError):
        Edit(((None, ()),), 1, "m")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        unsafe("")
    with pytest.raises(TypeError):
        Edit(((None, ()),), 1, "m", applicability=True)  # type: ignore[arg-type]


def test_unsafe_edits_need_opt_in():
    text = "FROM node\nENTRYPOINT node server.js\n"
    r = refactor_text(text, "D")
    assert r.status is Status.UNCHANGED and r.unsafe_available == 1
    r = refactor_text(text, "D", unsafe_fixes=True)
    assert r.status is Status.CHANGED and r.changes[0].applicability == "unsafe"
    assert "docker run" in r.changes[0].reason


def test_inline_ignore_switches_off_listed_passes_only():
    text = "# msb-refactor: ignore=TST002\n" + MARKED
    r = refactor_text(text, "D", select(["MSB001"]) + [bp.NeverConverges])
    assert r.status is Status.CHANGED and {c.code for c in r.changes} == {"MSB001"}
    r = refactor_text("# msb-refactor: ignore\n" + GOOD, "D")
    assert r.status is Status.SKIPPED and "line 1" in r.reason


def test_registry_order_and_selection():
    codes = [c.code for c in all_passes()]
    assert codes == sorted(codes) and "MSB001" in codes
    assert [c.code for c in select(["MSB"])] == codes
    assert select(["MSB"], ["MSB001"]) == [c for c in all_passes() if c.code != "MSB001"]
    assert [c.code for c in select(["exec-form-cmd"])] == ["MSB001"]
    from refactor.passes import SelectionError

    with pytest.raises(SelectionError, match="XYZ"):
        select(["XYZ"])


def test_every_pass_on_generated_dockerfiles_never_fails_internally():
    from hypothesis import given, settings

    from tests.syntax.test_properties import dockerfiles

    @settings(max_examples=300, deadline=None)
    @given(dockerfiles())
    def check(text):
        for unsafe_fixes in (False, True):
            r = refactor_text(text, "Dockerfile", unsafe_fixes=unsafe_fixes)
            assert not (r.status is Status.FAILED and "internal error" in r.error), r.error
            if r.status is Status.CHANGED:
                assert refactor_text(r.output, "Dockerfile", unsafe_fixes=unsafe_fixes).status is Status.UNCHANGED

    check()
