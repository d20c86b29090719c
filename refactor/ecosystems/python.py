"""Python: the packages ``pip``, Poetry, uv or Pipenv installed, in a
virtual environment copied whole onto ``python:<same minor>-slim``.

The builder gains a virtual environment at ``/opt/venv``, made just before
the first install of the app's packages (``RUN python -m venv /opt/venv``,
then ``ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH``, and
``UV_PROJECT_ENVIRONMENT=/opt/venv`` for ``uv sync``), so that every install
after it lands there: ``pip install -r requirements.txt``, ``pip install .``
or ``-e .`` (the project, its console scripts and package data), ``python
-m pip``, ``python setup.py install``, ``poetry install`` (Poetry uses the
active environment), ``uv sync`` and ``uv pip install``, ``pipenv install
--system``. Installers installed before it (``pip install poetry``) stay in
the builder. A file that makes its own environment (``python -m venv``,
``virtualenv``, ``uv venv``) and installs into it keeps it, wherever it is.

The runtime stage is the slim image of the builder's Python version
(``python:3.12`` -> ``python:3.12-slim``, an Alpine one for an Alpine
builder): the environment is copied whole, to the same path, so its
console scripts' shebangs and its link to ``/usr/local/bin/python3.X``
stay valid, with ``PATH`` (and ``VIRTUAL_ENV``) set to it in both stages.
Never another minor version (compiled extensions are built for one), and
never distroless: its ``python3`` lives under ``/usr/bin``, where a virtual
environment made in an official image does not look for it. The app's own
files come from the build context as the original copied them (sources,
templates, configuration; not the requirements and lock files), under the
same WORKDIR; a project installed in editable mode is copied whole. A
folder a RUN made (``mkdir -p /app/uploads``) is copied owned by the
non-root user MSB301 gives the runtime, so the app can still write to it.

System packages: compilers, ``build-essential``, ``pkg-config``,
``python3-dev`` and the ``-dev`` packages stay in the builder. The runtime
installs the runtime library of each ``-dev`` package
(``libpq-dev`` -> ``libpq5``) with ``--no-install-recommends``, removing the
package lists in the same layer; other packages (``ca-certificates``,
``ffmpeg``) are installed as they were. ``curl`` and ``wget`` stay in the
builder unless a HEALTHCHECK or the command runs them. On a full
``python:X`` builder, whose image already has the ``-dev`` packages, a
requirement that compiles against one from source (``psycopg2`` against
``libpq-dev``) gets its runtime library too.

The mapping is data, in ``refactor/data/packages.toml``: one table per
release (``[debian.bookworm]``, ``[debian.trixie]``, ``[alpine]``), each row
a ``-dev`` package and the list of runtime packages that hold its shared
libraries (empty: the base image has them), checked against that release's
package lists::

    [debian.trixie]
    "libpq-dev" = ["libpq5"]
    "libssl-dev" = ["libssl3t64"]

``[build-only]`` lists the packages never installed in a runtime stage and
``[maybe-runtime]`` the tools kept only when the runtime runs them. The
source distributions that link a system library, and the console scripts
not named as their distribution, are in ``refactor/data/python.toml``.

The command may run ``python``/``python3`` (``python app.py``, ``python -m
package``), a console script an install provides (``gunicorn``,
``uvicorn``, the project's own scripts), or a Python file of the context; a
shell-form command keeps the slim base's shell. Conda and mamba, ``pip
install --user``/``--target``/``--prefix``, an interpreter called by its
path outside the environment, an installer run by the command (``poetry
run``, ``uv run``), a project installed before its sources are copied, a
build that links a ``-dev`` package's library of another release than the
runtime's (bullseye's ``libssl1.1`` on a trixie runtime) and a Python
version the catalog cannot match (or past its end of life) are declined,
each with its reason.
"""

from __future__ import annotations

import functools
import posixpath
import re

from ..split import HARMLESS_COMMANDS, Copy, Plan, StageFacts, Step, context_copies, test_only_runs
from . import common

