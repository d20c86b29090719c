"""The engine's guarantees, with real and deliberately broken passes."""

from __future__ import annotations

import pytest

from refactor.engine import MAX_ROUNDS, Status, refactor_text
from refactor.passes import IMAGE_CONTRACT, SAFE, Edit, Outcome, Pass, all_passes, select, unsafe
from tests import broken_passes as bp

GOOD = "FROM node:20\nCOPY . /app\nCMD node server.js\n"
MARKED = bp.MARK + "\n" + GOOD  # broken passes misbehave only on this


def test_unchanged_file_is_parsed_once(monkeypatch):
    import refactor.engine as engine

    calls = []
    real = engine.parse
    monkeypatch.setattr(engine, "parse", lambda *a, **k: calls.append(1) or real(*a, **k))
    only = select(["MSB001"])  # MSB301 would add a USER to these node images
    r = refactor_text('FROM node:20\nCMD ["node"]\n', "D", only)
    assert r.status is Status.UNCHANGED and len(calls) == 1
    r = refactor_text(GOOD, "D", only)
    assert r.status is Status.CHANGED and len(calls) == 3  # original, then a re-parse after the one applied pass


def test_a_pass_runs_once_over_each_tree_it_must_see(monkeypatch):
    """Stable means every pass ran over the final tree and proposed nothing; a
    pass that already did is not run over it again, and one that ran over an
    earlier tree is."""
    runs = []

    class Counts(Pass):
        """Counts its runs."""

        code = "TST030"
        name = "counts"

        def run(self, tree, ctx):
            runs.append(tree.code)
            return self.outcome()

    r = refactor_text(GOOD, "D", select(["MSB001"]) + [Counts])
    assert r.status is Status.CHANGED
    assert runs == [r.output]  # it ran after MSB001 changed the file: that run was over the final tree

    class CountsFirst(Counts):
        """Runs before MSB001."""

        code = "TST031"
        runs_after = ()

    class Exec(select(["MSB001"])[0]):
        runs_after = ("TST031",)

    runs.clear()
    r = refactor_text(GOOD, "D", [CountsFirst, Exec])
    assert r.status is Status.CHANGED
    assert runs == [GOOD, r.output]  # before MSB001's change, then over its result


def test_notes_and_unsafe_counts_are_those_of_the_final_tree():
    """A pass skipped in the last round (it had seen the final tree) keeps what
    it said of that tree."""

    class Notes(Pass):
        """Notes the number of lines, and offers an unsafe edit it never gets to make."""

        code = "TST032"
        name = "notes"

        def run(self, tree, ctx):
            from refactor.passes import Applicability

            out = self.outcome()
            out.note(1, f"{tree.code.count(chr(10))} lines")
            first = tree.instructions[0]
            out.edit(first, first, message="unsafe", applicability=Applicability.unsafe("never applied"))
            return out

    r = refactor_text(GOOD, "D", select(["MSB001"]) + [Notes])
    assert r.status is Status.CHANGED
    assert [n.message for n in r.notes if n.code == "TST032"] == [f"{r.output.count(chr(10))} lines"]
    assert r.unsafe_available == 1


def test_changed_result_lists_code_line_message():
    r = refactor_text(GOOD, "D", select(["MSB001"]))
    assert [(c.code, c.line, c.applicability) for c in r.changes] == [("MSB001", 3, "safe")]
    assert "exec form" in r.changes[0].message
    assert r.output == 'FROM node:20\nCOPY . /app\nCMD ["node", "server.js"]\n'


@pytest.mark.parametrize(
    "broken, needle",
    [
        (bp.Unparsable, "TST001 produced text that does not parse (ENV must have two arguments at line 2)"),
        (bp.NeverConverges, f"did not converge after {MAX_ROUNDS} rounds (TST002 keeps changing"),
        (bp.Crashes, "TST003 (broken-crashes) crashed: RuntimeError: boom"),
        (bp.AddsLink, "introduced BuildKit-only syntax (COPY --link) in a file without a `# syntax=` line"),
        (bp.EditsStrangerNode, "TST005 edited a node that is not in the file's body"),
    ],
)
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


def test_a_pass_that_rewrites_its_own_output_does_not_converge():
    class LineDependent(Pass):
        """Rewrites the first instruction while it has a source line: every pass sees a
        re-parsed tree, so it always has one."""

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
    assert f"did not converge after {MAX_ROUNDS} rounds (TST013 keeps changing line 1)" in r.error


