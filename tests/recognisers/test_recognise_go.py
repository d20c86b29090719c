"""go build / go install / go test: output paths, names, flags, cgo, and every reason."""

from __future__ import annotations

import pytest

GO_MOD = "module example.com/svc\n\ngo 1.22\n"
MAIN = "package main\n\nfunc main() {}\n"
CGO_MAIN = 'package main\n\n// #include <stdio.h>\nimport "C"\n\nfunc main() {}\n'
CGO_BLOCK = 'package main\n\nimport (\n\t"fmt"\n\t"C"\n)\n\nfunc main() { fmt.Println() }\n'
SRC = {"go.mod": GO_MOD, "main.go": MAIN}
HEAD = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\n"


def paths(facts):
    return [a.path for a in facts.builds]


@pytest.mark.parametrize(
    "run, files, expected",
    [
        ("go build", SRC, ["/src/svc"]),  # no -o: the module path's last element, in the cwd
        ("go build .", SRC, ["/src/svc"]),
        ("go build -o app", SRC, ["/src/app"]),
        ("go build -o /out/ .", SRC, ["/out/svc"]),  # a trailing slash: a directory
        ("go build -o=/bin/x .", SRC, ["/bin/x"]),
        ("go build -o /usr/local/bin .", SRC, ["/usr/local/bin/svc"]),  # an existing directory
        ("go build ./cmd/api", {**SRC, "cmd/api/main.go": MAIN}, ["/src/api"]),
        ("cd cmd/api && go build", {**SRC, "cmd/api/main.go": MAIN}, ["/src/cmd/api/api"]),
        ("go build example.com/svc/cmd/api", {**SRC, "cmd/api/main.go": MAIN}, ["/src/api"]),
        ("go build -o /out/ ./cmd/...", {**SRC, "cmd/a/main.go": MAIN, "cmd/b/main.go": MAIN}, ["/out/a", "/out/b"]),
        ("go build main.go util.go", SRC, ["/src/main"]),  # files: named after the first
        ("go build -C cmd/api -o /x", {**SRC, "cmd/api/main.go": MAIN}, ["/x"]),
        ("go build -o bin/ ./...", {**SRC, "lib/lib.go": "package lib\n"}, ["/src/bin/svc"]),
    ],
)
def test_output_paths(recognise, run, files, expected):
    facts = recognise(HEAD + f"RUN {run}\n", files)
    assert facts.unknown == ()
    assert paths(facts) == expected


def test_major_version_suffix_is_skipped(recognise):
    facts = recognise(HEAD + "RUN go build\n", {"go.mod": "module example.com/tool/v2\n", "main.go": MAIN})
    assert paths(facts) == ["/src/tool"]


def test_pattern_skips_vendor_testdata_hidden_and_nested_modules(recognise):
    files = {
        **SRC,
        "cmd/a/main.go": MAIN,
        "vendor/x/main.go": MAIN,
        "testdata/t/main.go": MAIN,
        "_old/main.go": MAIN,
        "tools/go.mod": "module example.com/tools\n",
        "tools/gen/main.go": MAIN,
        "lib/lib.go": "package lib\n",
    }
    facts = recognise(HEAD + "RUN go build -o /out/ ./...\n", files)
    assert paths(facts) == ["/out/svc", "/out/a"]


def test_several_packages_without_o_is_a_check(recognise):
    facts = recognise(HEAD + "RUN go build ./...\n", SRC)
    assert facts.builds == () and [(t.tool, t.kind) for t in facts.tests] == [("go", "check")]


def test_go_mod_init_earlier_names_the_module(recognise):
    facts = recognise("FROM golang:1.22\nWORKDIR /app\nCOPY main.go .\nRUN go mod init hello && go build\n", SRC)
    assert paths(facts) == ["/app/hello"]


def test_output_directory_from_mkdir_and_from_the_context(recognise):
    facts = recognise(HEAD + "RUN mkdir -p /out && go build -o /out .\n", SRC)
    assert paths(facts) == ["/out/svc"]
    # The context has a directory `server`: COPY made /src/server a directory.
    facts = recognise(HEAD + "RUN go build -o server .\n", {**SRC, "server/README": "x"})
    assert paths(facts) == ["/src/server/svc"]


