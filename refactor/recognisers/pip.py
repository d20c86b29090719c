"""Python installers: ``pip``/``pip3``/``python -m pip``, ``poetry``,
``uv``, ``pipenv``, ``python setup.py install``, and the commands that make
a virtual environment (``python -m venv``, ``virtualenv``, ``uv venv``) or
another kind of environment (``conda``, ``mamba``).

``recognise(inv)`` says what one command does to the Python environment,
as a ``PythonStep``, or None when it is no Python command: the split of
refactor/ecosystems/python.py asks it about each command of a RUN. What it
cannot read is a reason in ``PythonStep.problem``, never a guess.

``requirement_names`` reads the package names a requirements file, a lock
file or a pyproject.toml names, so that the split can tell which console
scripts the install provides and which source distributions link a system
library.
"""

from __future__ import annotations

import posixpath
import re

import attrs

from .flags import Options, parse
from .site import Invocation

# pip install's options (pip 23-25): a word after a valued one is its value.
_PIP_VALUED = (
    "--requirement|-r --constraint|-c --editable|-e --target|-t --prefix --root --index-url|-i"
    " --extra-index-url --find-links|-f --trusted-host --platform --python-version --implementation --abi"
    " --src --upgrade-strategy --progress-bar --global-option --install-option --config-settings|-C"
    " --no-binary --only-binary --timeout --retries --cache-dir --log --proxy --cert --client-cert"
    " --exists-action --report --root-user-action --use-feature --use-deprecated --python --keyring-provider"
    " --group"
)
_PIP_SWITCHES = (
    "-U|--upgrade --user --no-deps --no-cache-dir --pre --force-reinstall -I|--ignore-installed"
    " --ignore-requires-python --no-build-isolation --no-index --compile --no-compile --no-warn-script-location"
    " --no-warn-conflicts --prefer-binary --require-hashes --dry-run -q|--quiet -v|--verbose"
    " --disable-pip-version-check --no-color --isolated --no-input --break-system-packages --no-clean"
    " --use-pep517 --no-use-pep517 --check-build-dependencies --system --strict --no-build"
    " --require-virtualenv --no-python-version-warning"
)
PIP_INSTALL = Options.of(_PIP_VALUED, _PIP_SWITCHES)
# `uv pip install`: pip's options and uv's own.
UV_PIP_INSTALL = Options.of(
    _PIP_VALUED + " --link-mode --resolution --prerelease --index-strategy --extra --torch-backend --exclude-newer"
    " --index --default-index -p --cache-dir",
    _PIP_SWITCHES + " --no-cache|-n --compile-bytecode --all-extras --reinstall --refresh --no-sources --native-tls"
    " --offline --no-progress --no-config",
)
# pip's global options, before the subcommand (`pip --no-cache-dir install`).
PIP_GLOBAL = Options.of(
    valued="--cache-dir --log --proxy --retries --timeout --exists-action --trusted-host --cert --client-cert"
    " --python --use-feature --use-deprecated --root-user-action --progress-bar",
    switches="-q|--quiet -v|--verbose --no-cache-dir --disable-pip-version-check --no-color --isolated"
    " --no-input --require-virtualenv --no-python-version-warning --break-system-packages",
)
# pip subcommands that install nothing into the environment the image keeps.
PIP_READ_ONLY = frozenset(
    {"freeze", "list", "show", "check", "config", "cache", "debug", "help", "hash", "inspect", "search", "index"}
)
# Tools installed to install the app with: they need not reach the runtime.
INSTALLERS = frozenset(
    {"pip", "setuptools", "wheel", "poetry", "uv", "pipenv", "pip-tools", "poetry-plugin-export", "virtualenv"}
)
# Options of `poetry install`, `uv sync` and `pipenv install` that matter here.
POETRY_NO_ROOT = ("--no-root",)
ENV_TOOLS = frozenset({"conda", "mamba", "micromamba"})
PYTHON_NAME = re.compile(r"^python(?:3(?:\.\d+)?)?$")
PIP_NAME = re.compile(r"^pip(?:3(?:\.\d+)?)?$")
COMMANDS = frozenset({"pip", "pip3", "python", "python3", "poetry", "uv", "pipenv", "virtualenv", "pip-sync"})