TITLE = "Python"
COMMANDS = (
    r"pip[0-9.]*",
    r"python[0-9.]*",
    "poetry",
    "uv",
    "pipenv",
    "virtualenv",
    "pip-sync",
    "conda",
    "mamba",
    "micromamba",
)
NEEDLES = ("pip", "python", "poetry", "uv", "conda", "mamba", "virtualenv")
EXAMPLE, FIXTURE_PREFIX = "python-cext-libpq", "python-"

VENV = "/opt/venv"
# Installs, lock files and build leftovers: not read by the app at run time.
MANIFESTS = frozenset(
    {
        "requirements.txt",
        "requirements.in",
        "constraints.txt",
        "poetry.lock",
        "uv.lock",
        "Pipfile",
        "Pipfile.lock",
        "setup.py",
        "setup.cfg",
        "pyproject.toml",
        "MANIFEST.in",
        "tox.ini",
        ".venv",
        "venv",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".tox",
        ".python-version",
        "build",
        "dist",
    }
)
VERSION_CHECKS = (["--version"], ["-V"], ["version"], ["--help"])
PYTHON = re.compile(r"^python(?:3(?:\.\d+)?)?$")
# Commands a Python build runs that change nothing the runtime needs.
PYTHON_HARMLESS = frozenset({"nproc", "chmod", "apt-mark", "dpkg-reconfigure", "ldconfig", "update-ca-certificates"})


def build_only(name: str, is_dir: bool) -> bool:
    return (
        name in MANIFESTS
        or name.endswith(".egg-info")
        or (not is_dir and (name.startswith("requirements") and name.endswith((".txt", ".in"))))
        or name.endswith(".pyc")
    )


@functools.cache
def _data() -> dict:
    from importlib import resources

    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    return tomllib.loads(resources.files("refactor").joinpath("data/python.toml").read_text(encoding="utf-8"))


# Cheap tests on a RUN's text, before any of it is read as shell: most stages
# that mention Python install nothing with it, or cannot be split for a
# reason the catalog gives at once (a Python past its end of life).
INSTALL_WORDS = re.compile(r"\b(?:pip[0-9.]*|poetry|uv|pipenv|pip-sync|setup\.py|virtualenv|conda|mamba|micromamba)\s")
CONDA_WORDS = re.compile(
    r"(?:^|[;&|(`]|\$\()\s*(?:\S*/)?(conda|mamba|micromamba)\s+(?:install|create|env|update)\b", re.M
)


@functools.cache
def _other_builds() -> re.Pattern:
    """A command of another ecosystem's build (``go build``, ``cargo``,
    ``make``): such a stage is theirs to split, asked after this module."""
    from . import _ASSIGNMENT, modules

    commands = "|".join(c for m in modules() if m.__name__ != __name__ for c in m.COMMANDS)
    return re.compile(
        r"(?:^|&&|;|\|\||\||\bthen|\bdo|\belse|\(|\{|`|\$\()\s*(?:" + _ASSIGNMENT + r")*"
        r"(?:\S*/)?(?:" + commands + r")(?=\s|$)",
        re.M,
    )


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    runs = [ins for ins in stage.instructions if ins.name == "RUN"]
    if not any(INSTALL_WORDS.search(ins.rest) for ins in runs):
        return None
    if any(_other_builds().search(ins.rest) for ins in runs):
        return None  # pip may help build a Go, Rust or C program: their modules decide
    for ins in runs:
        conda = CONDA_WORDS.search(ins.rest)
        if conda:
            return (
                f"RUN at line {ins.line} runs `{conda.group(1)}`: conda and mamba environments are not supported;"
                " the split knows pip, Poetry, uv and Pipenv installs into a virtual environment"
            )
    early = common.choose_runtime(ctx, stage, "python", stage_facts.exec_form)
    if isinstance(early, str):
        return early  # the catalog has no runtime for this builder: nothing else matters
    return _plan(tree, stage, ctx, stage_facts)


