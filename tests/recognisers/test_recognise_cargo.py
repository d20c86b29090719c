"""cargo build / cargo install: target paths, binary names from Cargo.toml, workspaces, reasons."""

from __future__ import annotations

import pytest

PKG = '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n'
MAIN = "fn main() {}\n"
SRC = {"Cargo.toml": PKG, "src/main.rs": MAIN}
HEAD = "FROM rust:1.80\nWORKDIR /w\nCOPY . .\n"


def paths(facts):
    return [a.path for a in facts.builds]


@pytest.mark.parametrize(
    "run, expected",
    [
        ("cargo build", ["/w/target/debug/app"]),
        ("cargo build --release", ["/w/target/release/app"]),
        ("cargo build -r --locked", ["/w/target/release/app"]),
        ("cargo +nightly --frozen b --release", ["/w/target/release/app"]),
        ("cargo build --profile release-lto", ["/w/target/release-lto/app"]),
        ("cargo build --profile dev", ["/w/target/debug/app"]),
        (
            "cargo build --release --target x86_64-unknown-linux-musl",
            ["/w/target/x86_64-unknown-linux-musl/release/app"],
        ),
        ("cargo build --release --target-dir /tmp/t", ["/tmp/t/release/app"]),
        ("CARGO_TARGET_DIR=/cache cargo build --release", ["/cache/release/app"]),
        ("cargo build --release --bin app", ["/w/target/release/app"]),
        ("cargo build --release --example demo", ["/w/target/release/examples/demo"]),
        ("cargo build --release --manifest-path sub/Cargo.toml", ["/w/sub/target/release/sub"]),
        ("cd sub && cargo build --release", ["/w/sub/target/release/sub"]),
        ("cargo auditable build --release", ["/w/target/release/app"]),
    ],
)
def test_output_paths(recognise, run, expected):
    files = {**SRC, "sub/Cargo.toml": PKG.replace('"app"', '"sub"'), "sub/src/main.rs": MAIN}
    facts = recognise(HEAD + f"RUN {run}\n", files)
    assert facts.unknown == ()
    assert paths(facts) == expected


def test_musl_and_details(recognise):
    facts = recognise(HEAD + "RUN cargo build --release --target x86_64-unknown-linux-musl -F tls,json\n", SRC)
    d = facts.builds[0].details
    assert (d.package, d.profile, d.target, d.musl, d.features) == (
        "app",
        "release",
        "x86_64-unknown-linux-musl",
        True,
        ("tls", "json"),
    )
    assert recognise("FROM rust:1.80-alpine\nWORKDIR /w\nCOPY . .\nRUN cargo build -r\n", SRC).builds[0].details.musl
    facts = recognise("FROM example/rust\nWORKDIR /w\nCOPY . .\nRUN cargo build -r --target-dir t\n", SRC)
    assert facts.builds[0].details.musl is None
    assert facts.unknown == (
        "`cargo build -r --target-dir t`: cannot tell which target cargo builds for: $CARGO_BUILD_TARGET may be set by the ENV of base image example/rust",
    )


def test_binaries_from_the_manifest_and_src_bin(recognise):
    manifest = (
        PKG + '\n[[bin]]\nname = "server"\npath = "src/main.rs"\n\n[[bin]]\nname = "extra"\nrequired-features = ["x"]\n'
    )
    files = {"Cargo.toml": manifest, "src/main.rs": MAIN, "src/bin/tool.rs": MAIN, "src/bin/admin/main.rs": MAIN}
    assert paths(recognise(HEAD + "RUN cargo build --release\n", files)) == [
        "/w/target/release/server",
        "/w/target/release/admin",
        "/w/target/release/tool",
    ]
    # `extra` needs feature x: built with it, or with --all-features.
    assert "/w/target/release/extra" in paths(recognise(HEAD + "RUN cargo build -r --features x\n", files))
    assert "/w/target/release/extra" in paths(recognise(HEAD + "RUN cargo build -r --all-features\n", files))
    assert paths(recognise(HEAD + "RUN cargo build -r --bin tool\n", files)) == ["/w/target/release/tool"]
    no_auto = PKG + "autobins = false\n"
    assert paths(recognise(HEAD + "RUN cargo build -r\n", {**files, "Cargo.toml": no_auto})) == []


def test_default_feature_enables_a_bin(recognise):
    manifest = PKG + '\n[features]\ndefault = ["cli"]\ncli = []\n\n[[bin]]\nname = "cli"\nrequired-features = ["cli"]\n'
    files = {"Cargo.toml": manifest, "src/bin/cli.rs": MAIN}
    assert paths(recognise(HEAD + "RUN cargo build -r\n", files)) == ["/w/target/release/cli"]
    assert paths(recognise(HEAD + "RUN cargo build -r --no-default-features\n", files)) == []


WORKSPACE = {
    "Cargo.toml": '[workspace]\nmembers = ["crates/*", "tools/gen"]\nexclude = ["crates/old"]\n',
    "crates/api/Cargo.toml": '[package]\nname = "api"\n',
    "crates/api/src/main.rs": MAIN,
    "crates/core/Cargo.toml": '[package]\nname = "core"\n',
    "crates/core/src/lib.rs": "",
    "crates/old/Cargo.toml": '[package]\nname = "old"\n',
    "crates/old/src/main.rs": MAIN,
    "tools/gen/Cargo.toml": '[package]\nname = "gen"\n',
    "tools/gen/src/main.rs": MAIN,
}


