"""Editing the tree: immutable nodes, untouched bytes kept, new text in the
file's own style."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import refactor

from ..conftest import needs_real_corpus, real_corpus_files

SOURCE = (
    "# build stage\n"
    "from golang:1.22 as build\n"
    "workdir /src\n"
    "copy . .\n"
    "run go build -o /app \\\n"
    "      ./cmd/app   # keep this comment's spacing\n"
    "\n"
    'cmd ["/app"]\n'
)


def test_nodes_are_immutable():
    tree = refactor.parse(SOURCE)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        tree.body = ()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        tree.instructions[0].lines = ()


def test_insert_remove_replace_keep_every_untouched_byte():
    tree = refactor.parse(SOURCE)
    from_, workdir, copy, run, cmd = tree.instructions
    user = tree.instruction("USER app")
    edited = tree.insert_before(cmd, user)  # above the blank line CMD owns
    assert edited.code == SOURCE.replace('\ncmd ["/app"]', 'user app\n\ncmd ["/app"]')
    assert edited.remove(user).code == SOURCE  # and back
    # Ownership is by position: a node put between CMD and its blank line takes the line.
    wedged = tree.insert_after(tree.leading(cmd)[-1], user)
    assert wedged.remove(user).code == SOURCE.replace("\ncmd", "cmd")
    assert wedged.remove(user, with_leading=False).code == SOURCE
    replaced = tree.replace(copy, tree.instruction("COPY go.mod go.sum ./"), tree.instruction("COPY . ."))
    assert replaced.code == SOURCE.replace("copy . .\n", "copy go.mod go.sum ./\ncopy . .\n")
    assert tree.code == SOURCE  # the original tree did not change


def test_new_text_follows_line_endings_keyword_case_and_continuation_indent():
    crlf = refactor.parse(SOURCE.replace("\n", "\r\n"))
    made = crlf.instruction("RUN apk add \\\n  curl \\\n  git")
    assert made.code == "run apk add \\\r\n      curl \\\r\n      git\r\n"
    upper = refactor.parse("FROM a\nRUN b\n").instruction("user app")
    assert upper.code == "USER app\n"


def test_backtick_files_get_backtick_continuations():
    tree = refactor.parse("# escape=`\nFROM a\nRUN b `\n    c\n")
    made = tree.instruction("RUN x \\\n    y")
    assert made.code == "RUN x `\n    y\n" and made.rest == "x     y"


def test_appending_to_a_file_without_final_newline_keeps_it_without_one():
    tree = refactor.parse("FROM a\nRUN b")
    out = tree.append(tree.instruction("USER app"))
    assert out.code == "FROM a\nRUN b\nUSER app"
    assert refactor.parse(out.code).code == out.code


def test_seams_after_a_removal_keep_the_text_reading_the_same():
    # No final newline, and a blank line left last: it goes, rather than print as nothing.
    tree = refactor.parse("# license\n\nFROM a\nRUN b")
    out = tree.remove_stage(tree.stages[0])
    assert out.code == "# license\n" and refactor.parse(out.code) == out
    # A heading that would come first and read as a parser directive stays a comment.
    tree = refactor.parse("FROM a\n# escape=`\nFROM b\n")
    out = tree.remove_stage(tree.stages[0])
    assert out.code == "\n# escape=`\nFROM b\n" and refactor.parse(out.code) == out


def test_whole_stages_can_be_inserted_and_removed():
    tree = refactor.parse(SOURCE)
    stage = refactor.parse("FROM gcr.io/distroless/static AS runtime\nCOPY --from=build /app /app\n")
    out = tree.insert_stage(tree.blank_line(), *(tree.instruction(i.code) for i in stage.instructions))
    assert out.code.endswith('cmd ["/app"]\n\nfrom gcr.io/distroless/static as runtime\ncopy --from=build /app /app\n')
    assert [s.name for s in out.stages] == ["build", "runtime"]
    # The build stage goes with its heading comment; the runtime stage keeps its blank line.
    assert (
        out.remove_stage(out.stages[0]).code
        == "\nfrom gcr.io/distroless/static as runtime\ncopy --from=build /app /app\n"
    )


def test_stages_group_the_body():
    tree = refactor.parse("ARG X\nFROM a AS one\nRUN x\n# two\nFROM b\nCOPY --from=one /x /x\n# end\n")
    one, two = tree.stages
    assert (one.index, one.name, [i.name for i in one.instructions]) == (0, "one", ["FROM", "RUN"])
    assert one.leading == () and one.nodes[-1] is one.instructions[-1]  # the next stage's heading is not in it
    assert [c.text for c in two.leading] == ["# two"] and tree.body[two.start] is two.from_
    assert (two.name, two.instructions[-1].from_stage) == (None, "one")
    assert two.nodes == tree.body[two.start : two.end] and two.end == len(tree.body) - 1  # `# end` is the file's
    assert [c.text for c in tree.trailing()] == ["# end"]


STAGES = (
    "# syntax is a comment here\n"
    "# Copyright 2024 Example\n"
    "\n"
    "# build the binary\n"
    "FROM golang:1.22 AS build\n"
    "# dependencies first\n"
    "COPY go.mod go.sum ./\n"
    "RUN go mod download\n"
    "\n"
    "# tests: not shipped\n"
    "FROM build AS test\n"
    "RUN go test ./...\n"
    "\n"
    "# runtime\n"
    "FROM gcr.io/distroless/static\n"
    "COPY --from=build /app /app\n"
    "# vim: ft=dockerfile\n"
)


def test_leading_lines_header_and_trailing():
    tree = refactor.parse(STAGES)
    build, test, runtime = tree.stages

    def texts(nodes):
        return [x.code.rstrip("\n") for x in nodes]

    assert texts(tree.header()) == ["# syntax is a comment here", "# Copyright 2024 Example", ""]
    assert texts(tree.leading(build.from_)) == ["# build the binary"] == texts(build.leading)
    assert texts(tree.leading(test.from_)) == ["", "# tests: not shipped"]  # the blank line above goes too
    assert texts(tree.leading(build.instructions[1])) == ["# dependencies first"]
    assert tree.leading(build.instructions[2]) == ()
    assert texts(tree.trailing()) == ["# vim: ft=dockerfile"]
    comment = tree.leading(runtime.from_)[-1]
    assert tree.leading(comment) == () and tree.owned(comment) == (comment,)  # only instructions own lines
    assert texts(tree.owned(runtime.from_)) == ["", "# runtime", "FROM gcr.io/distroless/static"]
    # Header, each instruction's owned lines and the trailing lines cover the body once, in order.
    covered = tree.header() + sum((tree.owned(i) for i in tree.instructions), ()) + tree.trailing()
    assert [id(x) for x in covered] == [id(x) for x in tree.body]


@pytest.mark.parametrize(
    ("text", "header", "leading"),
    [
        ("# build\nFROM a\n", [], ["# build"]),  # no blank line: the comment is the stage's heading
        ("# msb-refactor: ignore\n\nFROM a\n", ["# msb-refactor: ignore", ""], []),
        ("# license\n\n# build\nFROM a\n", ["# license", ""], ["# build"]),
        ("\n\n# a\n\n# b\nFROM a\n", ["", "", "# a", ""], ["# b"]),
        ("FROM a\n", [], []),
    ],
)
def test_a_file_header_ends_at_the_last_blank_line_before_the_first_instruction(text, header, leading):
    tree = refactor.parse(text)
    assert [x.text for x in tree.header()] == header
    assert [x.text for x in tree.stages[0].leading] == leading


def test_a_stage_is_removed_with_its_heading_and_the_next_keeps_its_own():
    tree = refactor.parse(STAGES)
    out = tree.remove_stage(tree.stages[1])
    assert out.code == STAGES.replace("\n# tests: not shipped\nFROM build AS test\nRUN go test ./...\n", "")
    first = tree.remove_stage(tree.stages[0])
    assert first.code == (
        "# syntax is a comment here\n# Copyright 2024 Example\n\n"
        "\n# tests: not shipped\nFROM build AS test\nRUN go test ./...\n"
        "\n# runtime\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\n# vim: ft=dockerfile\n"
    )
    last = tree.remove_stage(tree.stages[2])  # the file's trailing comment stays
    assert last.code.endswith("RUN go test ./...\n# vim: ft=dockerfile\n")
    assert [s.name for s in last.stages] == ["build", "test"]
    stale = tree.stages[1]
    assert out.remove_stage(tree.stages[0]).stages[0].from_ is tree.stages[2].from_  # a stage found by its FROM
    with pytest.raises(ValueError, match="FROM at line 11"):
        out.remove_stage(stale)


def test_a_new_stage_goes_before_a_stage_heading_or_before_the_trailing_lines():
    tree = refactor.parse(STAGES)
    new = tree.instructions_from("# lint\nFROM build AS lint\nRUN go vet ./...\n")
    before = tree.insert_stage(*new, before=tree.stages[2])
    assert before.code == STAGES.replace("\n# runtime\n", "# lint\nFROM build AS lint\nRUN go vet ./...\n\n# runtime\n")
    at_end = tree.insert_stage(*tree.instructions_from("FROM scratch\n"))
    assert at_end.code.endswith("COPY --from=build /app /app\nFROM scratch\n# vim: ft=dockerfile\n")
    with pytest.raises(ValueError, match="FROM"):
        tree.insert_stage(tree.instruction("RUN x"))


def test_an_instruction_moves_with_its_comment():
    tree = refactor.parse(STAGES)
    build, test, runtime = tree.stages
    copy = build.instructions[1]  # with `# dependencies first`
    down = tree.move(copy, after=build.instructions[2])
    assert down.code == STAGES.replace(
        "# dependencies first\nCOPY go.mod go.sum ./\nRUN go mod download\n",
        "RUN go mod download\n# dependencies first\nCOPY go.mod go.sum ./\n",
    )
    # Before an instruction means before its leading lines too.
    up = tree.move(runtime.instructions[1], before=test.from_)
    assert up.code == STAGES.replace(
        "RUN go mod download\n\n", "RUN go mod download\nCOPY --from=build /app /app\n\n", 1
    ).replace("FROM gcr.io/distroless/static\nCOPY --from=build /app /app\n", "FROM gcr.io/distroless/static\n")
    assert down.move(down.stages[0].instructions[2], before=down.stages[0].instructions[1]).code == STAGES
    with pytest.raises(ValueError, match="itself"):
        tree.move(copy, before=copy)
    with pytest.raises(TypeError):
        tree.move(copy)


def test_a_node_twice_in_a_body_is_refused():
    tree = refactor.parse("FROM a\nRUN make\nRUN make test\n")
    from_, make, test = tree.instructions
    with pytest.raises(ValueError, match="RUN at line 2 would appear twice"):
        tree.insert_after(test, make)  # a move that forgot to remove it
    with pytest.raises(ValueError, match="RUN at line 3"):
        tree.with_body([from_, test, make, test])
    with pytest.raises(ValueError, match="twice"):
        tree.move(make, make, after=test)
    made = tree.instruction("USER app")
    with pytest.raises(ValueError, match="new USER"):
        tree.append(made, made)
    # Nodes equal by value are fine as long as they are distinct objects.
    out = tree.append(tree.blank_line(), tree.blank_line(), tree.instruction("RUN make"))
    assert out.code == "FROM a\nRUN make\nRUN make test\n\n\nRUN make\n"
    with pytest.raises(ValueError, match="not in this Dockerfile"):
        tree.remove(made)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["move", "remove", "insert", "remove_stage", "insert_stage"]),
            st.integers(0, 99),
            st.integers(0, 99),
            st.booleans(),
        ),
        max_size=6,
    )
)
def test_any_sequence_of_edits_reads_back_as_the_edited_tree(ops):
    edited = refactor.parse(STAGES)
    for op, a, b, flag in ops:
        ins = edited.instructions
        if not ins:
            break
        x, y = ins[a % len(ins)], ins[b % len(ins)]
        try:
            if op == "move":
                edited = edited.move(x, **{"before" if flag else "after": y})
            elif op == "remove":
                edited = edited.remove(x, with_leading=flag)
            elif op == "insert":
                edited = edited.insert_before(y, edited.comment("new"), edited.instruction("RUN new"))
            elif op == "remove_stage" and edited.stages:
                edited = edited.remove_stage(edited.stages[a % len(edited.stages)])
            elif op == "insert_stage":
                edited = edited.insert_stage(*edited.instructions_from("\nFROM x\n"))
        except ValueError:
            continue  # moving a node next to itself
    again = refactor.parse(edited.code)
    assert again == edited and again.code == edited.code
    covered = edited.header() + sum((edited.owned(i) for i in edited.instructions), ()) + edited.trailing()
    assert [id(x) for x in covered] == [id(x) for x in edited.body]


@pytest.mark.corpus
@needs_real_corpus
def test_ownership_covers_every_real_dockerfile_and_stages_come_out_cleanly():
    files = real_corpus_files()
    assert len(files) >= 3733
    removed = 0
    for path in files:
        tree = refactor.parse(path.read_bytes().decode("utf-8"), str(path))
        covered = tree.header() + sum((tree.owned(i) for i in tree.instructions), ()) + tree.trailing()
        assert [id(x) for x in covered] == [id(x) for x in tree.body], path.name
        stages = tree.stages
        for stage in stages:
            assert tree.body[stage.start - len(stage.leading) : stage.end] == stage.leading + stage.nodes
            out = tree.remove_stage(stage)
            again = refactor.parse(out.code)
            assert again.code == out.code and again == out and len(again.stages) == len(stages) - 1, path.name
            removed += 1
    assert removed >= 3700