def _plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    from ..analysis import facts
    from ..recognisers import pip
    from ..recognisers.site import RunSite

    found = facts(tree)
    steps = []  # (Run, Invocation, PythonStep)
    others = []  # (Run, Invocation): commands no recogniser knows
    folders: list[str] = []
    other_builds = []
    for ins, run in stage_facts.runs:
        if run.unknown:
            return f"RUN at line {ins.line}: {run.unknown[0]}"
        other_builds.extend(run.builds)
        unclaimed = {id(c) for c in run.other}
        for inv in RunSite.of(tree, ins, ctx.build_context).invocations():
            if id(inv.cmd) not in unclaimed:
                continue
            step = pip.recognise(inv)
            if step is not None:
                steps.append((ins, inv, step))
            else:
                others.append((ins, inv))
    installs = [(ins, inv, s) for ins, inv, s in steps if s.kind == "install"]
    if not installs:
        return None
    if other_builds and not _runs_python(stage_facts.program):
        return None  # a C, Go or Rust program that pip only helps build: not this module's
    for ins, _, s in steps:
        if s.problem:
            return f"RUN at line {ins.line}: {s.problem}"
    if other_builds:
        art = other_builds[0]
        return (
            f"the stage also builds {art.path} ({art.ecosystem}); the Python split copies only the Python"
            " environment, so that file would stay behind in the builder"
        )
    chmods = []
    for ins, inv in others:
        name = inv.name or ""
        if name == "mkdir" or name == "chmod":
            words = [a.value for a in inv.args]
            paths = [inv.path(w) for w in words if w is not None and not w.startswith("-")]
            if None in words or None in paths or inv.cmd.conditional:
                return f"RUN at line {ins.line}: cannot tell which folder `{name}` changes"
            if name == "mkdir":
                folders.extend(p for p in paths if p)
            else:
                chmods.append((ins, paths[1:]))  # the first word is the mode
        elif name in HARMLESS_COMMANDS or name in PYTHON_HARMLESS:
            continue
        elif [a.value for a in inv.args] in VERSION_CHECKS and not inv.cmd.redirects:
            continue  # `tool --version` after its install: checks it, changes nothing
        else:
            shown = name or (inv.cmd.argv[0].raw if inv.cmd.argv else "an assignment")
            return (
                f"RUN at line {ins.line} runs `{shown}`, which may prepare the image for run time;"
                " a split would leave it in the builder"
            )

    # -- where the packages go ------------------------------------------------------
    venvs = {s.path for _, _, s in steps if s.kind == "venv"}
    if len(venvs) > 1:
        return f"the stage makes more than one virtual environment ({', '.join(sorted(venvs))})"
    builder_steps: tuple[Step, ...] = ()
    runtime_env: tuple[tuple[str, str], ...] = ()
    if venvs:
        venv = venvs.pop()
        made_at, made_by, made = next((ins, inv, s) for ins, inv, s in steps if s.kind == "venv")
        if "--system-site-packages" in made.options:
            return f"the virtual environment at {venv} uses the system's packages, which the split cannot name"
        for ins, inv, s in installs:
            before = ins.line < made_at.line or (ins is made_at and inv.index < made_by.index)
            if s.installers_only and before:
                continue  # `pip install virtualenv` before it: a tool of the build
            reason = _into_own_venv(found, stage, ins, inv, s, venv)
            if reason:
                return f"RUN at line {ins.line}: {reason}"
    else:
        venv = VENV
        first = next((ins for ins, _, s in installs if not s.installers_only), installs[0][0])
        state = found.state_before(first)
        env = dict(state.env)
        if "VIRTUAL_ENV" in env:
            return f"a virtual environment at {env['VIRTUAL_ENV']} comes from the base image; the split cannot copy it"
        if isinstance(state.user, str) and state.user.split(":")[0] not in ("", "root", "0"):
            return f"RUN at line {first.line} installs as USER {state.user}, who cannot make {VENV}"
        for ins, inv, s in installs:
            if ins.line < first.line:
                continue  # an installer for the build, in the builder's own Python
            reason = _into_new_venv(found, stage, first, ins, inv, s)
            if reason:
                return f"RUN at line {ins.line}: {reason}"
        envs = f"VIRTUAL_ENV={VENV} PATH={VENV}/bin:$PATH"
        if any(s.tool == "uv" and s.project is not None for _, _, s in installs):
            envs += f" UV_PROJECT_ENVIRONMENT={VENV}"  # `uv sync` installs into the project's .venv otherwise
        builder_steps = (Step(first, (f"RUN python -m venv {VENV}", f"ENV {envs}")),)
        runtime_env = (("VIRTUAL_ENV", VENV), ("PATH", f"{VENV}/bin:$PATH"))

    # -- what the app runs ------------------------------------------------------------
    names = _installed_names(tree, ctx, installs)
    if isinstance(names, str):
        return names
    reason = _command_problem(stage, names, venv)
    if reason:
        return reason

    # -- the runtime base and its packages -----------------------------------------------
    choice = common.choose_runtime(ctx, stage, "python", stage_facts.exec_form)
    if isinstance(choice, str):
        return choice
    base = ctx.catalog().base(choice.image)
    if base is not None and base.kind == "distroless":
        slim = common.choose_runtime(ctx, stage, "python", stage_facts.exec_form, prefer="slim")
        if isinstance(slim, str):
            return slim
        why_not = (
            "a virtual environment made in a python image links /usr/local/bin/python3, which distroless"
            " python3 has under /usr/bin"
        )
        asked = choice.reason.partition("; no ")[2]  # why the kind the user asked for (--runtime alpine) does not fit
        reason = f"{slim.reason}; not distroless: {why_not}" + (f"; no {asked}" if asked else "")
        choice = common.Choice(slim.image, reason, slim.user, slim.summary)
    packages = _runtime_packages(ctx, stage, stage_facts, choice, names, installs)
    if isinstance(packages, str):
        return packages
    packages_list, install_command, left_behind = packages
    reason = _no_gain(ctx, stage, left_behind, installs)
    if reason:
        return reason

    # -- what the runtime copies ---------------------------------------------------------
    files, reason = context_copies(tree, stage, ctx.build_context, build_only)
    if reason:
        return reason
    projects = sorted({s.project for _, _, s in installs if s.editable and s.project})
    files = [f for f in files if not any(f == p or f.startswith(p.rstrip("/") + "/") for p in projects)]
    copies = [Copy(venv, "artifact")] + [Copy(p, "run-time file") for p in projects]
    # Folders the build made, which the app may write: owned by the runtime's non-root user, or by the
    # one MSB301 creates on a base without one (the catalog's default user).
    owner = choice.user or ctx.catalog().family(choice.image).default_user.spec
    owned = common.Choice(choice.image, choice.reason, owner, choice.summary)
    copies += common.other_copies(files, folders, owned, exclude=(venv, *projects))
    for ins, paths in chmods:
        for path in paths:
            if path and not any(path == c.path or path.startswith(c.path.rstrip("/") + "/") for c in copies):
                return f"RUN at line {ins.line} changes the mode of {path}, which the runtime does not get"
    summary = choice.summary
    if left_behind:
        summary = (summary + "; " if summary else "") + f"leaves behind {', '.join(left_behind)}"
    return Plan(
        ecosystem="python",
        runtime_image=choice.image,
        runtime_reason=choice.reason,
        copies=tuple(copies),
        runtime_packages=tuple(packages_list),
        install_command=install_command,
        user=choice.user,
        test_runs=test_only_runs(stage_facts, [ins for ins, _, _ in installs]),
        summary=summary,
        builder_steps=builder_steps,
        runtime_env=runtime_env,
    )


