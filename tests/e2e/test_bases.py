"""The local stand-in base images are what their names promise: the language
version of the real tag, and distroless images with no shell, no package
manager and the nonroot user (see scripts/make-bases.sh, docs/e2e.md)."""

import os
import tarfile
from pathlib import Path

import pytest

from tests.images import image_facts

pytestmark = pytest.mark.e2e

TOOLCHAINS = [
    # image, command, what its output starts with
    ("debian:bookworm-slim", ["cat", "/etc/debian_version"], "12."),
    ("debian:trixie-slim", ["cat", "/etc/debian_version"], "13."),
    ("debian:13-slim", ["sh", "-c", ". /etc/os-release; echo $VERSION_CODENAME"], "trixie"),
    (
        "debian:trixie-slim",
        ["sh", "-c", "grep -h '^Suites:' /etc/apt/sources.list.d/debian.sources"],
        "Suites: trixie trixie-updates",
    ),
    ("python:3.11-slim", ["python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], "3.11"),
    ("python:3.11", ["sh", "-c", "gcc --version | head -1; python3-config --includes >/dev/null && echo ok"], "gcc"),
    ("golang:1.19", ["go", "version"], "go version go1.19"),
    ("node:18-slim", ["node", "--version"], "v18."),
    ("node:18", ["npm", "--version"], "10."),
    ("rust:1.63", ["rustc", "--version"], "rustc 1.63"),  # Debian pairs it with cargo 0.66 (1.65)
    ("eclipse-temurin:17-jdk", ["javac", "-version"], "javac 17"),
    ("eclipse-temurin:17-jre", ["sh", "-c", "java -version 2>&1 | head -1"], 'openjdk version "17'),
    ("nginx:latest", ["nginx", "-t"], ""),
]


@pytest.mark.parametrize("image,argv,prefix", TOOLCHAINS, ids=[t[0] for t in TOOLCHAINS])
def test_toolchain_base(engine, image, argv, prefix):
    r = engine.run(image, argv, timeout=60)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(prefix), r.stdout


DISTROLESS = ["static", "base", "cc", "python3", "nodejs18", "java17"]
NO_SHELL_OR_PM = ["sh", "bash", "dash", "apt-get", "apt", "dpkg", "pip", "npm"]
RUNTIME = {"python3": "python3.11", "nodejs18": "node", "java17": "java"}


@pytest.mark.parametrize("variant", DISTROLESS)
def test_distroless_base(engine, variant):
    for tag in ("latest", "nonroot"):
        image = f"gcr.io/distroless/{variant}-debian12:{tag}"
        cfg = engine.inspect(image)["Config"]
        if tag == "nonroot":
            assert cfg.get("User") == "65532:65532"
            assert cfg.get("WorkingDir") == "/home/nonroot"
        wanted = RUNTIME.get(variant)
        found, passwd = image_facts(engine, image, NO_SHELL_OR_PM + ([wanted] if wanted else []))
        assert "nonroot:x:65532:65532:" in passwd
        if wanted:
            assert found.pop(wanted), f"{image} has no {wanted}"
        assert found == {}, f"{image} carries {found}"


def test_distroless_runtimes_start(engine):
    py = engine.run(
        "gcr.io/distroless/python3-debian12:nonroot",
        ["-c", "import ssl, sqlite3, os; print(os.getuid(), ssl.OPENSSL_VERSION.split()[0])"],
    )
    assert (py.exit_code, py.stdout) == (0, "65532 OpenSSL\n"), py.stderr
    node = engine.run(
        "gcr.io/distroless/nodejs18-debian12:nonroot",
        [
            "-p",
            "process.versions.node.split('.')[0] + ' ' + require('crypto').createHash('sha1').update('').digest('hex').slice(0, 8)",
        ],
    )
    assert (node.exit_code, node.stdout) == (0, "18 da39a3ee\n"), node.stderr


@pytest.mark.parametrize("image", ["debian:bookworm-slim", "debian:trixie-slim"])
def test_debian_config_is_the_official_one(engine, image):
    cfg = engine.inspect(image)["Config"]
    assert "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" in cfg["Env"]
    assert cfg["Cmd"] == ["bash"]
    assert not cfg.get("User")


# ---------------------------------------------------------------- debian13
# gcr.io/distroless/{static,base,cc}-debian13: what the runtime catalog picks
# for Go, Rust and C since the Debian 12 family's end of life. Upstream's
# package lists (no dependency closure): static = base-files netbase tzdata
# media-types; base = + libc6 libssl3t64 libzstd1 zlib1g; cc = + libgcc-s1
# libstdc++6 libgomp1 gcc-14-base.
DISTROLESS13 = ["static", "base", "cc"]
LIB = "/usr/lib/x86_64-linux-gnu/"
STATIC_FILES = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/usr/share/zoneinfo/UTC",
    "/usr/share/zoneinfo/Europe/Paris",
    "/etc/services",
    "/etc/mime.types",
    "/etc/nsswitch.conf",
    "/etc/os-release",
    "/tmp",
    "/home/nonroot",
]
BASE_LIBS = [LIB + f for f in ("libc.so.6", "libm.so.6", "libssl.so.3", "libcrypto.so.3", "libz.so.1", "libzstd.so.1")]
BASE_LIBS.append("/usr/lib64/ld-linux-x86-64.so.2")
CC_LIBS = [LIB + f for f in ("libgcc_s.so.1", "libstdc++.so.6", "libgomp.so.1")]
EXPECTED13 = {
    "static": (STATIC_FILES, BASE_LIBS + CC_LIBS),
    "base": (STATIC_FILES + BASE_LIBS, CC_LIBS),
    "cc": (STATIC_FILES + BASE_LIBS + CC_LIBS, []),
}


def files_of(engine, image: str, paths: list[str]) -> tuple[set[str], dict[str, str]]:
    """Which of paths exist in the image (never through a symlink: /lib is
    one, so give /usr/lib paths), and the text of /etc/os-release."""

    def in_dir(root: Path):
        present = {p for p in paths if os.path.lexists(root / p.lstrip("/"))}
        rel = root / "etc" / "os-release"
        text = rel.read_text() if rel.is_file() and not rel.is_symlink() else ""
        return present, text

    def in_tar(stream):
        present, text = set(), ""
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for m in tar:
                name = "/" + m.name.removeprefix("./").lstrip("/").rstrip("/")
                if name in paths:
                    present.add(name)
                if name == "/etc/os-release" and m.isfile():
                    text = tar.extractfile(m).read().decode()
        return present, text

    present, text = engine.read_files(image, in_dir, in_tar)
    release = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    return present, {k: v.strip('"') for k, v in release.items()}


@pytest.mark.parametrize("variant", DISTROLESS13)
def test_distroless_debian13(engine, variant):
    must, must_not = EXPECTED13[variant]
    for tag in ("latest", "nonroot"):
        image = f"gcr.io/distroless/{variant}-debian13:{tag}"
        cfg = engine.inspect(image)["Config"]
        # upstream's config: PATH and SSL_CERT_FILE, no entrypoint; :latest is
        # root at /, :nonroot is 65532 at its home
        assert "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" in cfg["Env"]
        assert "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" in cfg["Env"]
        assert not cfg.get("Entrypoint") and not cfg.get("Cmd")
        if tag == "nonroot":
            assert (cfg.get("User"), cfg.get("WorkingDir")) == ("65532:65532", "/home/nonroot")
        else:
            assert (cfg.get("User") or "0", cfg.get("WorkingDir") or "/") == ("0", "/")
        found, passwd = image_facts(engine, image, NO_SHELL_OR_PM)
        assert found == {}, f"{image} carries {found}"
        assert passwd.splitlines() == [
            "root:x:0:0:root:/root:/sbin/nologin",
            "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin",
            "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin",
        ]
        present, release = files_of(engine, image, must + must_not)
        assert set(must) - present == set(), f"{image} lacks files"
        assert present & set(must_not) == set(), f"{image} has more than its packages"
        assert (release["VERSION_ID"], release["VERSION"]) == ("13", "Debian GNU/Linux 13 (trixie)")


def test_distroless_debian13_glibc_is_trixies(engine):
    # the dynamic loader runs: glibc 2.41 (trixie's; bookworm has 2.36), as nonroot
    for variant in ("base", "cc"):
        r = engine.run(f"gcr.io/distroless/{variant}-debian13:nonroot", ["/lib64/ld-linux-x86-64.so.2", "--version"])
        assert r.exit_code == 0, r.stderr
        assert r.stdout.splitlines()[0].endswith("release version 2.41."), r.stdout


def test_distroless_debian13_libraries_resolve(engine):
    # every library an app may link resolves inside the image (no "not found")
    for variant, libs in (("base", ["libssl.so.3"]), ("cc", ["libssl.so.3", "libstdc++.so.6", "libgomp.so.1"])):
        for lib in libs:
            r = engine.run(
                f"gcr.io/distroless/{variant}-debian13:nonroot", ["/lib64/ld-linux-x86-64.so.2", "--list", LIB + lib]
            )
            assert r.exit_code == 0 and "not found" not in r.stdout, (variant, lib, r.stdout, r.stderr)


# ---------------------------------------------------------------- JavaScript
# What the JavaScript split picks: node:22 (trixie) builders, distroless
# nodejs22-debian13 and node:22-trixie-slim runtimes, the unprivileged nginx
# for a bundle, oven/bun:1.3 and its slim image (scripts/bases/*22*, bun*,
# nginx-unprivileged).
JAVASCRIPT = [
    ("node:22", ["sh", "-c", "node --version; npm --version; yarn --version; g++ --version | head -1"], "v22."),
    ("node:22-trixie-slim", ["sh", "-c", ". /etc/os-release; echo $VERSION_CODENAME $(node --version)"], "trixie v22."),
    ("oven/bun:1.3", ["bun", "--version"], "1.3."),
    ("oven/bun:1.3-slim", ["sh", "-c", "id -u bun; pwd; bun --version"], "1000\n/home/bun/app\n1.3."),
]


@pytest.mark.parametrize("image,argv,prefix", JAVASCRIPT, ids=[t[0] for t in JAVASCRIPT])
def test_javascript_base(engine, image, argv, prefix):
    r = engine.run(image, argv, timeout=60)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(prefix), r.stdout


def test_distroless_nodejs22_has_node_as_entrypoint_and_nothing_else(engine):
    image = "gcr.io/distroless/nodejs22-debian13:nonroot"
    cfg = engine.inspect(image)["Config"]
    assert (cfg.get("Entrypoint"), cfg.get("User")) == (["/nodejs/bin/node"], "65532:65532")
    found, passwd = image_facts(engine, image, NO_SHELL_OR_PM + ["node"])
    assert "nonroot:x:65532:65532:" in passwd
    assert found.pop("node") == ("/nodejs/bin/node",)
    assert found == {}, f"{image} carries {found}"
    r = engine.run(image, ["-p", "process.versions.node.split('.')[0] + ' ' + process.getuid()"])
    assert (r.exit_code, r.stdout) == (0, "22 65532\n"), r.stderr


def test_nginx_unprivileged_runs_as_nginx_on_8080(engine):
    image = "nginxinc/nginx-unprivileged:stable-trixie"
    cfg = engine.inspect(image)["Config"]
    assert cfg.get("User") == "101"
    r = engine.run(
        image,
        [
            "sh",
            "-c",
            "id -u; nginx >&2 && sleep 0.5 && curl -fsS -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/",
        ],
        timeout=60,
    )
    assert (r.exit_code, r.stdout) == (0, "101\n200"), r.stderr
