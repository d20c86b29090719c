"""Builders: new nodes in a file's style that read back as what was asked,
by this parser and by BuildKit's (the `dockerfile` package)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import refactor
from refactor.syntax import nodes as n
from refactor.syntax.build import json_words

from ..conftest import buildkit

CRLF = refactor.parse("FROM golang:1.22 AS build\r\nRUN go build \\\r\n  ./...\r\n")
LOWER = refactor.parse("from golang:1.22 as build\nrun go build \\\n\t./...\n")
BACKTICK = refactor.parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n      C:\\\n")
STYLES = {"crlf": CRLF, "lower": LOWER, "backtick": BACKTICK, "plain": refactor.parse("FROM a\n")}


def reads_back(tree, *made):
    """Appended to ``tree``, the nodes print, re-parse to equal nodes, and
    BuildKit reads the file; returns BuildKit's commands for them."""
    out = tree.append(*made)
    again = refactor.parse(out.code)
    assert again.body[-len(made) :] == made
    assert all(x.line == 0 for x in made)
    ins = [x for x in made if isinstance(x, n.Instruction)]
    return buildkit().parse_string(out.code)[len(out.instructions) - len(ins) :]


def test_builders_in_a_crlf_file():
    made = CRLF.instructions_from(
        "FROM gcr.io/distroless/static AS runtime\n# the binary only\n\nCOPY --from=build /out /app\nRUN a \\\n  b\n"
    )
    assert [x.code for x in made] == [
        "FROM gcr.io/distroless/static AS runtime\r\n",
        "# the binary only\r\n",
        "\r\n",
        "COPY --from=build /out /app\r\n",
        "RUN a \\\r\n  b\r\n",
    ]
    assert [type(x) for x in made] == [n.From, n.Comment, n.BlankLine, n.Copy, n.Run]
    assert CRLF.blank_line().code == "\r\n" and CRLF.comment("runtime").code == "# runtime\r\n"
    assert CRLF.exec_form("CMD", ["/app", "--port", "8080"]).code == 'CMD ["/app", "--port", "8080"]\r\n'
    assert CRLF.make_from("scratch", alias="final").code == "FROM scratch AS final\r\n"
    assert CRLF.make_copy(["/out"], "/app", from_="build", link=True).code == "COPY --from=build --link /out /app\r\n"
    reads_back(CRLF, *made, CRLF.blank_line(), CRLF.comment("x"), CRLF.exec_form("CMD", ["/app"]))


def test_builders_in_a_lowercase_file():
    assert (
        LOWER.make_from("gcr.io/distroless/static", alias="runtime").code
        == "from gcr.io/distroless/static as runtime\n"
    )
    assert LOWER.exec_form("entrypoint", ["/app"]).code == 'entrypoint ["/app"]\n'
    assert (
        LOWER.make_copy(["go.mod", "go.sum"], "./", chown="app:app").code == "copy --chown=app:app go.mod go.sum ./\n"
    )
    made = LOWER.instructions_from("WORKDIR /app\nRUN make \\\n    install\n")
    assert [x.code for x in made] == ["workdir /app\n", "run make \\\n\tinstall\n"]  # the file's indentation
    reads_back(LOWER, *made)


def test_builders_in_a_backtick_escape_file():
    made = BACKTICK.instructions_from("RUN echo a \\\n  b\nCOPY src C:\\app\\\n")
    assert [x.code for x in made] == ["RUN echo a `\n      b\n", "COPY src C:\\app\\\n"]
    # A word ending with the file's escape would continue the line: JSON form then.
    copy = BACKTICK.make_copy(["a b", "c"], "C:\\dst`")
    assert copy.code == 'COPY ["a b", "c", "C:\\\\dst`"]\n' and copy.value == ("a b", "c", "C:\\dst`")
    cmd = BACKTICK.exec_form("CMD", ["cmd", "/S", "/C", "echo `hi` \\"])
    assert cmd.code == 'CMD ["cmd", "/S", "/C", "echo `hi` \\\\"]\n'
    bk = reads_back(BACKTICK, *made, copy, cmd)
    assert [c.value for c in bk[-2:]] == [("a b", "c", "C:\\dst`"), ("cmd", "/S", "/C", "echo `hi` \\")]