def test_unstable_result_is_rejected():
    class Flip(Pass):
        """Swaps shell and exec form of CMD for ever, in two passes that undo each other."""

        code = "TST010"
        name = "flip"
        changes_image = frozenset({"cmd"})

        def run(self, tree, ctx):
            out = self.outcome()
            for ins in tree.instructions:
                if ins.name == "CMD" and ins.is_exec_form:
                    out.edit(
                        ins, tree.instruction("CMD " + " ".join(ins.arguments)), message="flip", applicability=SAFE
                    )
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
        Edit(1, "m")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        unsafe("")
    with pytest.raises(TypeError):
        Edit(1, "m", applicability=True)  # type: ignore[arg-type]


def test_unsafe_edits_need_opt_in():
    text = "FROM node\nENTRYPOINT node server.js\n"
    r = refactor_text(text, "D", select(["MSB001"]))
    assert r.status is Status.UNCHANGED and r.unsafe_available == 1
    r = refactor_text(text, "D", select(["MSB001"]), unsafe_fixes=True)
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


# -- structural edits, lines, order, the image contract --------------------------------

SPLIT_ME = """\
# the app
FROM golang:1.22
WORKDIR /src
COPY . .

# build it
RUN go build -o /out/app .
# old debugging aid
RUN ls -la
CMD ["/out/app"]
"""


class SplitsIntoStages(Pass):
    """Makes a builder stage in one change: inserts, moves with comments, removes."""

    code = "TST040"
    name = "splits"
    changes_image = frozenset(IMAGE_CONTRACT)  # a new final stage on another base

    def run(self, tree, ctx):
        out = self.outcome()
        if len(tree.stages) > 1:
            return out
        from_, workdir, copy, build, debug, cmd = tree.instructions
        runtime = tree.instruction("FROM gcr.io/distroless/static-debian12")
        out.change("split into builder and runtime", applicability=SAFE, at=from_).replace(
            from_, tree.instruction("FROM golang:1.22 AS builder")
        ).remove(debug).insert_before(cmd, runtime, tree.instruction("COPY --from=builder /out/app /out/app")).move(
            build, before=copy
        )
        return out


def test_one_change_with_many_operations_carries_comments():
    r = refactor_text(SPLIT_ME, "D", [SplitsIntoStages])
    assert r.status is Status.CHANGED, r.error
    assert (
        r.output
        == """\
# the app
FROM golang:1.22 AS builder
WORKDIR /src

# build it
RUN go build -o /out/app .
COPY . .
FROM gcr.io/distroless/static-debian12
COPY --from=builder /out/app /out/app
CMD ["/out/app"]
"""
    )
    assert [(c.code, c.line, c.message) for c in r.changes] == [("TST040", 2, "split into builder and runtime")]


def test_overlapping_edits_fail_the_file_with_the_pass_named():
    class Overlaps(Pass):
        """Two edits that both replace the same RUN."""

        code = "TST041"
        name = "overlaps"

        def run(self, tree, ctx):
            out = self.outcome()
            run = tree.instructions[1]
            if run.name == "RUN":
                out.edit(run, tree.instruction("RUN a"), message="one", applicability=SAFE)
                out.edit(run, tree.instruction("RUN b"), message="two", applicability=SAFE)
            return out

    r = refactor_text("FROM a\nRUN x\n", "D", [Overlaps])
    assert r.status is Status.FAILED
    assert "TST041 proposed overlapping edits: line 2 and line 2 both change line 2" in r.error


def test_a_move_that_would_duplicate_a_node_is_refused():
    class ForgetsRemoval(Pass):
        """Inserts an existing instruction a second time instead of moving it."""

        code = "TST042"
        name = "duplicates"

        def run(self, tree, ctx):
            out = self.outcome()
            first, run = tree.instructions[:2]
            out.change("dup", applicability=SAFE).insert_after(run, first)
            return out

    r = refactor_text("FROM a\nRUN x\n", "D", [ForgetsRemoval])
    assert r.status is Status.FAILED and "TST042" in r.error and "twice" in r.error


class InsertsAtTop(Pass):
    """Adds three comment lines above the first FROM."""

    code = "TST043"
    name = "inserts-at-top"

    def run(self, tree, ctx):
        out = self.outcome()
        first = tree.instructions[0]
        if tree.body[0] is first:
            out.change("heading", applicability=SAFE).insert_before(
                first, tree.comment("one"), tree.comment("two"), tree.blank_line()
            )
        return out