def _runs_python(program: str | None) -> bool:
    return program is not None and PYTHON.match(posixpath.basename(program)) is not None


def _path_dirs(found, stage, ins) -> tuple[str, ...] | None:
    """The folders of PATH before ``ins``: its value when known, else the
    folders the last ENV PATH put before the inherited ``$PATH``."""
    value = dict(found.state_before(ins).env).get("PATH")
    if isinstance(value, str):
        return tuple(value.split(":"))
    last = None
    for node in stage.instructions:
        if node is ins:
            break
        if node.name == "ENV":
            last = next((v for k, v in node.pairs if k == "PATH"), last)
    if last is None:
        return None
    dirs = []
    for part in last.strip("\"'").split(":"):
        if "$" in part:
            break
        dirs.append(part)
    return tuple(dirs)


def _activated(inv, venv: str) -> bool:
    """An earlier command of the same RUN sources ``venv``'s activate script."""
    for earlier in inv.site.invocations()[: inv.index]:
        if earlier.name in (".", "source") and any(
            a.value and posixpath.normpath(a.value) == f"{venv}/bin/activate" for a in earlier.args
        ):
            return not earlier.cmd.conditional
    return False


def _into_own_venv(found, stage, ins, inv, step, venv: str) -> str | None:
    """Why an install does not go into the file's own virtual environment ``venv``."""
    if step.target not in (None, "system"):
        return f"`{inv.text}` installs outside the virtual environment at {venv} (--{step.target})"
    if step.interpreter is not None:
        if step.interpreter.startswith(venv + "/bin/"):
            return None
        return f"`{inv.text}` runs {step.interpreter}, outside the virtual environment at {venv}"
    if _activated(inv, venv) or (step.tool in ("poetry", "uv", "pipenv") and inv.env("VIRTUAL_ENV") == venv):
        return None
    path = _path_dirs(found, stage, ins)
    if path:
        first = next((d for d in path if d.rstrip("/") in (f"{venv}/bin", "/usr/local/bin", "/usr/bin")), None)
        if first is not None and first.rstrip("/") == f"{venv}/bin":
            return None
    return f"cannot tell that `{inv.text}` installs into the virtual environment at {venv}"


