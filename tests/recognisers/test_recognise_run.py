"""What recognise_run shares across recognisers: the RUN's forms, wrappers,
where files come from (COPY, .dockerignore, bind mounts), test runners of
other ecosystems, and the shell analysis's own reasons."""

from __future__ import annotations

from refactor.recognisers import RunFacts

GO = {"go.mod": "module example.com/m\n", "main.go": "package main\nfunc main() {}\n"}


def test_exec_form_and_heredoc(recognise):
    facts = recognise('FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN ["go", "build", "-o", "/app", "."]\n', GO)
    assert [a.path for a in facts.builds] == ["/app"]
    facts = recognise(
        "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN <<EOF\ngo test ./...\ngo build -o /app .\nEOF\n", GO
    )
    assert [a.path for a in facts.builds] == ["/app"] and len(facts.tests) == 1


def test_wrappers(recognise):
    head = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"
    facts = recognise(head + "RUN sudo -E env CGO_ENABLED=0 time go build -o /app .\n", GO)
    assert [a.path for a in facts.builds] == ["/app"] and facts.builds[0].details.cgo is False
    facts = recognise("FROM debian\nRUN sudo apt-get install -y curl\n")
    assert facts.installs[0].packages == ("curl",)


def test_copy_sources_map_image_paths_to_the_context(recognise):
    files = {"svc/go.mod": "module example.com/svc\n", "svc/main.go": "package main\n", "other/x.go": "package x\n"}
    facts = recognise("FROM golang:1.22\nCOPY svc/ /build/\nRUN cd /build && go build\n", files)
    assert [a.path for a in facts.builds] == ["/build/svc"]
    # One file at a time, then the rest: go.mod from the first COPY, sources from the second.
    dockerfile = (
        "FROM golang:1.22\nWORKDIR /app\nCOPY svc/go.* ./\nRUN go mod download\nCOPY svc/*.go ./\nRUN go build\n"
    )
    assert [a.path for a in recognise(dockerfile, files).builds] == ["/app/svc"]
    # .dockerignore leaves go.mod out: the module path cannot be read.
    facts = recognise(
        "FROM golang:1.22\nWORKDIR /app\nCOPY svc .\nRUN go build\n", {**files, ".dockerignore": "svc/go.mod\n"}
    )
    assert facts.builds == () and "no go.mod found for /app" in facts.unknown[0]


def test_copy_from_another_stage_is_not_the_context(recognise):
    dockerfile = "FROM alpine AS src\nFROM golang:1.22\nWORKDIR /app\nCOPY --from=src /x .\nRUN go build\n"
    facts = recognise(dockerfile, GO)
    assert "no go.mod found for /app" in facts.unknown[0]


def test_stage_built_from_an_earlier_stage_sees_its_copies(recognise):
    dockerfile = "FROM golang:1.22 AS base\nWORKDIR /src\nCOPY . .\nFROM base\nRUN go build -o /bin/app\n"
    assert [a.path for a in recognise(dockerfile, GO).builds] == ["/bin/app"]


def test_other_ecosystems_test_runners(recognise):
    facts = recognise("FROM node:20\nWORKDIR /app\nRUN npm ci && npm test && npm run test -- --ci && npm run lint\n")
    assert [(t.tool, t.kind, t.cwd) for t in facts.tests] == [("npm", "test", "/app"), ("npm", "test", "/app")]
    assert [c.words() for c in facts.other] == [["npm", "ci"], ["npm", "run", "lint"]]
    facts = recognise("FROM python:3.12\nRUN python -m pytest -q && pytest tests && tox -e py312\n")
    assert [t.tool for t in facts.tests] == ["python", "pytest", "tox"]


def test_shell_reasons_are_kept(recognise):
    facts = recognise("FROM debian\nWORKDIR /src\nRUN . ./env.sh && make\n", {"Makefile": "a:\n\tcc -o a a.c\n"})
    assert facts.unknown == (
        "`.` runs commands the script does not show: `. ./env.sh`",
        "`make`: it runs only under a condition, so what it builds is not certain",
    )
    facts = recognise('FROM debian\nSHELL ["pwsh", "-c"]\nRUN apt-get install -y x\n')
    assert facts.installs == ()
    assert facts.unknown == ("the SHELL ['pwsh', '-c'] is not a POSIX shell with -c: `apt-get install -y x`",)


def test_an_empty_result_is_understood(recognise):
    facts = recognise("FROM debian\nRUN echo hello\n")
    assert facts.understood and facts == RunFacts(other=facts.other)