def test_workspace_members(recognise):
    assert paths(recognise(HEAD + "RUN cargo build --release\n", WORKSPACE)) == [
        "/w/target/release/api",
        "/w/target/release/gen",
    ]
    assert paths(recognise(HEAD + "RUN cargo build --release -p api\n", WORKSPACE)) == ["/w/target/release/api"]
    # A member built from its own directory still writes to the workspace's target/.
    assert paths(recognise(HEAD + "RUN cd crates/api && cargo build --release\n", WORKSPACE)) == [
        "/w/target/release/api"
    ]
    files = {**WORKSPACE, "Cargo.toml": WORKSPACE["Cargo.toml"] + 'default-members = ["tools/gen"]\n'}
    assert paths(recognise(HEAD + "RUN cargo build --release\n", files)) == ["/w/target/release/gen"]
    assert paths(recognise(HEAD + "RUN cargo build --release --workspace\n", files)) == [
        "/w/target/release/api",
        "/w/target/release/gen",
    ]


def test_cargo_config_target_dir(recognise):
    files = {**SRC, ".cargo/config.toml": '[build]\ntarget-dir = "out"\ntarget = "aarch64-unknown-linux-gnu"\n'}
    assert paths(recognise(HEAD + "RUN cargo build --release\n", files)) == [
        "/w/out/aarch64-unknown-linux-gnu/release/app"
    ]


def test_cargo_install(recognise):
    facts = recognise(HEAD + "RUN cargo install --path .\n", SRC)
    assert paths(facts) == ["/usr/local/cargo/bin/app"] and facts.builds[0].variables == ("CARGO_HOME",)
    assert facts.builds[0].details.installed and facts.builds[0].details.profile == "release"
    assert paths(recognise(HEAD + "RUN cargo install --path . --root /usr/local\n", SRC)) == ["/usr/local/bin/app"]
    assert paths(recognise(HEAD + "ENV CARGO_INSTALL_ROOT=/opt\nRUN cargo install --path .\n", SRC)) == ["/opt/bin/app"]
    assert recognise(HEAD + "RUN cargo install --path . --debug\n", SRC).builds[0].details.profile == "dev"
    facts = recognise(HEAD + "RUN cargo install diesel_cli --no-default-features --features postgres\n", SRC)
    assert facts.unknown == (
        "`cargo install diesel_cli --no-default-features --features postgres`: cannot tell which binaries `cargo install diesel_cli` installs; add `--bin NAME`",
    )
    facts = recognise(HEAD + "RUN cargo install cargo-chef@0.1.68 --bin cargo-chef --locked\n", SRC)
    assert paths(facts) == ["/usr/local/cargo/bin/cargo-chef"]


def test_tests_and_checks(recognise):
    facts = recognise(HEAD + "RUN cargo test --release && cargo clippy -- -D warnings && cargo fetch\n", SRC)
    assert [(t.tool, t.kind) for t in facts.tests] == [("cargo", "test"), ("cargo", "check")]
    assert [c.words() for c in facts.other] == [["cargo", "fetch"]]
    facts = recognise(HEAD + "RUN cargo build --release --lib\n", SRC)
    assert facts.builds == () and [(t.tool, t.kind) for t in facts.tests] == [("cargo", "check")]


@pytest.mark.parametrize(
    "head, run, files, reason",
    [
        (HEAD, "cargo build --release", {}, "no Cargo.toml for /w in the build context: cannot name the binaries"),
        (HEAD, "cargo build --release", {"Cargo.toml": "[package\n"}, "/w/Cargo.toml is not valid TOML"),
        (
            HEAD + "ARG BIN\n",
            "cargo build --release --bin $BIN",
            SRC,
            "cannot read --bin `$BIN`: ARG BIN has no default: only --build-arg BIN sets it",
        ),
        (HEAD, "cargo build --frobnicate", SRC, "unknown option `--frobnicate`"),
        (HEAD, "cargo build -r -p nope", SRC, "cannot find the package nope in the workspace at /w"),
        (
            "FROM example/rust\nWORKDIR /w\nCOPY . .\n",
            "cargo install --path .",
            SRC,
            "cannot tell where `cargo install` puts binaries: $CARGO_INSTALL_ROOT may be set by the ENV of base image example/rust",
        ),
        (
            "FROM debian\nWORKDIR /w\nCOPY . .\n",
            "cargo install --path .",
            SRC,
            "CARGO_HOME is not set, so `cargo install` uses $HOME/.cargo/bin: add `--root DIR`",
        ),
        (
            "FROM example/rust\nWORKDIR /w\nCOPY . .\n",
            "cargo build -r",
            SRC,
            "cannot tell where cargo writes: $CARGO_TARGET_DIR may be set by the ENV of base image example/rust",
        ),
        (
            HEAD,
            "[ -f Cargo.toml ] && cargo build -r",
            SRC,
            "it runs only under a condition, so what it builds is not certain",
        ),
    ],
)
def test_reasons(recognise, head, run, files, reason):
    facts = recognise(head + f"RUN {run}\n", files)
    assert facts.builds == ()
    cmd = run.split("&& ")[-1]
    assert facts.unknown[0] == f"`{cmd}`: {reason}"