def _into_new_venv(found, stage, first, ins, inv, step) -> str | None:
    """Why an install after the new environment would not go into it."""
    if step.target == "user":
        return (
            f"`{inv.text}` installs under the home of the user it runs as (--user), which the runtime's non-root"
            " user cannot read; install into the image's environment instead"
        )
    if step.target in ("target", "prefix", "root"):
        return f"`{inv.text}` installs into a folder of its own (--{step.target}); the split installs into {VENV}"
    if step.interpreter is not None:
        return f"`{inv.text}` runs {step.interpreter} by its path, so it would not install into {VENV}"
    # ENV PATH after the new one must keep the environment first.
    for node in stage.instructions:
        if node.name == "ENV" and first.line <= node.line < ins.line:
            for key, value in node.pairs:
                if key == "PATH" and not re.match(r"^\$\{?PATH\}?(:|$)", value):
                    return f"ENV PATH at line {node.line} puts other folders before {VENV}/bin"
                if key == "VIRTUAL_ENV":
                    return f"ENV VIRTUAL_ENV at line {node.line} names another environment"
    return None


def _read(site_files, path: str, seen: set) -> list[str] | None:
    """The package names a requirements/lock file names, with its includes; None if not readable."""
    from ..recognisers.pip import requirement_names

    if path in seen:
        return []
    seen.add(path)
    text = site_files.read_text(path)
    if text is None:
        return None
    names, includes = requirement_names(path, text)
    for inc in includes:
        more = _read(site_files, inc, seen)
        if more is None:
            return None
        names.extend(more)
    return names


def _installed_names(tree, ctx, installs) -> set[str] | str:
    """Every package name the installs name (command line, requirements and
    lock files, the project's dependencies and console scripts); a reason
    when a file an install reads is not in the build context."""
    from ..recognisers.site import RunSite

    names: set[str] = set()
    for ins, inv, step in installs:
        files = RunSite.of(tree, ins, ctx.build_context).files
        names.update(step.packages)
        for path in step.requirements:
            read = _read(files, path, set())
            if read is None:
                if step.tool in ("poetry", "uv", "pipenv"):  # the lock file is optional: the manifest names them
                    continue
                return (
                    f"RUN at line {ins.line}: cannot read {path} from the build context, so cannot tell what"
                    " `" + inv.text + "` installs"
                )
            names.update(read)
        if step.project is not None:
            manifest_found = False
            for manifest in ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile"):
                text = files.read_text(posixpath.join(step.project, manifest))
                if text is None:
                    continue
                manifest_found = True
                names.update(_scripts_of(manifest, text))
                if manifest in ("pyproject.toml", "Pipfile"):
                    from ..recognisers.pip import requirement_names

                    names.update(requirement_names(manifest, text)[0])
            if not manifest_found and step.tool in ("pip", "setup.py"):
                return (
                    f"RUN at line {ins.line}: `{inv.text}` installs the project at {step.project}, but no"
                    " pyproject.toml or setup.py is copied there before it"
                )
        elif step.tool == "pipenv":
            for manifest in ("Pipfile",):
                text = files.read_text(posixpath.join(inv.cwd or "/", manifest))
                if text is not None:
                    from ..recognisers.pip import requirement_names

                    names.update(requirement_names(manifest, text)[0])
    return names