def test_copy_uses_json_form_only_when_shell_form_would_misread_a_word():
    tree = STYLES["plain"]
    assert (
        tree.make_copy(["package.json", "package-lock.json"], "./").code == "COPY package.json package-lock.json ./\n"
    )
    assert tree.make_copy(["my file.txt"], "/app/").code == 'COPY ["my file.txt", "/app/"]\n'
    assert tree.make_copy(["--not-a-flag"], "/x").code == 'COPY ["--not-a-flag", "/x"]\n'
    assert tree.make_copy(["<<EOF"], "/x").code == 'COPY ["<<EOF", "/x"]\n'
    assert tree.make_copy(['["x"]'], "/x").code == 'COPY ["[\\"x\\"]", "/x"]\n'
    assert tree.make_copy(["$HOME/x"], "/x").code == "COPY $HOME/x /x\n"  # BuildKit expands it later, in any form
    assert tree.make_copy(["a b"], "/d/", from_="build").code == 'COPY --from=build ["a b", "/d/"]\n'
    with pytest.raises(ValueError):
        tree.make_copy([], "/x")
    with pytest.raises(ValueError, match="flag value"):
        tree.make_copy(["a"], "/x", chown="a b")


def test_from_builder():
    tree = STYLES["plain"]
    assert tree.make_from("python:3.12-slim").code == "FROM python:3.12-slim\n"
    made = tree.make_from("golang:1.22", alias="Build", platform="$BUILDPLATFORM")
    assert made.code == "FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\n"
    assert (made.image, made.alias, made.platform) == ("golang:1.22", "Build", "$BUILDPLATFORM")
    for image, alias in [("a b", None), ("a", "1st"), ("a", "x y"), ("--x", None)]:
        with pytest.raises(ValueError):
            tree.make_from(image, alias)


def test_refused_words_and_lines():
    tree = STYLES["plain"]
    with pytest.raises(ValueError, match="NUL"):
        json_words(["a\x00"])
    with pytest.raises(ValueError, match="surrogate"):
        json_words(["\ud800"])
    with pytest.raises(ValueError):
        tree.exec_form("COPY", ["a", "b"])
    with pytest.raises(ValueError):
        tree.comment("two\nlines")
    assert tree.comment("").code == "#\n"
    # A snippet's first comment is never taken for a parser directive.
    assert [x.code for x in tree.instructions_from("# escape=`\nRUN a \\\n  b\n")] == [
        "# escape=`\n",
        "RUN a \\\n    b\n",
    ]


def test_json_words_keep_non_ascii_and_escape_what_does_not_print():
    assert json_words(["é", "日本", 'say "hi"', "C:\\dir", "$HOME", "a\tb", "\u2028", "\xa0"]) == (
        '["é", "日本", "say \\"hi\\"", "C:\\\\dir", "$HOME", "a\\tb", "\\u2028", "\\u00a0"]'
    )


# Words from every character class that matters: quotes, escapes, `$`, spaces of all
# kinds, brackets, heredoc markers, non-ASCII, controls (no NUL: the bindings stop at it).
SPECIAL = st.sampled_from(
    [
        '"',
        "'",
        "\\",
        "`",
        "$",
        "${X}",
        " ",
        "\t",
        "\n",
        "\r",
        "\xa0",
        "\u2028",
        "\x85",
        "[",
        "]",
        ",",
        "<<",
        "<<EOF",
        "--",
        "#",
        "é",
        "日",
        "\U0001f600",
        "\ufeff",
        "\x7f",
        "\x01",
    ]
)
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
PRINTABLE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8)  # shell form
WORD = st.one_of(
    PRINTABLE, st.lists(st.one_of(SPECIAL, PRINTABLE, st.text(CHARS, max_size=3)), max_size=4).map("".join)
)


@given(
    st.sampled_from(sorted(STYLES)),
    st.sampled_from(["CMD", "ENTRYPOINT", "RUN", "SHELL", "cmd"]),
    st.lists(WORD, max_size=5),
)
def test_exec_form_reads_back_as_the_words_in_buildkit(style, keyword, words):
    tree = STYLES[style]
    made = tree.exec_form(keyword, words)
    (command,) = reads_back(tree, made)
    assert command.json is True and list(command.value) == words
    assert made.is_exec_form and list(made.value) == words


FLAG = st.sampled_from([None, "build", "0", "app:app", "1000:1000", "0755", "u=rwx,go=rx", "$STAGE"])


@given(st.sampled_from(sorted(STYLES)), st.lists(WORD, min_size=1, max_size=3), WORD, FLAG, FLAG, FLAG, st.booleans())
def test_copy_reads_back_as_the_words_in_buildkit(style, sources, dest, from_, chown, chmod, link):
    tree = STYLES[style]
    made = tree.make_copy(sources, dest, from_=from_, chown=chown, chmod=chmod, link=link)
    (command,) = reads_back(tree, made)
    assert list(command.value) == [*sources, dest]
    expected = [f"--{k}={v}" for k, v in (("from", from_), ("chown", chown), ("chmod", chmod)) if v is not None]
    assert list(command.flags) == expected + (["--link"] if link else [])
    assert not command.heredocs
