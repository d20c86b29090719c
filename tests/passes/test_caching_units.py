"""Units of the caching passes: how commands are classified for a
manifests-first rewrite, what a project's manifests are, and edits of a
RUN's text that keep its lines."""

from __future__ import annotations

import pytest

from refactor import parse
from refactor.analysis.shell import run_script
from refactor.context import BuildContext
from refactor.manifests import _cargo_targets, cargo_fetch, classify, manifests
from refactor.recognisers.site import RunSite
from refactor.runedit import add_flags, drop, insert, replace_word, word_end
from tests.pass_fixtures import ROOT


def _steps(run_text: str, tmp_path, pre: str = "WORKDIR /app\n"):
    tree = parse(f"FROM python:3.12\n{pre}RUN {run_text}\n")
    site = RunSite.of(tree, tree.instructions[-1], BuildContext(tmp_path))
    return [classify(inv) for inv in site.invocations()]


@pytest.mark.parametrize(
    "text,tool,role,reason",
    [
        ("npm ci", "npm", "install", None),
        ("npm install -g pnpm", "npm", "free", None),
        ("npm install express", "npm", "install", "adds packages"),
        ("npm run build", None, None, None),
        ("yarn --frozen-lockfile", "yarn", "install", None),
        ("pip install -r requirements.txt", "pip", "install", None),
        ("python3 -m pip install --upgrade pip", "pip", "free", None),
        ("pip install .", "pip", "project", "from the sources"),
        ("pip install -e .", "pip", "project", "editable"),
        ("pip install -f ./wheels -r r.txt", "pip", "install", "finds packages"),
        ("poetry install --no-root", "poetry", "install", None),
        ("poetry install", "poetry", "project", None),
        ("uv sync --frozen", "uv", "project", None),
        ("go build -o /app .", "go", "build", None),
        ("go install golang.org/x/tools/gopls@latest", "go", "free", None),
        ("cargo install ripgrep", "cargo", "free", None),
        ("mvn -f other/pom.xml package", "maven", "build", "another folder"),
        ("composer install --no-dev", "composer", "project", None),
        ("dotnet restore", "dotnet", "install", None),
        ("apt-get install -y curl", "system", "free", None),
        ("apt-get install -y ./local.deb", None, None, None),
        ("make", None, None, None),
    ],
)
def test_classify(text, tool, role, reason, tmp_path):
    step = _steps(text, tmp_path)[0]
    if tool is None:
        assert step is None
        return
    assert (step.tool, step.role) == (tool, role)
    assert (step.reason is None) if reason is None else (reason in step.reason)


def test_prefetch_commands(tmp_path):
    assert _steps("poetry install --only main", tmp_path)[0].prefetch == "poetry install --only main --no-root"
    assert _steps("uv sync --frozen", tmp_path)[0].prefetch == "uv sync --frozen --no-install-project"
    assert (
        _steps("mvn -B -q package -DskipTests", tmp_path)[0].prefetch == "mvn -B -q -DskipTests dependency:go-offline"
    )
    assert _steps("./gradlew build", tmp_path)[0].prefetch == "./gradlew dependencies --no-daemon"


def test_pip_manifests_follow_nested_files_and_refuse_paths(tmp_path):
    (tmp_path / "reqs").mkdir()
    (tmp_path / "reqs" / "prod.txt").write_text("-r base.txt\n--constraint=../c.txt\nflask  # web\n")
    (tmp_path / "reqs" / "base.txt").write_text("requests\n")
    (tmp_path / "c.txt").write_text("urllib3<3\n")
    ctx = BuildContext(tmp_path)
    step = _steps("pip install -r reqs/prod.txt", tmp_path)[0]
    assert manifests(step, ctx, "").files == ("reqs/prod.txt", "reqs/base.txt", "c.txt")
    (tmp_path / "reqs" / "base.txt").write_text("requests\n-e ./lib\n")
    assert "editable" in manifests(step, BuildContext(tmp_path), "")


def test_manifests_refuse_an_install_output_in_the_context(tmp_path):
    (tmp_path / "package.json").write_text("{}\n")
    (tmp_path / "node_modules").mkdir()
    step = _steps("npm ci", tmp_path)[0]
    assert "add `node_modules` to .dockerignore" in manifests(step, BuildContext(tmp_path), "")
    (tmp_path / ".dockerignore").write_text("node_modules\n")
    assert manifests(step, BuildContext(tmp_path), "").files == ("package.json",)


def test_cargo_stand_ins(tmp_path):
    assert _cargo_targets('[package]\nname = "a"\n') == ["src/main.rs"]
    assert _cargo_targets('[package]\nname = "a"\n[lib]\n[[bin]]\nname = "cli"\n') == ["src/lib.rs", "src/bin/cli.rs"]
    assert _cargo_targets('[package]\nname = "a"\n[[bin]]\nname = "a"\npath = "src/app.rs"\n') == ["src/app.rs"]
    assert "outside src/" in _cargo_targets('[package]\nname = "a"\n[[bin]]\nname = "a"\npath = "main.rs"\n')
    assert cargo_fetch('[package]\nname = "a"\n') == (
        "mkdir -p src && echo 'fn main() {}' > src/main.rs && cargo fetch && rm -rf src"
    )


RUN = "RUN apt-get update \\\n    # the client\n    && apt-get install -y curl \\\n    && echo done\n"


def test_insert_keeps_lines_and_comments():
    run = parse("FROM x\n" + RUN).instructions[1]
    script = run_script(run)
    install = script.commands[1]
    at = word_end(script.text, install.span, "install")
    made = insert(run, [(at, " --no-install-recommends"), (install.span[0], "")])
    assert made.code == RUN.replace("install -y", "install --no-install-recommends -y")
    end = insert(run, [(len(script.text), " && rm -rf /var/lib/apt/lists/*")])
    assert end.code == RUN.replace("echo done\n", "echo done && rm -rf /var/lib/apt/lists/*\n")
    assert [w.raw for w in run_script(end).commands[-1].argv] == ["rm", "-rf", "/var/lib/apt/lists/*"]


def test_replace_drop_and_flags():
    run = parse("FROM x\nRUN cd web && npm install --omit=dev\n").instructions[1]
    script = run_script(run)
    swapped = replace_word(run, script.text, script.commands[1].span, "install", "ci")
    assert swapped.code == "RUN cd web && npm ci --omit=dev\n"
    cut = drop(run, script.text.index(" --omit=dev"), len(script.text))
    assert cut.code == "RUN cd web && npm install\n"
    flagged = add_flags(run, ["--mount=type=cache,target=/root/.npm"])
    assert flagged.code == "RUN --mount=type=cache,target=/root/.npm cd web && npm install --omit=dev\n"
    assert flagged.mounts == [{"type": "cache", "target": "/root/.npm"}]


@pytest.mark.parametrize(
    "case",
    sorted(p.parent for p in (ROOT / "corpus").glob("MSB20*/*/Dockerfile.fixed")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_every_caching_output_is_read_by_buildkits_parser(case):
    """BuildKit's parser reads each rewrite, and each RUN --mount it gained is
    one BuildKit's flag reader takes as a mount (the `dockerfile` package)."""
    from tests.conftest import buildkit_commands_of

    text = (case / "Dockerfile.fixed").read_text(encoding="utf-8")
    commands = buildkit_commands_of(text)
    assert commands
    for c in commands:
        for flag in c["flags"]:
            if flag.startswith("--mount="):
                fields = dict(f.partition("=")[::2] for f in flag[len("--mount=") :].split(","))
                assert fields["type"] in ("cache", "bind") and fields["target"], flag
