"""What the official build images set that the recognisers need.

A stage ``FROM golang:1.22`` inherits ``GOPATH=/go`` and ``WORKDIR /go``
from the image; the analysis layer only knows that the base image may set
something. These tables fill in the few values the recognisers read, for
the Docker Official Images only (``docker-library`` Dockerfiles; the same
in every tag of the family, Debian and Alpine variants alike). Any other
image stays unknown.
"""

from __future__ import annotations

# Family -> every ENV the image sets (None: a value that differs between
# tags, such as PATH or the version). Any other name is unset there.
_VARIES = {"PATH": None}
IMAGE_ENV: dict[str, dict[str, str | None]] = {
    # golang: ENV GOLANG_VERSION, GOTOOLCHAIN=local, GOPATH /go, PATH $GOPATH/bin:/usr/local/go/bin:$PATH
    "golang": {**_VARIES, "GOLANG_VERSION": None, "GOTOOLCHAIN": "local", "GOPATH": "/go"},
    # rust: ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo PATH=... RUST_VERSION=...
    "rust": {**_VARIES, "RUSTUP_HOME": "/usr/local/rustup", "CARGO_HOME": "/usr/local/cargo", "RUST_VERSION": None},
    # gcc: ENV GPG_KEYS, GCC_MIRRORS, GCC_VERSION (build-time helpers of the image's own build)
    "gcc": {**_VARIES, "GPG_KEYS": None, "GCC_MIRRORS": None, "GCC_VERSION": None},
    # python: ENV PATH /usr/local/bin:$PATH, LANG, GPG_KEY, PYTHON_VERSION (and PYTHON_SHA256 from 3.13)
    "python": {**_VARIES, "LANG": None, "GPG_KEY": None, "PYTHON_VERSION": None, "PYTHON_SHA256": None},
    "debian": dict(_VARIES),
    "ubuntu": dict(_VARIES),
    "alpine": dict(_VARIES),
    "buildpack-deps": dict(_VARIES),
    # node: ENV NODE_VERSION, YARN_VERSION (no NODE_ENV: that is the app's)
    "node": {**_VARIES, "NODE_VERSION": None, "YARN_VERSION": None},
    # oven/bun: ENV BUN_RUNTIME_TRANSPILER_CACHE_PATH, BUN_INSTALL_BIN (varying between versions)
    "oven/bun": {**_VARIES, "BUN_RUNTIME_TRANSPILER_CACHE_PATH": None, "BUN_INSTALL_BIN": None, "BUN_VERSION": None},
}
# Set per user when a container runs, not by the image.
_RUNTIME_NAMES = frozenset({"HOME", "HOSTNAME", "USER", "PWD", "SHLVL", "TERM"})
# WORKDIR of each family: golang sets /go; the others set none ("/").
IMAGE_WORKDIR: dict[str, str] = {
    "node": "/",  # the node images set no WORKDIR
    "oven/bun": "/home/bun/app",
    "golang": "/go",
    "rust": "/",
    "gcc": "/",
    "python": "/",
    "debian": "/",
    "ubuntu": "/",
    "alpine": "/",
    "buildpack-deps": "/",
}
# Directories every one of these images has.
IMAGE_DIRS: dict[str, frozenset[str]] = {
    "golang": frozenset({"/go", "/go/bin", "/go/src", "/usr/local/go"}),
    "rust": frozenset({"/usr/local/cargo", "/usr/local/cargo/bin", "/usr/local/rustup"}),
}
# Directories of any Debian, Ubuntu or Alpine root file system.
SYSTEM_DIRS = frozenset(
    {
        "/",
        "/bin",
        "/sbin",
        "/usr",
        "/usr/bin",
        "/usr/sbin",
        "/usr/lib",
        "/usr/local",
        "/usr/local/bin",
        "/usr/local/sbin",
        "/usr/local/lib",
        "/usr/local/include",
        "/usr/local/share",
        "/usr/share",
        "/usr/src",
        "/etc",
        "/opt",
        "/srv",
        "/tmp",
        "/var",
        "/var/lib",
        "/root",
        "/home",
        "/lib",
    }
)
_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "docker.io/", "library/")


def family(image: str | None) -> str | None:
    """``golang`` for ``golang:1.22-alpine``, ``docker.io/library/golang``
    or ``golang@sha256:...``; None for any other image."""
    if not image:
        return None
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name = name[:colon]
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name if name in IMAGE_ENV else None


def tag(image: str | None) -> str:
    if not image:
        return ""
    name = image.split("@", 1)[0]
    colon = name.rfind(":")
    return name[colon + 1 :] if colon > name.rfind("/") else ""


def image_env(image: str | None, name: str) -> str | None:
    """The value the official image gives ``name`` ("" when it sets none),
    or None when the image is not one the table knows or the value varies."""
    fam = family(image)
    if fam is None or name in _RUNTIME_NAMES:
        return None
    return IMAGE_ENV[fam].get(name, "")


def image_workdir(image: str | None) -> str | None:
    fam = family(image)
    return IMAGE_WORKDIR.get(fam) if fam else None


def image_dirs(image: str | None) -> frozenset[str]:
    fam = family(image)
    return SYSTEM_DIRS | IMAGE_DIRS.get(fam or "", frozenset()) if fam else SYSTEM_DIRS


def libc(image: str | None) -> str | None:
    """``"musl"`` for an Alpine-based official image, ``"glibc"`` for the
    Debian/Ubuntu ones, None otherwise."""
    fam = family(image)
    if fam is None:
        return None
    if fam == "alpine" or "alpine" in tag(image):
        return "musl"
    return "glibc"
