"""What a JavaScript package manager does in a RUN, and what ``package.json``
says the app runs.

``read_step`` classifies one command of npm, yarn, pnpm, Bun, npx or
corepack: an install of the dependencies (all, or production ones only), an
install into the global folder, a ``package.json`` script, a test, a prune,
a command that changes nothing the image keeps (``npm cache clean``), or a
reason when the words cannot be read. ``start_command`` turns ``npm start``
(and yarn's, pnpm's and Bun's) into the ``node`` command it runs, through
``scripts.start``, when that is one plain ``node`` command.
"""

from __future__ import annotations

import json

import attrs

from .site import Invocation

MANAGERS = frozenset({"npm", "yarn", "pnpm", "bun", "npx", "pnpx", "bunx", "corepack"})
_NPM_INSTALL = frozenset(
    {"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall", "add"}
    | {"ci", "clean-install", "ic", "install-clean", "isntall-clean", "rebuild", "rb"}
)
_NPM_RUN = frozenset({"run", "run-script", "rum", "urn"})
_NPM_TEST = frozenset({"test", "t", "tst", "it", "install-test", "cit", "clean-install-test"})
# Subcommands that change nothing the image keeps, or only the builder's caches and settings.
_QUIET = frozenset(
    {"cache", "config", "c", "set", "get", "audit", "ls", "list", "ll", "la", "outdated", "version", "view"}
    | {"v", "info", "show", "help", "ping", "doctor", "whoami", "fund", "explain", "why", "pkg", "dedupe", "ddp"}
    | {"-v", "--version", "-h", "--help", "store", "enable", "prepare", "env", "policies", "licenses", "bin"}
)
_YARN_BUILTIN = frozenset({"install", "add", "run", "test", "cache", "config", "global", "workspaces", "dlx", "exec"})
_PRODUCTION_FLAGS = frozenset({"--production", "--omit=dev", "--only=prod", "--only=production", "--prod", "-P"})
# Options that take a value as the next word (before the subcommand).
_VALUED = frozenset({"--prefix", "-C", "--dir", "--cwd", "--filter", "-F", "--workspace", "-w", "--omit"})


@attrs.frozen
class NodeStep:
    """One package-manager command. ``kind``: ``install`` (into the
    project's ``node_modules``), ``global`` (into the global folder),
    ``script`` (runs ``scripts[script]``), ``exec`` (npx, dlx: a package's
    program), ``bundle`` (``bun build``), ``test``, ``prune`` or ``quiet``."""

    manager: str
    kind: str
    cwd: str | None
    script: str | None = None
    production: bool = False
    words: tuple[str, ...] = ()


def read_step(inv: Invocation) -> NodeStep | str:
    """The step ``inv`` (a command of ``MANAGERS``) makes, or why it cannot be told."""
    values = [a.value for a in inv.args]
    if None in values:
        bad = inv.args[values.index(None)]
        return f"cannot read `{bad.raw}` of `{inv.text}`: {inv.why(bad)}"
    words: list[str] = values  # type: ignore[assignment]
    manager = inv.name or ""
    sub, rest = _subcommand(words)
    production = bool(_PRODUCTION_FLAGS & set(words)) or "dev" in _values_of(words, "--omit")
    production = production or (inv.env("NODE_ENV") == "production" and manager in ("npm", "yarn", "pnpm"))
    globally = bool({"-g", "--global", "--location=global"} & set(words))

    def step(kind: str, script: str | None = None) -> NodeStep:
        return NodeStep(manager, kind, inv.cwd, script, production, tuple(words))

    if manager in ("npx", "pnpx", "bunx"):
        return step("exec")
    if manager == "corepack":
        return step("quiet")
    if manager == "npm":
        if sub in _NPM_INSTALL or sub is None and not words:
            return step("global" if globally else "install")
        if sub in _NPM_RUN:
            return step("script", rest[0]) if rest else step("quiet")
        if sub in _NPM_TEST:
            return step("test")
        if sub == "start":
            return step("script", "start")
        if sub == "prune":
            return step("prune")
        if sub in ("exec", "x"):
            return step("exec")
        if sub in _QUIET or sub is None:
            return step("quiet")
        return f"cannot tell what `{inv.text}` does"
    if manager == "yarn":
        if sub is None or sub in ("install", "add"):
            return step("install")
        if sub == "global":
            return step("global")
        if sub == "workspaces" and rest[:1] == ["focus"]:
            return step("install")
        if sub == "run":
            return step("script", rest[0]) if rest else step("quiet")
        if sub == "test":
            return step("test")
        if sub in ("dlx", "exec"):
            return step("exec")
        if sub in _QUIET:
            return step("quiet")
        return step("script", sub)  # yarn runs a script by its bare name
    if manager == "pnpm":
        if sub in ("install", "i", "add", "fetch", "rebuild", "rb"):
            return step("global" if globally else "install")
        if sub == "run":
            return step("script", rest[0]) if rest else step("quiet")
        if sub in ("test", "t"):
            return step("test")
        if sub == "prune":
            return step("prune")
        if sub in ("dlx", "exec"):
            return step("exec")
        if sub in _QUIET or sub is None:
            return step("quiet")
        return step("script", sub)
    if manager == "bun":
        if sub in ("install", "i", "add"):
            return step("global" if globally else "install")
        if sub == "run":
            return step("script", rest[0]) if rest else step("quiet")
        if sub == "test":
            return step("test")
        if sub == "build":
            return step("bundle")
        if sub == "x":
            return step("exec")
        if sub in _QUIET or sub is None:
            return step("quiet")
        return step("script", sub)
    return f"cannot tell what `{inv.text}` does"