@attrs.frozen
class PythonStep:
    """What one command does to the Python environment.

    ``kind``: ``install`` (packages into an environment), ``venv`` (makes a
    virtual environment at ``path``), ``read-only`` (``pip freeze``,
    ``poetry config``, ``poetry export``: nothing the image keeps changes
    beyond the builder's own files). ``tool``: pip, poetry, uv, pipenv,
    setup.py. ``interpreter``: the command's own path when absolute
    (``/opt/venv/bin/pip``), None when found through PATH. ``target``: where
    the packages go when not the environment on PATH (``user``, ``target``,
    ``prefix``, ``root``, ``system``, ``own-venv``: pipenv's or poetry's
    own). ``cache``: whether the installer keeps its download cache in the
    image. ``problem``: why the command cannot be read."""

    kind: str
    tool: str
    interpreter: str | None = None
    target: str | None = None
    path: str | None = None  # venv: the folder it makes
    requirements: tuple[str, ...] = ()  # image paths of -r/-c files and lock files read
    packages: tuple[str, ...] = ()  # names given on the command line
    project: str | None = None  # image path of a project installed (``pip install .``)
    editable: bool = False
    installers_only: bool = False  # installs only installers (pip, poetry, uv ...)
    cache: bool = True
    options: tuple[str, ...] = ()  # the installer's own options given (``--system-site-packages``)
    problem: str | None = None


def recognise(inv: Invocation) -> PythonStep | None:
    name = inv.name or ""
    args = [a.value for a in inv.args]
    interpreter = _absolute(inv)
    if PIP_NAME.match(name):
        return _pip(inv, inv.args, "pip", interpreter)
    if PYTHON_NAME.match(name):
        if args[:2] == ["-m", "pip"]:
            return _pip(inv, inv.args[2:], "pip", interpreter)
        if args[:2] in (["-m", "venv"], ["-m", "virtualenv"]):
            return _venv(inv, inv.args[2:], "venv")
        if args and args[0] is not None and args[0].endswith("setup.py") and len(args) > 1:
            return _setup_py(inv, args[1:], interpreter)
        return None
    if name == "virtualenv":
        return _venv(inv, inv.args, "virtualenv")
    if name == "poetry":
        return _poetry(inv, args)
    if name == "uv":
        return _uv(inv, args)
    if name == "pipenv":
        return _pipenv(inv, args)
    if name == "pip-sync":
        return PythonStep(
            "install",
            "pip-sync",
            problem=f"`{inv.text}`: pip-sync installs into the interpreter pip-tools runs in; use"
            " `pip install -r` with the lock file",
        )
    if name in ENV_TOOLS:
        return PythonStep(
            "install",
            name,
            problem=f"`{inv.text}`: {name} environments are not supported; the split knows pip, Poetry, uv and"
            " Pipenv installs into a virtual environment",
        )
    return None


def _absolute(inv: Invocation) -> str | None:
    first = inv.cmd.argv[0].literal if inv.cmd.argv else None
    return posixpath.normpath(first) if first and first.startswith("/") else None


def _pip(inv: Invocation, args, tool: str, interpreter: str | None) -> PythonStep:
    head = parse(args, PIP_GLOBAL)
    sub = head.operands[0].value if head.operands else None
    if sub is None:
        return PythonStep("install", tool, problem=f"`{inv.text}`: cannot tell what pip does")
    if sub in PIP_READ_ONLY or sub in ("uninstall", "download"):
        return PythonStep("read-only", tool, interpreter)
    if sub == "wheel":
        return PythonStep(
            "install",
            tool,
            interpreter,
            problem=f"`{inv.text}`: `pip wheel` builds wheels to install elsewhere; the split installs into a"
            " virtual environment instead",
        )
    if sub != "install":
        return PythonStep("install", tool, interpreter, problem=f"`{inv.text}`: unknown pip command `{sub}`")
    rest = args[args.index(head.operands[0]) + 1 :]
    return _pip_install(inv, rest, tool, interpreter, global_no_cache=head.has("--no-cache-dir"))


