"""MSB101 on generated single-stage Go, Rust and C Dockerfiles (comments,
ARG and ENV placement, keyword case, continuation lines, CRLF): every split
re-parses, is stable, declares in each stage every variable its expanded
instructions read, and keeps every original instruction byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refactor import parse
from refactor.analysis.expand import references
from refactor.context import BuildContext
from refactor.engine import Status, refactor_text
from refactor.passes import select
from refactor.split import CONFIG_ONLY

CONTEXTS = {
    "go": {"go.mod": "module example.com/app\n\ngo 1.19\n", "main.go": "package main\n\nfunc main() {}\n"},
    "rust": {"Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n', "src/main.rs": "fn main() {}\n"},
    "c": {"Makefile": "app: app.c\n\tcc -o app app.c\n", "app.c": "int main(void) { return 0; }\n"},
}
BUILDS = {
    "go": ("golang:1.22", "CGO_ENABLED=0 go build -o /usr/local/bin/app .", '["app"]'),
    "rust": ("rust:1.63", "cargo build --release", '["./target/release/app"]'),
    "c": ("gcc:14", "make app", '["./app"]'),
}
# Instructions BuildKit expands variables in (the shell reads RUN's itself).
EXPANDED = {"ENV", "WORKDIR", "LABEL", "EXPOSE", "COPY", "ADD", "USER", "STOPSIGNAL", "VOLUME"}


@pytest.fixture(scope="module")
def contexts(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for eco, files in CONTEXTS.items():
        root = tmp_path_factory.mktemp(eco)
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        out[eco] = root
    return out


comments = st.lists(st.sampled_from(["# a comment", "", "#", "# build it: $NOT_A_VAR"]), max_size=2)


@st.composite
def dockerfiles(draw):
    eco = draw(st.sampled_from(sorted(BUILDS)))
    image, build, cmd = BUILDS[eco]
    lower = draw(st.booleans())
    crlf = draw(st.booleans())
    lines: list[str] = []

    def add(text: str) -> None:
        lines.extend(draw(comments))
        keyword, _, rest = text.partition(" ")
        lines.append((keyword.lower() if lower else keyword) + " " + rest)

    global_arg = draw(st.booleans())
    if global_arg:
        add("ARG BASE=" + image)
        add("FROM ${BASE}")
    else:
        add("FROM " + image)
    workdir = draw(st.sampled_from(["/src", "/app", "/usr/src/app"]))
    add(f"WORKDIR {workdir}")
    env_before = draw(st.booleans())
    if draw(st.booleans()):
        add("ARG PORT=8080")
        env = "ENV PORT=$PORT"
    else:
        env = "ENV PORT=8080"
    if env_before:
        add(env)
    add("COPY . .")
    if draw(st.booleans()):  # the same command over continuation lines
        build = build.replace(" ", " \\\n    ", 1)
    add("RUN " + build)
    if not env_before:
        add(env)
    add("EXPOSE $PORT" if "$PORT" in env else "EXPOSE 8080")
    add("CMD " + cmd)
    newline = "\r\n" if crlf else "\n"
    return eco, newline.join(lines) + newline


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dockerfiles())
def test_every_generated_split_is_sound(contexts, case):
    eco, text = case
    ctx = BuildContext(contexts[eco])
    passes = select(["MSB101"])
    result = refactor_text(text, "Dockerfile", passes, build_context=ctx)
    assert result.status is Status.CHANGED, (result.status, result.reason, result.error, text)
    tree = parse(result.output)
    assert tree.code == result.output
    builder, runtime = tree.stages
    assert runtime.from_ is tree.stages[-1].from_  # the runtime is last: `docker build .` builds it

    # stable: a second run changes nothing
    again = refactor_text(result.output, "Dockerfile", passes, build_context=ctx)
    assert again.status in (Status.UNCHANGED, Status.SKIPPED)

    # every original instruction, byte for byte: build steps in the builder, in
    # order; what only configures the image in the runtime
    original = parse(text)
    kept = [i.code for i in original.stages[0].instructions[1:] if i.name not in CONFIG_ONLY]
    assert [i.code for i in builder.instructions[1:] if i.code in kept] == kept
    moved = [i.code for i in original.stages[0].instructions if i.name in CONFIG_ONLY]
    assert [i.code for i in runtime.instructions if i.code in moved] == moved

    # every variable an expanded instruction reads is declared in its stage
    for stage in tree.stages:
        declared: set[str] = set()
        for ins in stage.instructions[1:]:
            if ins.name == "ARG":
                declared.update(name for name, _ in ins.pairs)
            elif ins.name in EXPANDED:
                for name in references(ins.rest, tree.escape):
                    assert name in declared or ins.name == "ENV" and name in ins.rest.split("=")[0], (
                        name,
                        ins.code,
                        result.output,
                    )
                if ins.name == "ENV":
                    declared.update(k for k, _ in ins.pairs)
