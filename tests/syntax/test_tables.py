"""The generated LALR tables are the grammar's, and the fast driver builds
what Lark's own parser builds."""

from __future__ import annotations

import pytest

from refactor.syntax import _tables, tables
from refactor.syntax.lexer import DockerfileLexer
from refactor.syntax.parser import parse

from ..conftest import ROOT, needs_real_corpus, real_corpus_files


def test_generated_tables_match_the_grammar_file():
    assert _tables.GRAMMAR == tables.grammar_text(), (
        "grammar/dockerfile.lark changed: run `python -m refactor.syntax.tables`"
    )


def test_generated_tables_equal_what_lark_compiles_now():
    fresh = tables.compile_tables(tables.grammar_text())
    # State numbers are Lark's own choice; compare the automaton's shape.
    assert sorted(fresh.rules) == sorted(_tables.RULES)
    assert len(fresh.states) == len(_tables.STATES)


_LARK = []


def _lark():
    if not _LARK:
        from lark import Lark

        _LARK.append(Lark(tables.grammar_text(), parser="lalr", lexer=DockerfileLexer, maybe_placeholders=False))
    return _LARK[0]


def _lark_structure(text: str):
    out = []
    for child in _lark().parse(text).children:
        if hasattr(child, "data"):
            out.append((str(child.data), [str(t) for t in child.children]))
        else:
            out.append((child.type, [str(child)]))
    return out


def _our_structure(text: str):
    tree = parse(text, validate=False)
    out = [("BOM", [tree.bom])] if tree.bom else []
    out += [("directive", [d.code]) for d in tree.directives]
    for node in tree.body:
        if hasattr(node, "lines"):
            out.append(("instruction", [ln.code for ln in node.lines] + [b.text for b in node.heredoc_bodies]))
        else:
            out.append(({"Comment": "COMMENT", "BlankLine": "BLANK"}[type(node).__name__], [node.code]))
    return out


FIXTURES = sorted((ROOT / "corpus" / "syntax").glob("*.Dockerfile"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_driver_builds_what_lark_builds_on_fixtures(path):
    text = path.read_bytes().decode("utf-8")
    assert _our_structure(text) == _lark_structure(text)


@pytest.mark.corpus
@needs_real_corpus
def test_driver_builds_what_lark_builds_on_the_real_corpus():
    differing = []
    for path in real_corpus_files()[::5]:  # a fifth of the corpus keeps this to seconds
        text = path.read_bytes().decode("utf-8")
        if _our_structure(text) != _lark_structure(text):
            differing.append(path.name)
    assert differing == []