def _scripts_of(manifest: str, text: str) -> set[str]:
    """Console scripts a project's manifest declares (and its own name)."""
    out: set[str] = set()
    if manifest == "pyproject.toml":
        for section in re.finditer(
            r"(?ms)^\[(?:project\.scripts|project\.gui-scripts|tool\.poetry\.scripts)\]\s*$(.*?)(?=^\[|\Z)", text
        ):
            out.update(re.findall(r'(?m)^\s*"?([A-Za-z0-9][A-Za-z0-9._-]*)"?\s*=', section.group(1)))
        name = re.search(r'(?m)^name\s*=\s*"([^"]+)"', text)
        if name:
            out.add(name.group(1).lower())
    else:  # setup.cfg console_scripts, setup.py entry_points: "name = module:function"
        out.update(re.findall(r"""(?m)(?:^|['"])\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*[A-Za-z_][\w.]*:\w""", text))
        name = re.search(r"""(?m)\bname\s*=\s*['"]([^'"]+)['"]""", text)
        if name:
            out.add(name.group(1).lower())
    return out


def _provides(script: str, names: set[str]) -> bool:
    normal = re.sub(r"[-_.]+", "-", script).lower()
    if script in names or normal in names:
        return True
    return any(d in names for d in _data()["scripts"].get(script, ()))


def _command_problem(stage, names: set[str], venv: str) -> str | None:
    """Why the image's command may not run in the runtime: a program the
    installs do not provide, an interpreter outside the environment."""
    from ..analysis.shell import read_shell
    from ..recognisers.pip import INSTALLERS

    entry = [ins for ins in stage.instructions if ins.name in ("ENTRYPOINT", "CMD")]
    command = next((i for i in reversed(entry) if i.name == "ENTRYPOINT"), None) or entry[-1]
    programs: list[str] = []
    script = None
    if command.is_exec_form:
        words = list(command.value or [])
        if words[:1] in (["sh"], ["bash"], ["/bin/sh"], ["/bin/bash"]) and len(words) >= 3 and words[1] == "-c":
            script = read_shell(words[2])
        else:
            programs.append(words[0] if words else "")
    else:
        script = read_shell(command.rest)
    if script is not None:
        if not script.understood:
            return f"cannot read the command at line {command.line}"
        for c in script.commands:
            if not c.argv:
                continue  # an assignment
            name = c.name
            if name == "exec" and len(c.argv) > 1:
                name = c.argv[1].literal
            if name is None:
                return f"cannot tell which program the command at line {command.line} runs"
            programs.append(name)
    for program in programs:
        base = posixpath.basename(program)
        if PYTHON.match(base):
            if "/" in program and not program.startswith(venv + "/bin/"):
                return (
                    f"the command runs {program} by its path, outside the virtual environment; run `{base}` so the"
                    " environment's interpreter is found"
                )
            continue
        if base in INSTALLERS:
            return f"the command runs `{base}`, an installer that stays in the builder; run the app with `python`"
        if (
            "/" not in program
            and (base in HARMLESS_COMMANDS or base in PYTHON_HARMLESS)
            and base not in ("go", "cargo", "make", "gcc", "cc")
        ):
            continue
        if program.startswith(venv + "/bin/") or ("/" not in program and _provides(program, names)):
            continue
        if program.endswith(".py"):
            continue  # a Python file of the context, run through its shebang
        if base.endswith((".sh", ".bash")) or "/" in program:
            return (
                f"the command runs `{program}`, a script the tool does not read, so it cannot tell that the"
                " runtime has what it calls; run the program itself in CMD"
            )
        return f"cannot tell that `{program}`, which the image runs, is installed by the build"
    return None