def _subcommand(words: list[str]) -> tuple[str | None, list[str]]:
    k = 0
    while k < len(words):
        w = words[k]
        if w in _VALUED:
            k += 2
        elif w.startswith("-"):
            if w in ("-v", "--version", "-h", "--help"):
                return w, words[k + 1 :]
            k += 1
        else:
            return w, [x for x in words[k + 1 :] if not x.startswith("-")]
    return None, []


def _values_of(words: list[str], option: str) -> list[str]:
    return [words[k + 1] for k, w in enumerate(words[:-1]) if w == option]


# -- package.json ------------------------------------------------------------------


@attrs.frozen
class Package:
    """What the tool reads of a ``package.json``."""

    scripts: dict = attrs.field(eq=False)
    dependencies: tuple[str, ...]
    dev_dependencies: tuple[str, ...]
    main: str | None
    package_manager: str | None  # "pnpm@9.1.0" (corepack's field)
    workspaces: bool


def read_package(text: str | None) -> Package | None:
    """The package, or None when there is none or it is not JSON an object."""
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}

    def names(key: str) -> tuple[str, ...]:
        value = data.get(key)
        return tuple(value) if isinstance(value, dict) else ()

    main = data.get("main") if isinstance(data.get("main"), str) else None
    manager = data.get("packageManager") if isinstance(data.get("packageManager"), str) else None
    return Package(
        {k: v for k, v in scripts.items() if isinstance(v, str)},
        names("dependencies"),
        names("devDependencies"),
        main,
        manager,
        "workspaces" in data,
    )


# How each package manager runs the start script: the words after its name.
START_FORMS = {
    "npm": (("start",), ("run", "start"), ("run-script", "start")),
    "yarn": (("start",), ("run", "start")),
    "pnpm": (("start",), ("run", "start")),
    "bun": (("run", "start"), ("start",)),
}


def start_script(argv: list[str]) -> tuple[str, str] | None:
    """(manager, script name) when ``argv`` runs a package.json script
    (``npm start``, ``yarn run serve``), else None."""
    if not argv or argv[0] not in START_FORMS:
        return None
    rest = tuple(argv[1:])
    if rest in START_FORMS[argv[0]]:
        return argv[0], "start"
    if len(rest) == 2 and rest[0] in ("run", "run-script"):
        return argv[0], rest[1]
    return None


def resolve_script(package: Package, name: str, has_file) -> tuple[list[str], str | None]:
    """The words of the one plain command ``scripts[name]`` runs, or
    ([], why not). npm's default start is ``node server.js`` when there is
    no start script and the package has server.js (``has_file``)."""
    from ..analysis.shell import read_shell

    if any(f"{p}{name}" in package.scripts for p in ("pre", "post")):
        return [], f"`{name}` has a pre{name} or post{name} script, which only the package manager runs"
    text = package.scripts.get(name)
    if text is None:
        if name == "start" and has_file("server.js"):
            return ["node", "server.js"], None
        return [], f"package.json has no `{name}` script"
    script = read_shell(text)
    if not script.understood or len(script.commands) != 1:
        return [], f"the `{name}` script (`{text}`) runs several commands"
    cmd = script.commands[0]
    words = cmd.words()
    if cmd.assignments or cmd.redirects or not words:
        return [], f"the `{name}` script (`{text}`) sets variables or redirects"
    return words, None


# -- where a build script writes -----------------------------------------------------

# Build tools whose output folder is fixed, or given by an option (the default otherwise).
_OUTPUT_OPTIONS = {
    "vite": (("--outDir",), "dist"),
    "react-scripts": ((), "build"),
    "vue-cli-service": (("--dest",), "dist"),
    "parcel": (("--dist-dir", "-d"), "dist"),
    "webpack": (("--output-path", "-o"), "dist"),
    "ng": (("--output-path",), "dist"),
    "next": ((), ".next"),
    "esbuild": (("--outdir",), None),
    "bun": (("--outdir",), None),
    "rollup": (("--dir", "-d"), None),
    "babel": (("--out-dir", "-d"), None),
    "swc": (("--out-dir", "-d"), None),
}
# Options naming a single output file (its folder is the output).
_OUTFILE = {
    "esbuild": ("--outfile",),
    "bun": ("--outfile",),
    "babel": ("--out-file", "-o"),
    "swc": ("--out-file", "-o"),
}
# Their configuration files: an output folder set there is not read here.
_CONFIGS = {
    "vite": ("vite.config.js", "vite.config.ts", "vite.config.mjs", "vite.config.mts"),
    "webpack": ("webpack.config.js", "webpack.config.ts", "webpack.config.cjs", "webpack.config.mjs"),
    "vue-cli-service": ("vue.config.js",),
}
_CLEANERS = frozenset({"rimraf", "rm", "echo", "mkdir", "del-cli", "true"})