def _pip_install(inv: Invocation, args, tool: str, interpreter, global_no_cache=False) -> PythonStep:
    opts = parse(args, UV_PIP_INSTALL if tool == "uv" else PIP_INSTALL)
    if opts.problem:
        return PythonStep("install", tool, interpreter, problem=f"`{inv.text}`: {inv.problem(opts)}")
    target = None
    for option, where in (("--user", "user"), ("--target", "target"), ("--prefix", "prefix"), ("--root", "root")):
        if opts.has(option):
            target = where
    if opts.has("--system"):
        target = "system"
    files = []
    for arg in opts.all("--requirement") + opts.all("--constraint"):
        path = inv.path(arg.value) if arg.value is not None else None
        if path is None:
            return PythonStep("install", tool, interpreter, problem=f"`{inv.text}`: cannot tell which file it reads")
        files.append(path)
    packages: list[str] = []
    project = None
    editable = bool(opts.all("--editable"))
    for arg in [*opts.operands, *opts.all("--editable")]:
        value = arg.value if arg.value is not None else (arg.raw.strip("'\"") if not arg.variables else None)
        if value is None:
            return PythonStep("install", tool, interpreter, problem=f"`{inv.text}`: {inv.why(arg)}")
        if value.startswith((".", "/")) or value.endswith((".whl", ".tar.gz", ".zip")):
            local = value.split("[", 1)[0]
            project = inv.path(local) if not local.endswith((".whl", ".tar.gz", ".zip")) else project
            if local.endswith((".whl", ".tar.gz", ".zip")):
                packages.append(posixpath.basename(local).split("-", 1)[0].lower())
            continue
        packages.append(_name(value))
    no_cache = global_no_cache or opts.has("--no-cache-dir") or inv.env("PIP_NO_CACHE_DIR") not in (None, "", "0")
    if tool == "uv":
        no_cache = no_cache or inv.env("UV_NO_CACHE") not in (None, "", "0")
    only_installers = bool(packages) and not files and project is None and set(packages) <= INSTALLERS
    return PythonStep(
        "install",
        tool,
        interpreter,
        target,
        requirements=tuple(files),
        packages=tuple(p for p in packages if p),
        project=project,
        editable=editable,
        installers_only=only_installers,
        cache=not no_cache,
    )


def _venv(inv: Invocation, args, tool: str) -> PythonStep:
    words = [a.value for a in args]
    if any(w is None for w in words):
        return PythonStep("venv", tool, problem=f"`{inv.text}`: cannot tell where the environment goes")
    folders = [w for w in words if not w.startswith("-")]
    options = tuple(w for w in words if w.startswith("-"))
    if len(folders) != 1 or any(o in ("--prompt", "-p", "--python") for o in options):
        return PythonStep("venv", tool, problem=f"`{inv.text}`: cannot tell where the environment goes")
    path = inv.path(folders[0])
    if path is None:
        return PythonStep("venv", tool, problem=f"`{inv.text}`: {inv.cwd_reason()}")
    return PythonStep("venv", tool, path=path, options=options)


def _setup_py(inv: Invocation, words, interpreter) -> PythonStep:
    commands = [w for w in words if w is not None and not w.startswith("-")]
    if "install" in commands or "develop" in commands:
        if any(w in ("--user", "--prefix", "--root", "--home") or (w or "").startswith("--prefix=") for w in words):
            return PythonStep("install", "setup.py", interpreter, target="prefix")
        return PythonStep("install", "setup.py", interpreter, project=inv.cwd, editable="develop" in commands)
    return PythonStep(
        "install",
        "setup.py",
        interpreter,
        problem=f"`{inv.text}` builds files the tool cannot name; a split would leave them in the builder",
    )


def _poetry(inv: Invocation, args) -> PythonStep:
    sub = next((a for a in args if a is not None and not a.startswith("-")), None)
    if sub in ("config", "export", "check", "lock", "show", "env", "version", "about", "--version", "debug"):
        if sub == "env" and "use" in args:
            return PythonStep(
                "install",
                "poetry",
                target="own-venv",
                problem=_own_venv(inv, "poetry env use", "`poetry config virtualenvs.create false`"),
            )
        return PythonStep("read-only", "poetry")
    if sub in ("install", "sync"):
        no_cache = "--no-cache" in args or inv.env("POETRY_CACHE_DIR") == "/dev/null"
        project = None if "--no-root" in args or "--only-root" in args else inv.cwd
        lock = inv.path("poetry.lock")
        return PythonStep(
            "install",
            "poetry",
            requirements=(lock,) if lock else (),
            project=project,
            editable=True,
            cache=not no_cache,
        )
    if sub == "self":
        return PythonStep("read-only", "poetry")
    return PythonStep("install", "poetry", problem=f"`{inv.text}`: the tool does not know `poetry {sub}`")