def test_go_install_uses_gobin_then_gopath(recognise):
    assert paths(recognise(HEAD + "RUN go install .\n", SRC)) == ["/go/bin/svc"]  # golang image: GOPATH=/go
    facts = recognise(HEAD + "ENV GOBIN=/usr/local/bin\nRUN go install ./...\n", SRC)
    assert paths(facts) == ["/usr/local/bin/svc"] and facts.builds[0].variables == ("GOBIN",)
    assert paths(recognise(HEAD + "RUN GOPATH=/gp:/x go install .\n", SRC)) == ["/gp/bin/svc"]
    facts = recognise(HEAD + "RUN go install github.com/swaggo/swag/cmd/swag@v1.16.3\n", SRC)
    assert paths(facts) == ["/go/bin/swag"]
    assert facts.builds[0].details.remote and facts.builds[0].details.imports_c is None


def test_go_install_reasons(recognise):
    facts = recognise("FROM debian:bookworm\nWORKDIR /src\nCOPY . .\nRUN go install .\n", SRC)
    assert facts.unknown == (
        "`go install .`: GOPATH and GOBIN are not set, so `go install` uses $HOME/go/bin: set GOBIN",
    )
    facts = recognise("FROM example/go-builder\nWORKDIR /src\nCOPY . .\nRUN go install .\n", SRC)
    assert facts.unknown == (
        "`go install .`: cannot tell where `go install` puts binaries: $GOBIN may be set by the ENV of base image example/go-builder",
    )
    facts = recognise(HEAD + "RUN GOOS=linux GOARCH=arm64 go install .\n", SRC)
    assert facts.builds == () and "with GOOS set" in facts.unknown[0]
    facts = recognise(HEAD + "RUN go install -o /x .\n", SRC)
    assert facts.unknown == ("`go install -o /x .`: `go install` does not take -o",)


def test_cgo_setting_from_the_command_env_and_export(recognise):
    def cgo(run, env=""):
        return recognise(HEAD + env + f"RUN {run}\n", SRC).builds[0].details.cgo

    assert cgo("go build -o /a .") is None
    assert cgo("CGO_ENABLED=0 go build -o /a .") is False
    assert cgo("go build -o /a .", "ENV CGO_ENABLED=1\n") is True
    assert cgo("export CGO_ENABLED=0 && go build -o /a .") is False
    assert cgo("env CGO_ENABLED=0 GOOS=linux go build -o /a .") is False
    details = recognise(HEAD + "ARG TARGETARCH\nRUN CGO_ENABLED=0 GOARCH=$TARGETARCH go build -o /a .\n", SRC)
    assert details.builds[0].details.env == (("CGO_ENABLED", "0"), ("GOARCH", None))


def test_cgo_scan_reads_the_modules_go_files(recognise):
    def scan(files, dockerignore=None):
        if dockerignore:
            files = {**files, ".dockerignore": dockerignore}
        d = recognise(HEAD + "RUN go build -o /a .\n", files).builds[0].details
        return d.imports_c, d.cgo_files

    assert scan(SRC) == (False, ())
    assert scan({**SRC, "c.go": CGO_MAIN}) == (True, ("c.go",))
    assert scan({**SRC, "internal/x/c.go": CGO_BLOCK}) == (True, ("internal/x/c.go",))
    assert scan({**SRC, "c_test.go": CGO_MAIN}) == (False, ())  # tests are not built
    assert scan({**SRC, "vendor/github.com/x/y/c.go": CGO_MAIN}) == (True, ("vendor/github.com/x/y/c.go",))
    assert scan({**SRC, "legacy/c.go": CGO_MAIN}, "legacy\n") == (False, ())  # not sent with the build
    assert scan({**SRC, "doc.go": 'package main\n// import "C" in a comment\n'}) == (False, ())


def test_modules_known_to_need_cgo(recognise):
    mod = GO_MOD + "\nrequire (\n\tgithub.com/mattn/go-sqlite3 v1.14.22\n\tgolang.org/x/text v0.14.0\n)\n"
    d = recognise(HEAD + "RUN go build -o /a .\n", {"go.mod": mod, "main.go": MAIN}).builds[0].details
    assert d.cgo_modules == ("github.com/mattn/go-sqlite3",) and d.imports_c is False


