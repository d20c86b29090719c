"""The stage graph: FROM parents, COPY --from and RUN --mount=from edges,
resolved as BuildKit resolves them."""

from __future__ import annotations

import refactor
from refactor.analysis.stages import Edge, ancestry, before, stage_graph, stage_of


def graph(text: str):
    return stage_graph(refactor.parse(text))


def edges(info):
    return [(e.kind, e.ref, e.stage, e.image, e.problem) for e in (info.base, *info.uses)]


MULTI = """\
ARG GO_VERSION=1.22
FROM golang:${GO_VERSION} AS Builder
RUN go build -o /app
FROM builder AS test
RUN go test ./...
FROM alpine AS assets
RUN touch /a
FROM scratch
COPY --from=BUILDER /app /app
COPY --from=2 /a /a
RUN --mount=from=Test,target=/t,source=/x true
"""


def test_from_copy_and_mount_edges():
    g = graph(MULTI)
    assert [s.name for s in g] == ["builder", "test", "assets", None]
    assert edges(g[0]) == [("from", "golang:1.22", None, "golang:1.22", None)]
    assert edges(g[1]) == [("from", "builder", 0, None, None)]
    assert edges(g[3]) == [
        ("from", "scratch", None, "scratch", None),
        ("copy", "BUILDER", 0, None, None),  # names are case-insensitive
        ("copy", "2", 2, None, None),  # an index in --from
        ("mount", "Test", 1, None, None),
    ]
    assert g[3].deps == (0, 2, 1)
    assert g.final.index == 3
    assert g.needed_by_final == frozenset({0, 1, 2, 3})
    assert g.needed_by(1) == frozenset({0, 1})
    assert [s.index for s in g.chain(1)] == [1, 0]
    assert g.root(1).image == "golang:1.22"
    assert g.by_name("TEST").index == 1
    assert [e.kind for e in g.users_of(0)] == ["from", "copy"]


def test_unused_stage_is_not_needed_by_final():
    g = graph("FROM alpine AS lint\nRUN lint\nFROM alpine AS build\nRUN make\nFROM scratch\nCOPY --from=build /o /o\n")
    assert g.needed_by_final == frozenset({1, 2})


def test_a_number_in_from_is_an_image_but_in_copy_from_an_index():
    g = graph("FROM alpine\nFROM 0\nCOPY --from=0 /a /a\nRUN --mount=from=0,target=/m true\n")
    assert edges(g[1]) == [
        ("from", "0", None, "0", None),
        ("copy", "0", 0, None, None),
        ("mount", "0", None, "0", None),  # a mount names stages by name only
    ]


def test_only_earlier_stages_are_referenced():
    g = graph(
        "FROM later AS first\nCOPY --from=later /a /a\nCOPY --from=1 /b /b\nCOPY --from=first /c /c\n"
        "FROM alpine AS later\n"
    )
    assert edges(g[0]) == [
        ("from", "later", None, "later", None),  # an image named "later", not the stage below
        ("copy", "later", None, None, "stage 'later' is not defined before this stage"),
        ("copy", "1", None, None, "stage 1 is not defined before this stage: the build fails"),
        ("copy", "first", None, None, "stage 'first' is not defined before this stage"),
    ]
    assert g[0].deps == ()


def test_copy_from_an_image_and_refused_forms():
    g = graph(
        "FROM alpine AS a\nFROM scratch\nCOPY --from=nginx:1.25 /etc/nginx /n\nCOPY --from=$X /a /a\n"
        "COPY --from=7 /b /b\nADD --from=a /c /c\nRUN --mount=type=tmpfs,target=/t --mount=type=cache,target=/c"
        " true\n"
    )
    assert edges(g[1])[1:] == [
        ("copy", "nginx:1.25", None, "nginx:1.25", None),
        ("copy", "$X", None, None, "BuildKit does not expand variables in --from: the build fails"),
        ("copy", "7", None, None, "invalid stage index 7: the build fails"),
        ("copy", "a", None, None, "ADD has no --from flag: BuildKit fails the build"),
    ]


def test_global_args_in_from():
    g = graph(
        "ARG REG=docker.io\nARG BASE=$REG/library/python:3.12\nARG TAG\n"
        "FROM $BASE AS py\nFROM alpine:${TAG}\nFROM ${NOT_DECLARED}x\nFROM --platform=$BUILDPLATFORM ${TARGETARCH}\n"
    )
    assert edges(g[0])[0] == ("from", "docker.io/library/python:3.12", None, "docker.io/library/python:3.12", None)
    assert edges(g[1])[0] == (
        "from",
        "alpine:${TAG}",
        None,
        None,
        "ARG TAG has no default: only --build-arg TAG sets it",
    )
    assert edges(g[2])[0] == ("from", "x", None, "x", None)  # undeclared: empty, as BuildKit
    assert g[3].base.problem == "$TARGETARCH depends on the build's platform"


def test_from_a_stage_named_by_a_global_arg():
    g = graph("ARG VARIANT=slim\nFROM alpine AS base-slim\nFROM base-${VARIANT}\n")
    assert g[1].parent == 0


def test_stage_of_by_identity():
    tree = refactor.parse("ARG A\nFROM alpine\nRUN true\nFROM alpine\nRUN true\n")
    g = stage_graph(tree)
    runs = [n for n in tree.instructions if n.name == "RUN"]
    assert [g.stage_of(r).index for r in runs] == [0, 1]
    assert g.stage_of(tree.instructions[0]) is None  # a global ARG
    other = refactor.parse("FROM alpine\nRUN true\n").instructions[1]
    assert g.stage_of(other) is None  # equal, but not this tree's node


def test_edge_equality_ignores_the_node():
    a = graph("FROM alpine AS x\nFROM x\n")[1].base
    b = graph("FROM alpine AS x\n\nFROM x\n")[1].base
    assert a == b == Edge("from", "x", 0, None)


def test_older_helpers_still_work():
    tree = refactor.parse('FROM alpine AS a\nSHELL ["/bin/bash", "-c"]\nFROM A AS b\nRUN x\nCMD y\n')
    stages = tree.stages
    assert [s.index for s in ancestry(tree, stages[1])] == [1, 0]
    cmd = stages[1].instructions[-1]
    assert stage_of(tree, cmd).index == 1
    assert [n.name for n in before(stages[1], cmd)] == ["FROM", "RUN"]


def test_a_global_arg_buildkit_refuses():
    g = graph("ARG V=${x:y}\nFROM alpine:$V\n")
    assert g[0].base.problem == "ARG V: unsupported modifier (:y) in substitution (BuildKit fails the build)"
