"""npm, yarn, pnpm, Bun: what each command does to the image, and the node
command a package.json script runs."""

from __future__ import annotations

import json

import pytest

import refactor
from refactor.context import BuildContext
from refactor.recognisers.node import read_package, read_step, resolve_script, start_script
from refactor.recognisers.site import RunSite
from refactor.syntax.nodes import Run


def steps(dockerfile: str, tmp_path):
    tree = refactor.parse(dockerfile)
    run = [i for i in tree.instructions if isinstance(i, Run)][-1]
    site = RunSite.of(tree, run, BuildContext(tmp_path))
    return [read_step(inv) for inv in site.invocations() if inv.name in ("npm", "yarn", "pnpm", "bun", "npx")]


@pytest.mark.parametrize(
    "command, kind, script, production",
    [
        ("npm install", "install", None, False),
        ("npm ci", "install", None, False),
        ("npm ci --omit=dev", "install", None, True),
        ("npm install --production", "install", None, True),
        ("npm i -g typescript", "global", None, False),
        ("npm run build", "script", "build", False),
        ("npm run-script compile", "script", "compile", False),
        ("npm test", "test", None, False),
        ("npm prune --omit=dev", "prune", None, True),
        ("npm cache clean --force", "quiet", None, False),
        ("yarn", "install", None, False),
        ("yarn install --frozen-lockfile --production", "install", None, True),
        ("yarn build", "script", "build", False),  # yarn runs a script by its bare name
        ("yarn global add pm2", "global", None, False),
        ("pnpm install --prod", "install", None, True),
        ("pnpm build", "script", "build", False),
        ("bun install", "install", None, False),
        ("bun build ./src/index.ts --outdir dist", "bundle", None, False),
        ("npx prisma generate", "exec", None, False),
    ],
)
def test_what_a_command_does(tmp_path, command, kind, script, production):
    (step,) = steps(f"FROM node:22\nWORKDIR /app\nRUN {command}\n", tmp_path)
    assert (step.kind, step.script, step.production, step.cwd) == (kind, script, production, "/app")


def test_node_env_production_makes_an_install_production(tmp_path):
    (step,) = steps("FROM node:22\nENV NODE_ENV=production\nWORKDIR /app\nRUN npm ci\n", tmp_path)
    assert step.production


def test_cwd_follows_cd(tmp_path):
    (step,) = steps("FROM node:22\nWORKDIR /app\nRUN cd web && npm run build\n", tmp_path)
    assert step.cwd == "/app/web"


def test_an_unknown_npm_subcommand_is_a_reason(tmp_path):
    (step,) = steps("FROM node:22\nWORKDIR /app\nRUN npm frobnicate\n", tmp_path)
    assert step == "cannot tell what `npm frobnicate` does"


def test_an_unknown_variable_is_a_reason(tmp_path):
    (step,) = steps("FROM node:22\nARG TARGET\nWORKDIR /app\nRUN npm run $TARGET\n", tmp_path)
    assert step.startswith("cannot read `$TARGET` of `npm run $TARGET`: ARG TARGET has no default")


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["npm", "start"], ("npm", "start")),
        (["npm", "run", "start"], ("npm", "start")),
        (["yarn", "start"], ("yarn", "start")),
        (["pnpm", "run", "serve"], ("pnpm", "serve")),
        (["npm", "start", "--", "--port", "3000"], None),  # arguments passed on: not resolved
        (["node", "server.js"], None),
    ],
)
def test_start_script(argv, expected):
    assert start_script(argv) == expected


PACKAGE = read_package(
    '{"scripts": {"start": "node --enable-source-maps dist/index.js", "dev": "tsc && node dist/index.js",'
    ' "env": "NODE_ENV=production node x.js", "prestart2": "true", "start2": "node y.js"}}'
)


@pytest.mark.parametrize(
    "name, words, why",
    [
        ("start", ["node", "--enable-source-maps", "dist/index.js"], None),
        ("dev", [], "the `dev` script (`tsc && node dist/index.js`) runs several commands"),
        ("env", [], "the `env` script (`NODE_ENV=production node x.js`) sets variables or redirects"),
        ("start2", [], "`start2` has a prestart2 or poststart2 script, which only the package manager runs"),
        ("missing", [], "package.json has no `missing` script"),
    ],
)
def test_resolve_script(name, words, why):
    assert resolve_script(PACKAGE, name, lambda f: False) == (words, why)


def test_npm_default_start_is_node_server_js():
    package = read_package('{"name": "x"}')
    assert resolve_script(package, "start", lambda f: f == "server.js") == (["node", "server.js"], None)
    assert resolve_script(package, "start", lambda f: False)[0] == []


@pytest.mark.parametrize("text", [None, "not json", "[1, 2]"])
def test_no_package(text):
    assert read_package(text) is None


def _outputs(scripts, files=None):
    from refactor.recognisers.node import script_outputs

    files = files or {}
    return script_outputs(read_package(json.dumps({"scripts": scripts})), "build", files.get)


@pytest.mark.parametrize(
    "script, files, expected",
    [
        ("tsc", {"tsconfig.json": '{"compilerOptions": {"outDir": "dist"}}'}, ["dist"]),
        ("tsc --outDir build/js", {}, ["build/js"]),
        ("tsc -p server", {"server/tsconfig.json": '{"compilerOptions": {"outDir": "../out"}}'}, ["out"]),
        (
            "nest build",
            {
                "tsconfig.build.json": '{"extends": "./tsconfig.json"}',
                "tsconfig.json": '{"compilerOptions": {"outDir": "./dist"}}',
            },
            ["dist"],
        ),
        ("vite build", {}, ["dist"]),
        ("vite build --outDir public/app", {}, ["public/app"]),
        ("react-scripts build", {}, ["build"]),
        ("vue-cli-service build", {}, ["dist"]),
        ("parcel build src/index.html --dist-dir www", {}, ["www"]),
        ("webpack --mode production", {}, ["dist"]),
        ("ng build", {}, ["dist"]),
        ("next build", {}, [".next"]),
        ("esbuild src/app.ts --bundle --outfile=out/app.js", {}, ["out"]),
        ("bun build ./src/index.ts --outdir ./build", {}, ["build"]),
        ("rimraf dist && tsc --outDir dist", {}, ["dist"]),
        ("babel src -d lib", {}, ["lib"]),
        ("babel src/index.js --out-file build/index.js", {}, ["build"]),
        ("rollup -c --dir out", {}, ["out"]),
        ("npm run compile", {}, ["lib"]),  # another script, followed
    ],
)
def test_build_outputs(script, files, expected):
    assert _outputs({"build": script, "compile": "tsc --outDir lib"}, files) == (expected, None)


@pytest.mark.parametrize(
    "script, files, why",
    [
        ("node build.mjs", {}, "runs `node`, whose output the tool cannot name"),
        ("vite build", {"vite.config.ts": "export default {}"}, "vite's configuration file may set its output folder"),
        ("tsc", {"tsconfig.json": "{}"}, "tsconfig.json sets no outDir, so tsc writes beside the sources"),
        ("esbuild src/app.ts --bundle", {}, "`esbuild src/app.ts --bundle` names no output folder"),
    ],
)
def test_build_outputs_it_cannot_name(script, files, why):
    assert _outputs({"build": script}, files) == ([], f"the `build` script (`{script}`): {why}")
