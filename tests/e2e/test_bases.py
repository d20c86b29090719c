"""The local stand-in base images are what their names promise: the language
version of the real tag, and distroless images with no shell, no package
manager and the nonroot user (see scripts/make-bases.sh, docs/e2e.md)."""

import pytest

from tests.images import image_facts

pytestmark = pytest.mark.e2e

TOOLCHAINS = [
    # image, command, what its output starts with
    ("debian:bookworm-slim", ["cat", "/etc/debian_version"], "12."),
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


def test_debian_config_is_the_official_one(engine):
    cfg = engine.inspect("debian:bookworm-slim")["Config"]
    assert "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" in cfg["Env"]
    assert cfg["Cmd"] == ["bash"]
    assert not cfg.get("User")
