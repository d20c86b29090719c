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
