"""Dependency installs of language package managers, and the files they read.

``classify(inv)`` says what one command of a RUN is to a manifests-first
rewrite (MSB201):

* ``install``: installs dependencies from manifest files only
  (``npm ci``, ``pip install -r requirements.txt``, ``go mod download``);
* ``free``: reads no file of the project (``pip install flask``,
  ``npm install -g pnpm``, ``apt-get install``, ``poetry config ...``);
* ``build``: builds the project, and a download of its dependencies can
  run first (``go build`` -> ``go mod download``, ``mvn package`` ->
  ``mvn dependency:go-offline``); ``prefetch`` is that command;
* ``project``: installs the project itself; ``prefetch`` is the
  dependencies-only variant where the tool has one (``poetry install
  --no-root``), else ``reason`` says why nothing can be done.

``manifests(step, context, project_dir)`` lists the files and folders the
install reads (``refactor/data/manifests.toml`` plus what the manifests
pull in: ``-r`` files of a requirements file), or the one-line reason the
install needs more than that (a path dependency, a lifecycle script, a
workspace it cannot list).
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from importlib import resources

import attrs

# Cheap gate: a RUN whose text has none of these runs no dependency install.
TOOL_WORDS = (
    "npm",
    "yarn",
    "pnpm",
    "bun",
    "pip",
    "poetry",
    "uv ",
    "pipenv",
    "go ",
    "cargo",
    "mvn",
    "gradle",
    "bundle",
    "composer",
    "dotnet",
)


@attrs.frozen
class Step:
    """One command as a manifests-first rewrite sees it."""

    tool: str
    role: str  # "install", "free", "build", "project"
    inv: object = attrs.field(eq=False, repr=False)
    prefetch: str | None = None  # build/project: the command that fetches the dependencies only
    reason: str | None = None  # why the command cannot go before the sources
    requirements: tuple[str, ...] = ()  # pip: the -r/-c files as written
    ignore_scripts: bool = False
    project_file: str | None = None  # dotnet: the project named on the command line


@functools.lru_cache(maxsize=1)
def table() -> dict:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    text = resources.files("refactor").joinpath("data/manifests.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _values(inv) -> list[str | None]:
    return [a.value for a in inv.args]


def _words(inv) -> list[str] | None:
    """The arguments, or None when one is not known."""
    vals = _values(inv)
    return None if any(v is None for v in vals) else vals  # type: ignore[return-value]


def _operands(words: list[str], valued: frozenset[str] = frozenset()) -> list[str]:
    out, skip = [], False
    for w in words:
        if skip:
            skip = False
            continue
        if w.startswith("-"):
            if w in valued:
                skip = True
            continue
        out.append(w)
    return out


_SYSTEM = frozenset({"apt-get", "apt", "apk", "dnf", "yum", "microdnf", "aptitude"})
_HARMLESS = frozenset(
    {"true", ":", "set", "export", "echo", "cd", "corepack", "rustup", "update-ca-certificates", "ldconfig"}
)
_PYTHON = re.compile(r"python(\d(\.\d+)?)?$")
_PIP = re.compile(r"pip(\d(\.\d+)?)?$")


def classify(inv) -> Step | None:
    """What ``inv`` is to a manifests-first rewrite; None: some other command."""
    name = inv.name
    if name is None:
        return None
    if name in _SYSTEM:
        words = _words(inv) or []
        if any("/" in w and not w.startswith("-") for w in words if not w.startswith(("-o", "--option"))):
            return None  # a local .deb or a path: reads the context
        return Step("system", "free", inv)
    if name in _HARMLESS:
        return Step("shell", "free", inv)
    if name == "rm" or name == "mkdir":
        # `rm -rf /var/lib/apt/lists/*`: a glob has no single value; its text still says where
        words = [a.value if a.value is not None else a.raw.strip("'\"") for a in inv.args]
        if all(w.startswith("-") or w.startswith("/") and "$" not in w for w in words):
            return Step("shell", "free", inv)
        return None
    if _PYTHON.match(name):
        words = _words(inv)
        if words and len(words) > 2 and words[0] == "-m" and _PIP.match(words[1]):
            return _pip(inv, words[2:])
        if words and len(words) > 2 and words[0] == "-m" and words[1] in ("venv", "virtualenv"):
            return _venv(inv, words[2:])
        return None
    if name == "virtualenv":
        words = _words(inv)
        return _venv(inv, words) if words is not None else None
    if _PIP.match(name):
        words = _words(inv)
        return _pip(inv, words) if words is not None else None
    handler = _HANDLERS.get(name)
    if handler is None:
        return None
    words = _words(inv)
    if words is None:
        return None
    return handler(inv, words)


def _venv(inv, words: list[str]) -> Step | None:
    """``python -m venv /opt/venv``: makes a folder and reads no source, when
    the folder is an absolute path (a relative one may be inside the
    sources, which the copy after it would then land on)."""
    folders = [w for w in words if not w.startswith("-")]
    if folders and all(w.startswith("/") and "$" not in w for w in folders):
        return Step("shell", "free", inv)
    return None


# -- node ------------------------------------------------------------------------

_NPM_VALUED = frozenset(
    {
        "--prefix",
        "-C",
        "--workspace",
        "-w",
        "--registry",
        "--omit",
        "--include",
        "--loglevel",
        "--cache",
        "--userconfig",
    }
)
_NPM_ELSEWHERE = ("--prefix", "-C", "--workspace", "-w", "--workspaces", "--userconfig", "--cwd")


def _node(tool: str, installs: tuple[str, ...], adds: tuple[str, ...]):
    def handle(inv, words: list[str]) -> Step | None:
        global_ = any(w in ("-g", "--global") for w in words)
        ops = _operands(words, _NPM_VALUED)
        sub = ops[0] if ops else ("install" if tool in ("yarn",) else None)
        if tool == "yarn" and sub == "global":
            return Step(tool, "free", inv)
        if sub in ("config", "cache"):
            return Step(tool, "free", inv)
        if sub not in installs and sub not in adds:
            return None
        if global_:
            return Step(tool, "free", inv)
        scripts = "--ignore-scripts" in words
        elsewhere = next((w for w in words if w.split("=")[0] in _NPM_ELSEWHERE), None)
        if elsewhere:
            return Step(tool, "install", inv, reason=f"`{inv.text}` works on other folders (`{elsewhere}`)")
        names = ops[1:]
        if names or sub in adds:
            return Step(
                tool,
                "install",
                inv,
                reason=f"`{inv.text}` adds packages to package.json; list them in package.json and run `{tool} install`",
            )
        return Step(tool, "install", inv, ignore_scripts=scripts)

    return handle


# -- python ------------------------------------------------------------------------

_PIP_VALUED = frozenset(
    "-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f --find-links -t --target"
    " --prefix --root --platform --python-version --implementation --abi --src --upgrade-strategy --progress-bar"
    " --log --proxy --retries --timeout --cert --client-cert --cache-dir --trusted-host --only-binary --no-binary"
    " --config-settings -C --global-option --report --python".split()
)


def _is_path(word: str) -> bool:
    return word in (".", "..") or word.startswith(("./", "../", "/", "file:", "~")) or "/" in word and "://" not in word


def _pip(inv, words: list[str], tool: str = "pip") -> Step | None:
    ops = _operands(words, _PIP_VALUED)
    if not ops:
        return None
    sub = ops[0]
    if sub in ("uninstall", "config", "cache"):
        return Step(tool, "free", inv)
    if sub != "install":
        return None
    reqs: list[str] = []
    k = 0
    rest = words[words.index("install") + 1 :]
    while k < len(rest):
        w = rest[k]
        opt, eq, val = w.partition("=")
        if opt in ("-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-f", "--find-links"):
            if not eq:
                k += 1
                val = rest[k] if k < len(rest) else ""
            if opt in ("-e", "--editable"):
                return Step(
                    tool, "project", inv, reason=f"`{inv.text}` installs `{val}` in editable mode from the sources"
                )
            if opt in ("-f", "--find-links"):
                if "://" not in val:
                    return Step(tool, "install", inv, reason=f"`{inv.text}` finds packages in `{val}` of the sources")
            else:
                reqs.append(val)
        elif w.startswith("-r") and len(w) > 2:
            reqs.append(w[2:])
        elif w.startswith("-") and w in _PIP_VALUED:
            k += 1
        elif not w.startswith("-") and _is_path(w):
            return Step(tool, "project", inv, reason=f"`{inv.text}` installs `{w}` from the sources")
        k += 1
    if not reqs:
        return Step(tool, "free", inv)
    return Step(tool, "install", inv, requirements=tuple(reqs))


def _uv(inv, words: list[str]) -> Step | None:
    ops = _operands(words, frozenset({"--python", "-p", "--index-url", "--extra-index-url", "--extra", "--group"}))
    if not ops:
        return None
    if ops[0] == "pip":
        return _pip(inv, words[words.index("pip") + 1 :], "uv")
    if ops[0] in ("venv", "cache", "python"):
        return Step("uv", "free", inv)
    if ops[0] != "sync":
        return None
    if "--no-install-project" in words or "--only-deps" in words:
        return Step("uv", "install", inv)
    flags = " ".join(w for w in words if w.startswith("-"))
    return Step("uv", "project", inv, prefetch=_join("uv sync", flags, "--no-install-project"))


def _poetry(inv, words: list[str]) -> Step | None:
    ops = _operands(words, frozenset({"--with", "--without", "--only", "-E", "--extras", "-C", "--directory"}))
    if not ops:
        return None
    if ops[0] in ("config", "self", "--version"):
        return Step("poetry", "free", inv)
    if ops[0] != "install":
        return None
    if any(w.split("=")[0] in ("-C", "--directory", "-P", "--project") for w in words):
        return Step("poetry", "install", inv, reason=f"`{inv.text}` works on another folder")
    if "--no-root" in words:
        return Step("poetry", "install", inv)
    flags = " ".join(w for w in words[words.index("install") + 1 :])
    return Step("poetry", "project", inv, prefetch=_join("poetry install", flags, "--no-root"))


def _pipenv(inv, words: list[str]) -> Step | None:
    ops = _operands(words, frozenset({"--python", "--pypi-mirror"}))
    if not ops or ops[0] not in ("install", "sync"):
        return None
    if ops[1:]:
        return Step("pipenv", "install", inv, reason=f"`{inv.text}` adds packages to the Pipfile; list them there")
    return Step("pipenv", "install", inv)


# -- go, rust --------------------------------------------------------------------

_GO_BUILD = frozenset({"build", "install", "test", "vet", "run", "generate", "list"})


def _go(inv, words: list[str]) -> Step | None:
    if not words:
        return None
    if words[:2] == ["mod", "download"]:
        return Step("go", "install", inv)
    if words[0] not in _GO_BUILD:
        return None
    packages = [w for w in words[1:] if not w.startswith("-")]
    if words[0] == "install" and packages and all("@" in p for p in packages):
        return Step("go", "free", inv)  # go install tool@version: fetched, not from the sources
    return Step("go", "build", inv, prefetch="go mod download")


_CARGO_BUILD = frozenset({"build", "b", "install", "test", "t", "run", "r", "check", "c", "doc", "bench"})


def _cargo(inv, words: list[str]) -> Step | None:
    ops = _operands(words, frozenset({"--path", "--target", "-p", "--package", "--bin", "--features", "-j", "--jobs"}))
    if not ops:
        return None
    if ops[0] == "fetch":
        return Step("cargo", "install", inv)
    if ops[0] not in _CARGO_BUILD:
        return None
    if ops[0] == "install" and "--path" not in " ".join(words) and len(ops) > 1:
        return Step("cargo", "free", inv)  # cargo install ripgrep: from the registry
    return Step("cargo", "build", inv, prefetch="cargo fetch")  # over stand-in targets (cargo_fetch)


# -- jvm, ruby, php, .net ----------------------------------------------------------------

_MVN_KEEP = re.compile(r"^-(B|q|U|-batch-mode|-quiet|-no-transfer-progress|ntp|P.*|D.*|s|-settings)$")


def _mvn(inv, words: list[str]) -> Step | None:
    exe = inv.cmd.argv[0].literal or "mvn"
    goals = [w for w in words if not w.startswith("-")]
    if any(w in ("-f", "--file") or w.startswith("--file=") for w in words):
        return Step("maven", "build", inv, reason=f"`{inv.text}` builds another folder's pom.xml (`-f`)")
    if "dependency:go-offline" in goals or "dependency:resolve" in goals:
        return Step("maven", "install", inv)
    if not goals:
        return None
    keep = []
    for w in words:
        if _MVN_KEEP.match(w) and w not in ("-s", "--settings"):
            keep.append(w)
        elif w in ("-s", "--settings"):
            return Step("maven", "build", inv, reason=f"`{inv.text}` reads settings from the sources (`{w}`)")
    return Step("maven", "build", inv, prefetch=_join(exe, " ".join(keep), "dependency:go-offline"))


def _gradle(inv, words: list[str]) -> Step | None:
    exe = inv.cmd.argv[0].literal or "gradle"
    tasks = [w for w in words if not w.startswith("-")]
    if not tasks:
        return None
    if any(w in ("-p", "--project-dir", "-b", "--build-file") for w in words):
        return Step("gradle", "build", inv, reason=f"`{inv.text}` builds another folder")
    if tasks == ["dependencies"]:
        return Step("gradle", "install", inv)
    return Step("gradle", "build", inv, prefetch=_join(exe, "dependencies --no-daemon"))


def _bundle(inv, words: list[str]) -> Step | None:
    ops = _operands(words, frozenset({"--jobs", "-j", "--retry", "--path", "--without", "--with", "--gemfile"}))
    if not ops:
        return Step("bundler", "install", inv)  # a bare `bundle` installs
    if ops[0] == "config":
        return Step("bundler", "free", inv)
    if ops[0] != "install":
        return None
    if any(w.startswith("--gemfile") for w in words):
        return Step("bundler", "install", inv, reason=f"`{inv.text}` reads another Gemfile")
    return Step("bundler", "install", inv)


def _gem(inv, words: list[str]) -> Step | None:
    ops = _operands(words)
    if ops and ops[0] in ("install", "update") and not any(_is_path(o) or o.endswith(".gem") for o in ops[1:]):
        return Step("gem", "free", inv)
    return None


def _composer(inv, words: list[str]) -> Step | None:
    ops = _operands(words, frozenset({"--working-dir", "-d"}))
    if not ops:
        return None
    if ops[0] in ("config", "self-update", "global"):
        return Step("composer", "free", inv)
    if ops[0] in ("require",):
        return Step("composer", "install", inv, reason=f"`{inv.text}` adds packages to composer.json; list them there")
    if ops[0] != "install":
        return None
    if any(w.startswith(("--working-dir", "-d")) for w in words):
        return Step("composer", "install", inv, reason=f"`{inv.text}` works on another folder")
    if "--no-scripts" in words and "--no-autoloader" in words:
        return Step("composer", "install", inv)
    flags = " ".join(w for w in words[words.index("install") + 1 :] if w not in ("--no-scripts", "--no-autoloader"))
    return Step("composer", "project", inv, prefetch=_join("composer install", flags, "--no-scripts --no-autoloader"))


_DOTNET_BUILD = frozenset({"build", "publish", "test", "pack", "run"})
_PROJECT = re.compile(r".*\.(csproj|fsproj|vbproj)$")


def _dotnet(inv, words: list[str]) -> Step | None:
    ops = _operands(
        words,
        frozenset(
            {"-c", "--configuration", "-o", "--output", "-r", "--runtime", "-f", "--framework", "-s", "--source"}
        ),
    )
    if not ops or ops[0] not in _DOTNET_BUILD | {"restore"}:
        return None
    target = ops[1] if len(ops) > 1 else None
    if target is not None and not _PROJECT.match(target):
        return Step("dotnet", "build", inv, reason=f"`{inv.text}` names `{target}`, which is not a project file")
    keep = [w for w in words if w.split("=")[0] in ("-r", "--runtime")]
    if "-r" in words or "--runtime" in words:  # restore for the runtime the build asks for
        k = words.index("-r") if "-r" in words else words.index("--runtime")
        keep = words[k : k + 2]
    if ops[0] == "restore":
        return Step("dotnet", "install", inv, project_file=target)
    if "--no-restore" in words:
        return None
    return Step(
        "dotnet",
        "build",
        inv,
        prefetch=_join("dotnet restore", target or "", " ".join(keep)),
        project_file=target,
    )


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


_HANDLERS = {
    "npm": _node("npm", ("install", "i", "ci", "clean-install", "isntall", "in"), ("add",)),
    "yarn": _node("yarn", ("install",), ("add",)),
    "pnpm": _node("pnpm", ("install", "i", "fetch"), ("add",)),
    "bun": _node("bun", ("install", "i"), ("add",)),
    "uv": _uv,
    "poetry": _poetry,
    "pipenv": _pipenv,
    "go": _go,
    "cargo": _cargo,
    "mvn": _mvn,
    "mvnw": _mvn,
    "gradle": _gradle,
    "gradlew": _gradle,
    "bundle": _bundle,
    "bundler": _bundle,
    "gem": _gem,
    "composer": _composer,
    "dotnet": _dotnet,
}


# -- the files an install reads ---------------------------------------------------------

# package.json scripts npm, yarn, pnpm and bun run while installing the project.
LIFECYCLE = ("preinstall", "install", "postinstall", "prepare", "prepublish")
_PATH_PROTOCOLS = ("file:", "link:", "portal:", "workspace:", "patch:", "./", "../", "/")


@attrs.frozen
class Manifests:
    """What one install reads: context paths (files, then folders)."""

    files: tuple[str, ...]
    dirs: tuple[str, ...] = ()


def manifests(step: Step, context, project: str) -> Manifests | str:
    """The context files ``step`` reads in the context folder ``project``
    ("" for the root), or the reason it reads more than manifests."""
    tool = "pip" if step.tool == "uv" and step.requirements else step.tool
    spec = table().get(tool, {})

    def rel(name: str) -> str:
        return posixpath.join(project, name) if project else name

    where = f"`{project}/`" if project else "the context root"
    for name in spec.get("required", ()):
        if not context.is_file(rel(name)):
            return f"`{step.inv.text}` needs {name}, which is not in {where}"
    for name in spec.get("workspace", ()):
        if context.exists(rel(name)):
            return f"{rel(name)} declares a workspace whose members this tool does not list"
    for name in spec.get("output", ()):
        if context.exists(rel(name)):
            return (
                f"the context holds {rel(name)}, which the copy after the install would put over the installed one;"
                f" add `{rel(name)}` to .dockerignore"
            )
    files = [rel(n) for n in spec.get("files", ()) if context.is_file(rel(n))]
    dirs = [rel(d) for d in spec.get("dirs", ()) if context.is_dir(rel(d))]
    check = _CHECKS.get(tool)
    if check is not None:
        found = check(step, context, project, files)
        if isinstance(found, str):
            return found
        files.extend(f for f in found if f not in files)
    return Manifests(tuple(files), tuple(dirs))


def _read(context, path: str) -> str:
    return context.read_text(path) or ""


def _check_node(step: Step, context, project: str, files: list[str]):
    name = posixpath.join(project, "package.json") if project else "package.json"
    try:
        data = json.loads(_read(context, name))
    except ValueError:
        return f"{name} is not valid JSON"
    if not isinstance(data, dict):
        return f"{name} is not a JSON object"
    if data.get("workspaces"):
        return f"{name} declares workspaces, whose package.json files this tool does not list"
    for key in ("dependencies", "devDependencies", "optionalDependencies"):
        deps = data.get(key)
        if isinstance(deps, dict):
            for dep, spec in deps.items():
                if isinstance(spec, str) and spec.startswith(_PATH_PROTOCOLS):
                    return f"dependency `{dep}` of {name} is a path in the sources (`{spec}`)"
    pnpm = data.get("pnpm")
    if isinstance(pnpm, dict) and pnpm.get("patchedDependencies"):
        return f"{name} patches dependencies with files of the sources (pnpm.patchedDependencies)"
    scripts = data.get("scripts")
    if isinstance(scripts, dict) and not step.ignore_scripts:
        for script in LIFECYCLE:
            if script in scripts:
                return (
                    f"{name}'s `{script}` script (`{_short(str(scripts[script]))}`) runs during the install"
                    " and may read the sources"
                )
    return []


_REQ_OPTION = re.compile(r"^\s*(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)")


def _check_pip(step: Step, context, project: str, files: list[str]):
    found: list[str] = []
    todo = [posixpath.normpath(posixpath.join(project, r)) for r in step.requirements]
    while todo:
        path = todo.pop(0)
        if path in found:
            continue
        if path.startswith("../") or path.startswith("/"):
            return f"requirements file `{path}` is outside the copied folder"
        text = context.read_text(path)
        if text is None:
            return f"requirements file {path} is not in the build context"
        found.append(path)
        for raw in text.splitlines():
            line = raw.split(" #")[0].strip()
            if not line or line.startswith("#"):
                continue
            m = _REQ_OPTION.match(line)
            if m:
                todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), m.group(2))))
                continue
            word = line.split()[0]
            if word in ("-e", "--editable") or word.startswith(("-e", "--editable=")):
                return f"{path} installs `{_short(line)}` in editable mode from the sources"
            if word in ("-f", "--find-links") or word.startswith("--find-links="):
                target = line.split(None, 1)[-1].split("=", 1)[-1]
                if "://" not in target:
                    return f"{path} finds packages in `{target}` of the sources"
            if not word.startswith("-") and (_is_path(word) or " @ file:" in line):
                return f"{path} installs `{_short(line)}` from the sources"
    return found


def _check_toml_paths(names: tuple[str, ...], what: str):
    def check(step: Step, context, project: str, files: list[str]):
        for name in names:
            path = posixpath.join(project, name) if project else name
            text = _read(context, path)
            m = re.search(r"^[^#\n]*\bpath\s*=\s*[\"']([^\"']*)", text, re.M)
            if m:
                return f"{path} has a path dependency (`{m.group(1)}`), a folder of the sources"
            if "[tool.uv.workspace]" in text or re.search(r"workspace\s*=\s*true", text):
                return f"{path} declares a {what} workspace, whose members this tool does not list"
        return []

    return check


def _check_go(step: Step, context, project: str, files: list[str]):
    mod = posixpath.join(project, "go.mod") if project else "go.mod"
    text = _read(context, mod)
    m = re.search(r"=>\s*(\.{1,2}/\S*)", text)
    if m:
        return f"{mod} replaces a module with a folder of the sources (`{m.group(1)}`)"
    if not re.search(r"^\s*require\b", text, re.M):
        return f"{mod} requires no module: there is nothing to download before the sources"
    if context.is_file(posixpath.join(project, "vendor/modules.txt") if project else "vendor/modules.txt"):
        return "the module is vendored (vendor/modules.txt): there is nothing to download"
    return []


def _check_cargo(step: Step, context, project: str, files: list[str]):
    manifest = posixpath.join(project, "Cargo.toml") if project else "Cargo.toml"
    text = _read(context, manifest)
    if re.search(r"^\s*\[workspace\]", text, re.M):
        return f"{manifest} is a workspace; fetching its members' dependencies needs every member's Cargo.toml"
    m = re.search(r"\{[^}\n]*\bpath\s*=\s*\"([^\"]*)\"", text) or re.search(
        r"^\s*\[(?:[\w.-]*\.)?(?:dev-|build-)?dependencies\.[^\]]+\][^\[]*?^\s*path\s*=\s*\"([^\"]*)\"",
        text,
        re.M | re.S,
    )
    if m:
        return f"{manifest} has a path dependency (`{m.group(1)}`), a folder of the sources"
    targets = _cargo_targets(text)
    if isinstance(targets, str):
        return f"{manifest} {targets}"
    lock = posixpath.join(project, "Cargo.lock") if project else "Cargo.lock"
    if context.is_file(lock) and "source = " not in _read(context, lock):
        return f"{lock} lists no dependency from a registry: there is nothing to fetch before the sources"
    if not context.is_file(lock) and not re.search(r"^\s*\[(.*-)?dependencies\]\s*\n\s*\w", text, re.M):
        return f"{manifest} has no dependencies: there is nothing to fetch before the sources"
    return []


def _cargo_targets(text: str) -> list[str] | str:
    """The target files a stand-in needs (``src/main.rs`` by default), or why
    a stand-in cannot be made. Every one must be under ``src/``, which the
    stand-in removes again."""
    paths: list[str] = []
    section = None
    package = re.search(r"^\s*name\s*=\s*\"([^\"]*)\"", text, re.M)
    default = None  # the inferred path of the section being read, until a `path =` replaces it
    for line in text.splitlines():
        head = re.match(r"^\s*\[\[?([\w.-]+)\]?\]", line)
        if head:
            section = head.group(1)
            default = "src/lib.rs" if section == "lib" else None
            if default:
                paths.append(default)
            continue
        name = re.match(r"^\s*name\s*=\s*\"([^\"]*)\"", line)
        if name and section == "bin" and default is None:
            own = package is not None and name.group(1) == package.group(1)
            default = "src/main.rs" if own else f"src/bin/{name.group(1)}.rs"
            paths.append(default)
        m = re.match(r"^\s*path\s*=\s*\"([^\"]*)\"", line)
        if m and section in ("lib", "bin"):
            if default in paths:
                paths.remove(default)
            paths.append(posixpath.normpath(m.group(1)))
            default = ""
    if not paths or not any(p.endswith("main.rs") or "/bin/" in p for p in paths) and "[[bin]]" not in text:
        paths.append("src/main.rs")
    outside = [p for p in paths if not p.startswith("src/")]
    if outside:
        return f"names a target outside src/ (`{outside[0]}`), which a stand-in for the fetch would leave behind"
    if any(not re.fullmatch(r"[\w./-]+\.rs", p) for p in paths):
        return "names a target path this tool does not write a stand-in for"
    return list(dict.fromkeys(paths))


def cargo_fetch(text: str) -> str:
    """``cargo fetch`` over stand-ins for the targets of the Cargo.toml ``text``."""
    targets = _cargo_targets(text)
    assert not isinstance(targets, str)
    dirs = sorted({posixpath.dirname(p) for p in targets})
    writes = " && ".join(f"echo 'fn main() {{}}' > {p}" for p in targets)
    return f"mkdir -p {' '.join(dirs)} && {writes} && cargo fetch && rm -rf src"


def _check_maven(step: Step, context, project: str, files: list[str]):
    pom = posixpath.join(project, "pom.xml") if project else "pom.xml"
    text = _read(context, pom)
    if "<modules>" in text:
        return f"{pom} is a multi-module build; its modules' pom.xml files are not listed"
    if re.search(r"<relativePath>\s*[^<\s]", text):
        return f"{pom}'s parent is a pom.xml of the sources (<relativePath>)"
    if step.inv.cmd.argv and (step.inv.cmd.argv[0].literal or "").endswith("mvnw") and "mvnw" not in " ".join(files):
        return "the Maven wrapper mvnw is not in the build context"
    return []


_GRADLE_INCLUDE = re.compile(r"^\s*include\b\s*(?:\(([^)]*)\)|(.*)$)", re.M)


def _check_gradle(step: Step, context, project: str, files: list[str]):
    if not any(f.rsplit("/", 1)[-1].startswith(("build.gradle", "settings.gradle")) for f in files):
        return "no build.gradle or settings.gradle where Gradle runs"
    extra: list[str] = []
    for f in files:
        if not f.rsplit("/", 1)[-1].startswith("settings.gradle"):
            continue
        text = _read(context, f)
        if re.search(r"^\s*(includeBuild|includeFlat)\b|projectDir\s*=", text, re.M):
            return f"{f} includes builds or folders this tool does not list"
        for m in _GRADLE_INCLUDE.finditer(text):
            listed = m.group(1) if m.group(1) is not None else m.group(2)
            for name in re.findall(r"[\"']([^\"']+)[\"']", listed):
                folder = name.strip(":").replace(":", "/")
                found = [
                    posixpath.join(project, folder, b) if project else posixpath.join(folder, b)
                    for b in ("build.gradle", "build.gradle.kts")
                ]
                found = [p for p in found if context.is_file(p)]
                if not found:
                    return f"{f} includes `{name}`, which has no build file in the context"
                extra.extend(found)
            if not re.findall(r"[\"']([^\"']+)[\"']", listed):
                return f"{f} includes projects named in a way this tool does not read (`{_short(m.group(0))}`)"
    return extra


def _check_bundler(step: Step, context, project: str, files: list[str]):
    gemfile = posixpath.join(project, "Gemfile") if project else "Gemfile"
    text = _read(context, gemfile)
    if re.search(r"^\s*gemspec\b", text, re.M):
        return f"{gemfile} reads the gem's own gemspec from the sources"
    m = re.search(r"path(?::|\s*=>)\s*[\"']([^\"']*)", text)
    if m:
        return f"{gemfile} has a path dependency (`{m.group(1)}`), a folder of the sources"
    return []


def _check_composer(step: Step, context, project: str, files: list[str]):
    name = posixpath.join(project, "composer.json") if project else "composer.json"
    try:
        data = json.loads(_read(context, name))
    except ValueError:
        return f"{name} is not valid JSON"
    repos = data.get("repositories") if isinstance(data, dict) else None
    for repo in repos.values() if isinstance(repos, dict) else repos or ():
        if isinstance(repo, dict) and repo.get("type") == "path":
            return f"{name} has a path repository (`{repo.get('url')}`), a folder of the sources"
    return []


def _check_dotnet(step: Step, context, project: str, files: list[str]):
    from .recognisers.sources import listing

    names, _ = listing(context, project)
    if step.project_file is not None:
        projects = [step.project_file] if step.project_file in names else []
        if not projects:
            return f"project file {step.project_file} is not in the build context"
    else:
        if any(n.endswith(".sln") or n.endswith(".slnx") for n in names):
            return "a solution restores several projects, whose files are not listed"
        projects = [n for n in names if _PROJECT.match(n)]
        if len(projects) != 1:
            return (
                "no single project file where dotnet runs"
                if not projects
                else "several project files where dotnet runs"
            )
    out = []
    for p in projects:
        path = posixpath.join(project, p) if project else p
        if "<ProjectReference" in _read(context, path):
            return f"{path} references other projects of the sources"
        out.append(path)
    return out


_CHECKS = {
    "npm": _check_node,
    "yarn": _check_node,
    "pnpm": _check_node,
    "bun": _check_node,
    "pip": _check_pip,
    "poetry": _check_toml_paths(("pyproject.toml",), "Poetry"),
    "uv": _check_toml_paths(("pyproject.toml",), "uv"),
    "pipenv": _check_toml_paths(("Pipfile",), "Pipenv"),
    "go": _check_go,
    "cargo": _check_cargo,
    "maven": _check_maven,
    "gradle": _check_gradle,
    "bundler": _check_bundler,
    "composer": _check_composer,
    "dotnet": _check_dotnet,
}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:47] + "..."