def script_outputs(package: Package, name: str, read_text, depth: int = 0) -> tuple[list[str], str | None]:
    """The folders (relative to the package) the ``name`` script and its
    pre/post scripts write their output to, or ([], why they cannot be
    named). ``read_text(rel)`` reads a file of the package (tsconfig.json)."""
    from ..analysis.shell import read_shell

    out: list[str] = []
    for script_name in (f"pre{name}", name, f"post{name}"):
        text = package.scripts.get(script_name)
        if text is None:
            if script_name == name:
                return [], f"package.json has no `{name}` script"
            continue
        script = read_shell(text)
        if not script.understood:
            return [], f"cannot read the `{script_name}` script (`{text}`)"
        for cmd in script.commands:
            words = cmd.words()
            if not words:
                return [], f"cannot read the `{script_name}` script (`{text}`)"
            found, why = _command_outputs(package, words, read_text, depth)
            if why:
                return [], f"the `{script_name}` script (`{text}`): {why}"
            out += found
    return list(dict.fromkeys(out)), None


def _command_outputs(package, words: list[str], read_text, depth: int) -> tuple[list[str], str | None]:
    import posixpath

    tool, args = posixpath.basename(words[0]), words[1:]
    if tool in ("npx", "pnpx", "bunx") and args:
        tool, args = posixpath.basename(args[0]), args[1:]
    if tool in _CLEANERS:
        return [], None
    if tool in ("npm", "yarn", "pnpm") or tool == "bun" and args[:1] == ["run"]:
        step = start_script([tool, *args])
        if step is None and tool in ("yarn", "pnpm") and len(args) == 1:
            step = (tool, args[0])
        if step is None or depth > 3:
            return [], f"runs `{' '.join(words)}`"
        return script_outputs(package, step[1], read_text, depth + 1)
    if tool == "tsc":
        return _tsc_outputs(args, read_text)
    if tool == "nest" and args[:1] == ["build"]:
        config = _option(args, ("-p", "--path")) or (
            "tsconfig.build.json" if read_text("tsconfig.build.json") is not None else "tsconfig.json"
        )
        return _tsc_outputs(["-p", config], read_text)
    if tool in _OUTPUT_OPTIONS:
        if tool == "bun" and args[:1] != ["build"] or tool in ("ng", "vite", "parcel") and "build" not in args:
            return [], f"runs `{' '.join(words)}`"
        options, default = _OUTPUT_OPTIONS[tool]
        given = _option(args, options)
        if given is None and tool in _OUTFILE:
            outfile = _option(args, _OUTFILE[tool])
            given = posixpath.dirname(outfile) or "." if outfile else None
        if given is None and any(read_text(c) is not None for c in _CONFIGS.get(tool, ())):
            return [], f"{tool}'s configuration file may set its output folder"
        folder = given or default
        if folder is None:
            return [], f"`{' '.join(words)}` names no output folder"
        return [posixpath.normpath(folder)], None
    return [], f"runs `{tool}`, whose output the tool cannot name"


def _option(args: list[str], names) -> str | None:
    for k, arg in enumerate(args):
        for name in names:
            if arg == name and k + 1 < len(args):
                return args[k + 1]
            if arg.startswith(name + "="):
                return arg[len(name) + 1 :]
    return None


def _tsc_outputs(args: list[str], read_text) -> tuple[list[str], str | None]:
    import posixpath

    given = _option(args, ("--outDir",))
    if given:
        return [posixpath.normpath(given)], None
    config = _option(args, ("-p", "--project", "-b", "--build")) or "tsconfig.json"
    if not config.endswith(".json"):
        config = posixpath.join(config, "tsconfig.json")
    for _ in range(4):  # extends, a few levels
        data = _jsonc(read_text(posixpath.normpath(config)))
        if data is None:
            return [], f"cannot read {config}"
        options = data.get("compilerOptions") if isinstance(data.get("compilerOptions"), dict) else {}
        out_dir = options.get("outDir")
        if isinstance(out_dir, str):
            return [posixpath.normpath(posixpath.join(posixpath.dirname(config), out_dir))], None
        parent = data.get("extends")
        if not isinstance(parent, str) or not parent.startswith("."):
            break
        config = posixpath.join(posixpath.dirname(config), parent)
        config = config if config.endswith(".json") else config + ".json"
    return [], f"{config} sets no outDir, so tsc writes beside the sources"


def _jsonc(text: str | None) -> dict | None:
    """tsconfig.json is JSON with comments and trailing commas."""
    import re

    if text is None:
        return None
    text = re.sub(
        r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', lambda m: m.group(0) if m.group(0)[0] == '"' else "", text, flags=re.S
    )
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