class NotesEveryRun(Pass):
    """Notes every RUN and rewrites `RUN old` as `RUN new`."""

    code = "TST044"
    name = "notes-runs"
    runs_after = ("TST043",)

    def run(self, tree, ctx):
        out = Outcome()  # built without the pass's code: the engine adds it
        for ins in tree.instructions:
            if ins.name == "RUN":
                out.note(ins, f"saw {ins.rest}")
                if ins.rest == "old":
                    out.edit(ins, tree.instruction("RUN new"), message="renew", applicability=SAFE)
        return out


def test_lines_of_notes_and_changes_are_the_inputs_after_other_passes_insert_lines():
    text = "FROM a\nRUN keep\nRUN old\n"
    r = refactor_text(text, "D", [NotesEveryRun, InsertsAtTop])
    assert r.status is Status.CHANGED, r.error
    assert r.output == "# one\n# two\n\nFROM a\nRUN keep\nRUN new\n"
    assert [(c.code, c.line) for c in r.changes] == [("TST043", 1), ("TST044", 3)]
    assert [(n.code, n.line, n.message) for n in r.notes] == [("TST044", 2, "saw keep"), ("TST044", 3, "saw new")]


def test_declared_order_runs_dependencies_first_and_rejects_cycles():
    from refactor.passes import run_order

    assert [c.code for c in run_order([NotesEveryRun, InsertsAtTop])] == ["TST043", "TST044"]

    class A(Pass):
        """A."""

        code = "TST045"
        name = "a"
        runs_after = ("TST046",)

    class B(Pass):
        """B."""

        code = "TST046"
        name = "b"
        runs_after = ("TST045",)

    with pytest.raises(RuntimeError, match="cycle: TST045 -> TST046 -> TST045"):
        run_order([A, B])
    with pytest.raises(RuntimeError, match="unknown pass"):
        run_order([A])
    from refactor.passes import use_extra_passes

    use_extra_passes([A, B])
    try:
        with pytest.raises(RuntimeError, match="cycle"):
            all_passes()
    finally:
        use_extra_passes([])


class ChangesUser(Pass):
    """Adds USER 65532 at the end of the final stage."""

    code = "TST047"
    name = "changes-user"

    def run(self, tree, ctx):
        out = self.outcome()
        last = tree.instructions[-1]
        if last.name != "USER":
            out.change("non-root", applicability=SAFE).insert_after(last, tree.instruction("USER 65532"))
        return out


def test_a_pass_that_changes_the_image_without_declaring_it_fails_the_file():
    r = refactor_text('FROM a\nCMD ["x"]\n', "D", [ChangesUser])
    assert r.status is Status.FAILED
    assert "TST047 changed the final image's USER without declaring it" in r.error

    class DeclaresUser(ChangesUser):
        """Adds USER and says so."""

        code = "TST048"
        changes_image = frozenset({"user"})

    r = refactor_text('FROM a\nCMD ["x"]\n', "D", [DeclaresUser])
    assert r.status is Status.CHANGED and r.output.endswith("USER 65532\n")


def test_a_pass_that_breaks_the_stages_fails_the_file():
    class CopiesFromNowhere(Pass):
        """Adds a stage that copies from a stage that does not exist."""

        code = "TST049"
        name = "copies-from-nowhere"
        changes_image = frozenset(IMAGE_CONTRACT)

        def run(self, tree, ctx):
            out = self.outcome()
            if len(tree.stages) == 1:
                out.change("split", applicability=SAFE).insert_after(
                    tree.instructions[-1], *tree.instructions_from("FROM scratch\nCOPY --from=buildr /app /app\n")
                )
            return out

    r = refactor_text("FROM alpine AS builder\nRUN make\n", "D", [CopiesFromNowhere])
    assert r.status is Status.FAILED
    assert "TST049 broke what BuildKit needs of the stages: copy --from=buildr names no earlier stage" in r.error

    class ForgetsTheArg(Pass):
        """Adds a stage that reads a global ARG it does not declare."""

        code = "TST050"
        name = "forgets-the-arg"
        changes_image = frozenset(IMAGE_CONTRACT)

        def run(self, tree, ctx):
            out = self.outcome()
            if len(tree.stages) == 1:
                out.change("split", applicability=SAFE).insert_after(
                    tree.instructions[-1], *tree.instructions_from("FROM scratch\nWORKDIR /srv/$APP\n")
                )
            return out

    r = refactor_text("ARG APP=web\nFROM alpine\nRUN make\n", "D", [ForgetsTheArg])
    assert r.status is Status.FAILED and "reads $APP without declaring ARG APP" in r.error