def _runtime_packages(ctx, stage, stage_facts, choice, names: set[str], installs):
    """(runtime packages, install command, build packages left behind) or a reason."""
    from ..recognisers.packages import DISTROS, classify, runtime_packages

    apt = [p for _, run in stage_facts.runs for inst in run.installs for p in inst.names]
    distro = common.codename(ctx, choice.image)
    if distro is None or distro not in DISTROS:
        return f"cannot tell which packages {choice.image} names the runtime libraries with"
    builder = ctx.catalog().builder(stage.from_.image)
    wanted = list(apt)
    # A full python image has the -dev packages a source distribution links against.
    if builder is not None and builder.release is not None and builder.release.family != "alpine":
        tag = builder.tag or ""
        if "slim" not in tag:
            for name in sorted(names):
                for dev in _data()["sdist-links"].get(name, ()):
                    if dev not in wanted:
                        wanted.append(dev)
    runtime, unknown = runtime_packages(wanted, distro)
    used = {p for _, p in stage_facts.healthchecks if p} | {posixpath.basename(stage_facts.program or "")}
    kept_tools = [p for p in unknown if classify(p, distro) == "maybe-runtime" and p in used]
    unknown = [p for p in unknown if classify(p, distro) != "maybe-runtime"]
    same_image = builder is not None and builder.image.split("@")[0] == choice.image  # python:3.13-alpine twice
    base = ctx.catalog().base(choice.image)
    if builder is not None and base is not None and builder.release != base.release and not same_image:
        # A library's soname changes between releases (libssl1.1 -> libssl3): Debian names the
        # package after it, so the same runtime package in both releases is the same library.
        built_on = builder.release.codename if builder.release else None
        changed = [p for p in wanted if classify(p, distro) == "dev" and not _same_library(p, built_on, distro)]
        if changed:
            return (
                f"the build links {', '.join(changed)} of {built_on or 'an unknown release'}, which"
                f" {choice.image} ({distro}) may not have in the same version; build on an image of the runtime's"
                " release"
            )
    if unknown:
        return (
            f"cannot tell what the runtime needs of {', '.join(unknown)}; the runtime package of a -dev"
            " package is not in the package table"
        )
    for _, program in stage_facts.healthchecks:
        if program in ("curl", "wget") and program not in kept_tools:
            kept_tools.append(program)  # the builder's base had it; slim does not
    packages = list(dict.fromkeys(runtime + kept_tools))
    left = [p for p in apt if classify(p, distro) in ("build", "dev", "dev-unknown", "maybe-runtime")]
    left = [p for p in dict.fromkeys(left) if p not in packages]
    if not packages:
        return [], None, left
    command = common.install_command(distro, packages)
    return packages, command, left


def _same_library(package: str, built_on: str | None, runs_on: str) -> bool:
    """The -dev package's runtime packages are the same in both releases (t64 renames aside)."""
    from ..recognisers.packages import DISTROS, runtime_packages

    if built_on not in DISTROS:
        return False
    before, missing = runtime_packages([package], built_on)
    after, _ = runtime_packages([package], runs_on)
    return not missing and [p.replace("t64", "") for p in before] == [p.replace("t64", "") for p in after]


def _no_gain(ctx, stage, left_behind, installs) -> str | None:
    """A slim or Alpine builder that installs no build tools and keeps no
    installer cache: the runtime would be the same image."""
    builder = ctx.catalog().builder(stage.from_.image)
    if builder is None or not builder.tag or not ("slim" in builder.tag or "alpine" in builder.tag):
        return None
    if left_behind or any(s.cache for _, _, s in installs if not s.installers_only):
        return None
    return (
        f"no gain: {stage.from_.image} is already a slim Python base, the stage installs no build tools and the"
        " installs keep no cache; a split would not make the image smaller"
    )