def _uv(inv: Invocation, args) -> PythonStep:
    words = [a for a in args if a is not None]
    sub = words[0] if words else None
    no_cache = "--no-cache" in words or "-n" in words or inv.env("UV_NO_CACHE") not in (None, "", "0")
    if sub == "pip" and len(words) > 1 and words[1] == "install":
        # `uv pip install` reads pip's options; --system is its own.
        step = _pip_install(inv, inv.args[2:], "uv", None)
        return attrs.evolve(step, cache=not no_cache)
    if sub == "pip" and len(words) > 1 and words[1] == "sync":
        reqs = tuple(inv.path(w) for w in words[2:] if not w.startswith("-") and inv.path(w))
        target = "system" if "--system" in words else None
        return PythonStep("install", "uv", target=target, requirements=reqs, cache=not no_cache)
    if sub == "sync":
        project = None if "--no-install-project" in words else inv.cwd
        lock = inv.path("uv.lock")
        return PythonStep(
            "install",
            "uv",
            requirements=(lock,) if lock else (),
            project=project,
            editable="--no-editable" not in words,
            cache=not no_cache,
        )
    if sub == "venv":
        step = _venv(inv, [a for a in inv.args[1:] if a.value not in ("--seed",)], "uv venv")
        return step if step.path else attrs.evolve(step, path=inv.path(".venv"), problem=None)
    if sub in ("export", "lock", "--version", "version", "cache", "python", "tree"):
        return PythonStep("read-only", "uv")
    return PythonStep("install", "uv", problem=f"`{inv.text}`: the tool does not know `uv {sub}`")


def _pipenv(inv: Invocation, args) -> PythonStep:
    words = [a for a in args if a is not None]
    sub = next((w for w in words if not w.startswith("-")), None)
    if sub in ("install", "sync"):
        if "--system" not in words:
            return PythonStep(
                "install",
                "pipenv",
                target="own-venv",
                problem=_own_venv(inv, "pipenv without --system", "`pipenv install --system`"),
            )
        lock = inv.path("Pipfile.lock")
        packages = tuple(_name(w) for w in words[words.index(sub) + 1 :] if not w.startswith("-"))
        return PythonStep("install", "pipenv", requirements=(lock,) if lock else (), packages=packages)
    if sub in ("lock", "requirements", "--version", "check", "graph"):
        return PythonStep("read-only", "pipenv")
    return PythonStep("install", "pipenv", problem=f"`{inv.text}`: the tool does not know `pipenv {sub}`")


def _own_venv(inv: Invocation, what: str, fix: str) -> str:
    return (
        f"`{inv.text}`: {what} makes its own virtual environment under the user's home; install into the"
        f" image's environment ({fix})"
    )


def _name(spec: str) -> str:
    """The normalised project name of a requirement specifier (``Flask[async]>=2`` -> ``flask``)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


# -- what a requirements file, lock file or pyproject names ---------------------------


def requirement_names(path: str, text: str) -> tuple[list[str], list[str]]:
    """(normalised package names, image paths of files it includes) of a
    requirements file, ``poetry.lock``, ``uv.lock``, ``Pipfile(.lock)`` or
    ``pyproject.toml`` (its dependencies)."""
    base = posixpath.basename(path)
    if base.endswith(".lock") and base != "Pipfile.lock":  # poetry.lock, uv.lock: [[package]] name = "..."
        return [_name(m) for m in re.findall(r'(?m)^name\s*=\s*"([^"]+)"', text)], []
    if base == "Pipfile.lock":
        import json

        try:
            data = json.loads(text)
        except ValueError:
            return [], []
        return [_name(k) for k in (data.get("default") or {})], []
    if base in ("pyproject.toml", "Pipfile"):
        names = re.findall(r'(?m)^\s*"([A-Za-z0-9][A-Za-z0-9._-]*)[^"]*"\s*,?\s*$', text)
        names += re.findall(r"(?m)^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=", text)
        return [_name(n) for n in names], []
    names, includes = [], []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(("-r", "-c", "--requirement", "--constraint")):
            rest = line.split(None, 1)[1] if " " in line else line[2:]
            includes.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), rest.strip())))
            continue
        if line.startswith("-"):
            continue
        name = _name(line.split("#egg=", 1)[-1] if "#egg=" in line else line)
        if name:
            names.append(name)
    return names, includes