def test_sources_not_from_the_context(recognise):
    # An explicit -o FILE needs no module path; the cgo scan has nothing to read.
    facts = recognise("FROM golang:1.22\nWORKDIR /src\nRUN git clone https://x/y . && go build -o /a .\n", SRC)
    assert [a.path for a in facts.builds] == ["/a"] and facts.builds[0].details.imports_c is None
    facts = recognise("FROM golang:1.22\nWORKDIR /src\nRUN git clone https://x/y . && go build\n", SRC)
    assert facts.unknown == (
        "`go build`: no go.mod found for /src in the build context: cannot tell the module path that names the binary; add `-o NAME`",
    )
    facts = recognise("FROM golang:1.22\nWORKDIR /src\nRUN git clone https://x/y . && go build ./...\n", SRC)
    assert facts.unknown == () and [t.kind for t in facts.tests] == ["check"]


def test_gopath_mode(recognise):
    # Go before 1.16 without go.mod, or GO111MODULE=off: named after the directory.
    files = {"main.go": "package main\n", "cmd/b/main.go": "package main\n"}
    head = "FROM golang:1.12\nWORKDIR /go/src/github.com/me/tool/v2\nCOPY . .\n"
    assert paths(recognise(head + "RUN go install ./...\n", files)) == ["/go/bin/v2", "/go/bin/b"]
    head = "FROM golang:1.22\nENV GO111MODULE=off\nWORKDIR /work/app\nCOPY . .\n"
    assert paths(recognise(head + "RUN go build\n", files)) == ["/work/app/app"]


def test_flags_are_reported(recognise):
    run = 'RUN go build -trimpath -tags "netgo osusergo" -ldflags="-s -w -X main.v=$V" -o /a .\n'
    d = recognise(HEAD + "ARG V\n" + run, SRC).builds[0].details
    assert d.trimpath and d.tags == ("netgo", "osusergo")
    assert (d.ldflags, d.ldflags_raw) == (None, '-ldflags="-s -w -X main.v=$V"')
    d = recognise(HEAD + 'ENV GOFLAGS="-trimpath -tags=sqlite"\nRUN go build -o /a .\n', SRC).builds[0].details
    assert d.trimpath and d.tags == ("sqlite",)
    d = recognise(HEAD + "RUN go build -buildvcs=false -trimpath=false -o /a .\n", SRC).builds[0].details
    assert not d.trimpath


@pytest.mark.parametrize(
    "run, reason",
    [
        (
            "go build -buildmode=c-shared -o lib.so .",
            "-buildmode=c-shared builds a library, not a program: say which file to copy",
        ),
        (
            "go build -o $OUT .",
            "cannot tell where it writes: -o $OUT: ARG OUT has no default: only --build-arg OUT sets it",
        ),
        ("go build -o /a $PKG", "cannot read `$PKG`: ARG PKG has no default: only --build-arg PKG sets it"),
        ("go build -frobnicate .", "unknown option `-frobnicate`"),
        ("go build all", "the pattern `all` is not read"),
        ("go build -o /a ./lib", "./lib is not a main package"),
        ("go build -o /a pkg@v1", "`go build` does not take PKG@VERSION"),
    ],
)
def test_reasons(recognise, run, reason):
    facts = recognise(HEAD + "ARG OUT\nARG PKG\n" + f"RUN {run}\n", {**SRC, "lib/lib.go": "package lib\n"})
    assert facts.builds == ()
    assert facts.unknown == (f"`{run}`: {reason}",)


def test_conditional_and_unknown_directory(recognise):
    facts = recognise(HEAD + "RUN if [ -f go.mod ]; then go build -o /a .; fi\n", SRC)
    assert facts.unknown == (
        "`go build -o /a .`: go build runs only under a condition, so what it builds is not certain",
    )
    facts = recognise(HEAD + "ARG D\nRUN cd $D && go build -o /a .\n", SRC)
    assert "the directory it runs in is not known" in facts.unknown[0]
    facts = recognise("FROM example/go\nCOPY . /src\nRUN go build -o app .\n", SRC)
    assert facts.unknown == ("`go build -o app .`: WORKDIR of base image example/go",)


def test_test_and_vet_are_steps(recognise):
    facts = recognise(HEAD + "RUN go vet ./... && go test -race ./... && go mod download\n", SRC)
    assert [(t.tool, t.kind) for t in facts.tests] == [("go", "check"), ("go", "test")]
    assert [c.words() for c in facts.other] == [["go", "mod", "download"]]


def test_bind_mount_of_the_context(recognise):
    facts = recognise("FROM golang:1.22\nRUN --mount=type=bind,target=/w cd /w && go build -o /out/app .\n", SRC)
    assert paths(facts) == ["/out/app"] and facts.builds[0].details.import_path == "example.com/svc"
