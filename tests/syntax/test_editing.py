"""Editing the tree: immutable nodes, untouched bytes kept, new text in the
file's own style."""

from __future__ import annotations

import attrs
import pytest

import refactor
from refactor.syntax import nodes as n

SOURCE = (
    "# build stage\n"
    "from golang:1.22 as build\n"
    "workdir /src\n"
    "copy . .\n"
    "run go build -o /app \\\n"
    "      ./cmd/app   # keep this comment's spacing\n"
    "\n"
    "cmd [\"/app\"]\n"
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
    edited = tree.insert_before(cmd, user)
    assert edited.code == SOURCE.replace('cmd ["/app"]', 'user app\ncmd ["/app"]')
    assert edited.remove(user).code == SOURCE  # and back
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


def test_whole_stages_can_be_inserted_and_removed():
    tree = refactor.parse(SOURCE)
    stage = refactor.parse("FROM gcr.io/distroless/static AS runtime\nCOPY --from=build /app /app\n")
    out = tree.append(*(tree.instruction(i.code) for i in stage.instructions))
    assert out.code.endswith('cmd ["/app"]\nfrom gcr.io/distroless/static as runtime\ncopy --from=build /app /app\n')
    assert [s.name for s in out.stages] == ["build", "runtime"]
    first = out.stages[0]
    assert out.remove(*first.nodes).code == "# build stage\nfrom gcr.io/distroless/static as runtime\ncopy --from=build /app /app\n"


def test_stages_group_the_body():
    tree = refactor.parse("ARG X\nFROM a AS one\nRUN x\n# two\nFROM b\nCOPY --from=one /x /x\n")
    one, two = tree.stages
    assert (one.index, one.name, [i.name for i in one.instructions]) == (0, "one", ["FROM", "RUN"])
    assert isinstance(one.nodes[-1], n.Comment)  # the comment before the next FROM stays in stage one
    assert (two.name, two.instructions[-1].from_stage) == (None, "one")


def test_parse_instruction_makes_one_typed_node():
    user = refactor.parse_instruction("USER app")
    assert isinstance(user, n.User) and user.code == "USER app\n" and user.line == 0
    with pytest.raises(refactor.DockerfileSyntaxError):
        refactor.parse_instruction("USER a\nUSER b")
    heredoc = refactor.parse_instruction("RUN <<EOF\necho hi\nEOF")
    assert heredoc.heredocs[0].content == "echo hi\n"


def test_identity_not_equality_selects_the_node_to_edit():
    tree = refactor.parse("FROM a\nRUN make\nRUN make\n")
    second = tree.instructions[2]
    assert tree.instructions[1] == second  # equal values ...
    assert tree.remove(second).code == "FROM a\nRUN make\n"  # ... but only this one goes
    stranger = refactor.parse_instruction("RUN make")
    with pytest.raises(ValueError):
        tree.replace(stranger, stranger)  # equal to a node of the tree, but not one of them


def test_every_node_knows_its_line_and_column():
    tree = refactor.parse("# c\n  FROM a\n\n\t  # indented\nRUN x \\\n   # in\n  y\n")
    comment, from_, blank, indented, run = tree.body
    assert (comment.line, comment.column) == (1, 1)
    assert (from_.line, from_.column) == (2, 3)
    assert (blank.line, blank.column) == (3, 1)
    assert (indented.line, indented.column) == (4, 4)
    assert [(ln.line, ln.column) for ln in run.lines] == [(5, 1), (6, 4), (7, 3)]
    assert run.end_line == 7
