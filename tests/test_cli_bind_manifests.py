"""--bind-manifests through the real command: off by default, on from the
command line or the configuration, `--no-bind-manifests` over the file,
and never without BuildKit syntax."""

from __future__ import annotations

from tests.cli_helpers import msb, write

ONLY = "--select=MSB205"
NODE = (
    "# syntax=docker/dockerfile:1\nFROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
    'RUN npm ci\nCOPY . .\nCMD ["node", "server.js"]\n'
)
BOUND = (
    "# syntax=docker/dockerfile:1\nFROM node:20\nWORKDIR /app\n"
    "RUN --mount=type=cache,target=/root/.npm"
    " --mount=type=bind,source=package.json,target=/app/package.json"
    " --mount=type=bind,source=package-lock.json,target=/app/package-lock.json npm ci\n"
    'COPY . .\nCMD ["node", "server.js"]\n'
)
CACHED_ONLY = NODE.replace("RUN npm ci", "RUN --mount=type=cache,target=/root/.npm npm ci")


def project(tmp_path, dockerfile: str = NODE):
    write(tmp_path / "Dockerfile", dockerfile)
    write(tmp_path / "package.json", '{"name": "app", "version": "1.0.0"}\n')
    write(tmp_path / "package-lock.json", '{"lockfileVersion": 3}\n')
    return tmp_path / "Dockerfile"


def test_off_by_default_only_the_cache_mount(tmp_path):
    dockerfile = project(tmp_path)
    p = msb(ONLY, "--no-config", "--write", dockerfile)
    assert p.returncode == 0, p.err
    assert dockerfile.read_text() == CACHED_ONLY


def test_the_option_writes_bind_mounts_and_drops_the_copy(tmp_path):
    dockerfile = project(tmp_path)
    p = msb(ONLY, "--no-config", "--bind-manifests", dockerfile)
    assert p.returncode == 0, p.err
    assert "-COPY package.json package-lock.json ./\n" in p.out
    assert dockerfile.read_text() == NODE  # a dry run writes nothing
    p = msb(ONLY, "--no-config", "--bind-manifests", "--write", dockerfile)
    assert p.returncode == 0, p.err
    assert dockerfile.read_text() == BOUND
    again = msb(ONLY, "--no-config", "--bind-manifests", "--check", dockerfile)
    assert again.returncode == 0, again.out


def test_the_configuration_sets_it_and_the_command_line_wins(tmp_path):
    dockerfile = project(tmp_path)
    write(tmp_path / ".msb-refactor.toml", "bind-manifests = true\n")
    p = msb(ONLY, "--no-bind-manifests", "--write", dockerfile, cwd=tmp_path)
    assert p.returncode == 0, p.err
    assert dockerfile.read_text() == CACHED_ONLY
    project(tmp_path)
    p = msb(ONLY, "--write", dockerfile, cwd=tmp_path)
    assert p.returncode == 0, p.err
    assert dockerfile.read_text() == BOUND


def test_a_wrong_configuration_value_is_a_usage_error(tmp_path):
    dockerfile = project(tmp_path)
    write(tmp_path / ".msb-refactor.toml", 'bind-manifests = "yes"\n')
    p = msb(ONLY, dockerfile, cwd=tmp_path)
    assert p.returncode == 2
    assert "bind-manifests" in p.err and "must be true or false" in p.err


def test_without_buildkit_syntax_nothing_unless_opted_in(tmp_path):
    plain = NODE.replace("# syntax=docker/dockerfile:1\n", "")
    dockerfile = project(tmp_path, plain)
    p = msb(ONLY, "--no-config", "--bind-manifests", "--write", dockerfile)
    assert p.returncode == 0, p.err
    assert dockerfile.read_text() == plain
    p = msb(ONLY, "--no-config", "--bind-manifests", "--buildkit-syntax", "--write", dockerfile)
    assert p.returncode == 0, p.err
    assert dockerfile.read_text() == BOUND.replace("# syntax=docker/dockerfile:1\n", "")


def test_a_declined_bind_is_a_note_in_verbose_mode(tmp_path):
    dockerfile = project(tmp_path, NODE.replace("COPY . .\n", "COPY server.js .\n"))
    p = msb(ONLY, "--no-config", "--bind-manifests", "-v", dockerfile)
    assert p.returncode == 0, p.err
    assert "no bind mount for the COPY at line 4: no later COPY of the project puts the files in the image" in (
        p.out + p.err
    )
