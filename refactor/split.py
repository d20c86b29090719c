"""Turn a single-stage build into a builder stage and a runtime stage.

An ecosystem module (``refactor.ecosystems``) reads the final stage and
returns a ``Plan``: what to copy out of the builder, which runtime base, what
the builder must gain (``CGO_ENABLED=0`` before a Go build), which runtime
packages to install. ``apply_plan`` is the one piece of code that turns any
plan into edits, so every ecosystem gets the same guarantees:

- the original stage becomes the builder: its FROM gains ``AS builder`` (or
  another free name) and every step stays where it was, byte for byte;
- a new final stage follows it on the runtime base, with the runtime
  contract of the original stage kept exactly: the ARGs and ENVs the image
  and its instructions use, WORKDIR, and every instruction that only sets
  the image's configuration (CMD, ENTRYPOINT, EXPOSE, LABEL, VOLUME,
  STOPSIGNAL, HEALTHCHECK, MAINTAINER), moved there with its comments;
- only artifacts and the files the app reads at run time are copied, under
  the same paths, so the command that ran them before runs them still.
"""

from __future__ import annotations

from functools import cached_property

import attrs

from .recognisers import recognise_run
from .syntax.nodes import Arg, Dockerfile, Env, Instruction, Shell, Stage, User, Workdir

# Instructions that only set the image's configuration: the build never
# reads them, so they move to the runtime stage.
CONFIG_ONLY = frozenset({"CMD", "ENTRYPOINT", "EXPOSE", "LABEL", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "MAINTAINER"})
# Instructions both stages need: later build steps read them, and so does the image.
SHARED = (Arg, Env, Workdir, Shell, User)


@attrs.frozen
class Copy:
    """A path of the builder's file system the runtime needs, and where it
    goes (the same path unless the runtime's PATH needs another)."""

    path: str
    why: str  # "artifact", "run-time file" or "folder" (made by the build: the app may write it)
    dest: str | None = None
    chown: str | None = None  # owner in the runtime (a folder the app writes, for its non-root user)

    @property
    def target(self) -> str:
        return self.dest or self.path


@attrs.frozen
class Step:
    """Instructions (as text, in the file's keyword case) the builder gains
    next to one of its own: a virtual environment made before the first
    install, dev dependencies pruned after the build."""

    anchor: Instruction
    texts: tuple[str, ...]
    after: bool = False


@attrs.frozen
class Plan:
    """What one ecosystem found and wants; ``apply_plan`` writes it."""

    ecosystem: str
    runtime_image: str
    runtime_reason: str  # why this base: shown in the change message
    copies: tuple[Copy, ...]
    builder_env: tuple[tuple[str, str], ...] = ()  # ENV the builder gains before ``build_step``
    build_step: Instruction | None = None
    runtime_packages: tuple[str, ...] = ()  # installed with the runtime base's package manager
    install_command: str | None = None  # e.g. "apt-get update && apt-get install -y ..."
    user: str | None = None  # USER for the runtime stage when its base has one ("65532:65532")
    test_runs: tuple[Instruction, ...] = ()  # RUNs that only test: a `test` stage's, with --test-stage
    summary: str = ""  # one line: the artifacts and sizes, for the change message
    builder_steps: tuple[Step, ...] = ()  # instructions the builder gains (beyond ``builder_env``)
    runtime_env: tuple[tuple[str, str], ...] = ()  # ENV the runtime gains (PATH to a copied venv)
    # Config-only instructions the runtime gets rewritten (``npm start`` resolved to the ``node``
    # command it runs): (original, new text). The original leaves the builder as when moved.
    commands: tuple[tuple[Instruction, str], ...] = ()


def builder_name(tree: Dockerfile) -> str:
    """``builder`` unless a stage already has that name."""
    return _free_name(tree, "builder")


def _free_name(tree: Dockerfile, wanted: str) -> str:
    taken = {s.name.lower() for s in tree.stages if s.name}
    name, k = wanted, 2
    while name in taken:
        name, k = f"{wanted}{k}", k + 1
    return name


def runtime_instructions(stage: Stage) -> tuple[list[Instruction], list[Instruction]]:
    """(moved, copied): the stage's config-only instructions, which move to
    the runtime, and the ENV/WORKDIR/SHELL/USER/ARG instructions, which both
    stages need (copied as new nodes of the same text)."""
    moved, copied = [], []
    for ins in stage.instructions[1:]:
        if ins.name in CONFIG_ONLY:
            moved.append(ins)
        elif isinstance(ins, SHARED):
            copied.append(ins)
    return moved, copied


def apply_plan(tree: Dockerfile, stage: Stage, plan: Plan, edit, test_stage: bool = False) -> None:
    """Add to ``edit`` (an ``Edit`` of the engine) every operation of the split.

    With ``test_stage``, the RUNs that only test leave the builder for a
    ``test`` stage built on it, between the builder and the runtime: `docker
    build` no longer runs them, `docker build --target test` does."""
    name = stage.name or builder_name(tree)
    moved, copied = runtime_instructions(stage)
    last = stage.instructions[-1]
    if test_stage and plan.test_runs:
        test_stage_nodes: list = [tree.blank_line(), tree.make_from(name, alias=_free_name(tree, "test"))]
        for ins in plan.test_runs:
            edit.remove(ins)
            test_stage_nodes.extend(tree.owned(ins))
        edit.insert_after(last, *test_stage_nodes)

    if stage.name is None:
        from_ = stage.from_
        edit.replace(from_, tree.make_from(from_.image, alias=name, platform=from_.platform))
    for key, value in plan.builder_env:
        edit.insert_before(plan.build_step, tree.instruction(f"ENV {key}={value}"))
    for step in plan.builder_steps:
        nodes = [tree.instruction(text) for text in step.texts]
        (edit.insert_after if step.after else edit.insert_before)(step.anchor, *nodes)

    runtime: list = [tree.blank_line(), tree.make_from(plan.runtime_image)]
    copied = _without_unused_args(tree, copied, moved)
    runtime.extend(tree.instruction(text) for text in global_args_needed(tree, moved + copied))
    # ARG, ENV, SHELL, WORKDIR in their original order: later ones may read earlier ones.
    runtime.extend(_copy_of(ins) for ins in copied if not isinstance(ins, User))
    runtime.extend(tree.instruction(f"ENV {key}={value}") for key, value in plan.runtime_env)
    if plan.install_command:
        runtime.append(tree.instruction(f"RUN {plan.install_command}"))
    runtime.extend(tree.make_copy([c.path], c.target, from_=name, chown=c.chown) for c in plan.copies)
    users = [ins for ins in copied if isinstance(ins, User)]
    if users:  # the original's last USER decides who runs the app
        runtime.append(_copy_of(users[-1]))
    elif plan.user:
        runtime.append(tree.instruction(f"USER {plan.user}"))
    rewritten = {id(ins): text for ins, text in plan.commands}
    for ins in moved:
        edit.remove(ins)
        if id(ins) in rewritten:  # its comments come along; the instruction is the plan's
            runtime.extend(node for node in tree.owned(ins) if node is not ins)
            runtime.append(tree.instruction(rewritten[id(ins)]))
        else:
            runtime.extend(tree.owned(ins))
    edit.insert_after(last, *runtime)


def _without_unused_args(tree: Dockerfile, copied: list, moved: list) -> list:
    """The copied instructions less the ARGs no runtime instruction reads
    (an ARG only the build used, such as a version stamped into the binary)."""
    from .analysis.expand import references

    read: set[str] = set()
    for ins in reversed(copied + moved):  # an ARG's default may read an earlier one
        if isinstance(ins, Arg) and not any(name in read for name, _ in ins.pairs):
            continue
        read.update(references(ins.rest, tree.escape))
    return [ins for ins in copied if not isinstance(ins, Arg) or any(name in read for name, _ in ins.pairs)]


def global_args_needed(tree: Dockerfile, instructions: list[Instruction]) -> list[str]:
    """ARG lines the runtime stage must declare for the ARGs its instructions
    read that the stage itself does not declare (global ARGs, declared before
    the first FROM); the stage's own ARG instructions are copied with it."""
    from .analysis import facts
    from .analysis.expand import references

    found = facts(tree)
    declared = {name for ins in instructions if isinstance(ins, Arg) for name, _ in ins.pairs}
    lines: list[str] = []
    for ins in instructions:
        if isinstance(ins, Arg):
            continue
        for need in found.args_needed(references(ins.rest, tree.escape), ins):
            if need.kind == "arg" and need.name not in declared and need.text not in lines:
                lines.append(need.text)
    return lines


def _copy_of(ins: Instruction) -> Instruction:
    """A new node with the same lines, byte for byte (the original stays in
    the builder; a body holds each node object once)."""
    return type(ins)(ins.lines, ins.heredoc_bodies, ins.escape)


# -- what the app may read at run time -------------------------------------------

# Never needed at run time, whatever the ecosystem: the build's own files,
# version control, docs and CI.
BUILD_ONLY_NAMES = frozenset(
    {
        ".git",
        ".github",
        ".gitlab-ci.yml",
        ".gitignore",
        ".gitattributes",
        ".dockerignore",
        ".editorconfig",
        "Dockerfile",
        "Makefile",
        "makefile",
        "GNUmakefile",
        "CMakeLists.txt",
        "docker-compose.yml",
        "docker-compose.yaml",
        "compose.yml",
        "compose.yaml",
        "README",
        "README.md",
        "README.rst",
        "LICENSE",
        "LICENSE.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "docs",
        ".vscode",
        ".idea",
    }
)
MAX_WALK = 5_000  # entries looked at under one copied folder before giving up on telling


def context_copies(tree: Dockerfile, stage: Stage, context, build_only) -> tuple[list[str], str | None]:
    """Image paths of what the stage copied from the build context that the
    app may read at run time: every copied file or folder that holds a file
    ``build_only(name)`` does not claim (sources, manifests) and that is not
    in ``BUILD_ONLY_NAMES``. Returns (paths, None), or ([], reason) when a
    COPY cannot be read exactly (a variable, a glob, a remote source)."""
    import posixpath

    from .analysis import facts

    found = facts(tree)
    out: list[str] = []
    for ins in stage.instructions:
        if ins.name not in ("COPY", "ADD") or ins.flag("from") is not None:
            continue
        state = found.state_before(ins)
        workdir = state.workdir
        if not isinstance(workdir, str):  # the base image's own WORKDIR, where the catalog of images knows it
            from .recognisers.images import image_workdir

            workdir = image_workdir(state.base) or workdir
        dest = ins.destination or ""
        if (
            not dest.startswith("/")
            and not isinstance(workdir, str)
            or any(c in dest + "".join(ins.sources) for c in "$*?[")
        ):
            return [], f"cannot tell what `{ins.logical.strip()}` at line {ins.line} copies"
        if ins.is_exec_form is False and ins.heredocs:
            return [], f"`{ins.name}` with a heredoc at line {ins.line}"
        target = posixpath.normpath(dest if dest.startswith("/") else posixpath.join(workdir, dest))
        # `COPY app.py .` puts the file into WORKDIR, a folder, as `COPY app.py ./` does
        into_dir = dest.endswith("/") or dest in (".", "./") or len(ins.sources) > 1
        for source in ins.sources:
            if "://" in source or source.startswith("git@"):
                return [], (
                    f"`{ins.name} {source}` at line {ins.line} fetches what the tool cannot see, so it cannot tell"
                    " whether the app reads it at run time; copy it from the build context instead"
                )
            rel = posixpath.normpath(source.lstrip("/"))
            rel = "" if rel == "." else rel
            if rel and not context.exists(rel):
                continue  # BuildKit fails on it anyway; nothing the runtime could need
            if not rel or context.is_dir(rel):
                # A folder's contents land in the destination.
                for name, is_dir in _entries(context, rel):
                    child = f"{rel}/{name}" if rel else name
                    if _runtime_entry(context, child, is_dir, build_only):
                        out.append(posixpath.join(target, name))
            elif _runtime_entry(context, rel, False, build_only):
                name = posixpath.basename(rel)
                out.append(posixpath.join(target, name) if into_dir else target)
    return sorted(set(out)), None


def _entries(context, rel: str) -> list[tuple[str, bool]]:
    import os

    try:
        with os.scandir(os.path.join(context.root, rel) if rel else context.root) as it:
            found = [(e.name, e.is_dir()) for e in it]
    except OSError:
        return []
    return sorted((name, is_dir) for name, is_dir in found if not context.excluded(f"{rel}/{name}" if rel else name))


def _dockerfile_name(name: str) -> bool:
    """Dockerfile, Dockerfile.dev, api.Dockerfile, app.dockerfile and their ignore files."""
    lowered = name.lower()
    return lowered.startswith("dockerfile") or lowered.endswith((".dockerfile", ".dockerignore"))


def _runtime_entry(context, rel: str, is_dir: bool, build_only) -> bool:
    """A file the app may read, or a folder holding one."""
    name = rel.rsplit("/", 1)[-1]
    if name in BUILD_ONLY_NAMES or _dockerfile_name(name) or build_only(name, is_dir):
        return False
    if not is_dir:
        return True
    seen = 0
    stack = [rel]
    while stack:
        parent = stack.pop()
        for child, child_is_dir in _entries(context, parent):
            seen += 1
            if seen > MAX_WALK:
                return True  # too big to tell: keep it
            path = f"{parent}/{child}"
            if child in BUILD_ONLY_NAMES or _dockerfile_name(child) or build_only(child, child_is_dir):
                continue
            if not child_is_dir:
                return True
            stack.append(path)
    return False


# -- reading the stage once for every ecosystem ----------------------------------

# Commands that change nothing the runtime could need, whatever their arguments.
HARMLESS_COMMANDS = frozenset(
    {
        "cd",
        "echo",
        "printf",
        "true",
        "false",
        "ls",
        "dir",
        "cat",
        "pwd",
        "env",
        "which",
        "id",
        "whoami",
        "uname",
        "date",
        "sleep",
        "set",
        "export",
        "test",
        "[",
        "go",
        "cargo",
        "rustc",
        "rustup",
        "make",
        "cmake",
        "gcc",
        "cc",
        "g++",
        "c++",
        "clang",
        "ld",
        "strip",
        "ar",
        "pkg-config",
        "rm",
        "du",
        "file",
        "ldd",
        "sha256sum",
        "md5sum",
    }
)
# Debian's default PATH, which every base the catalog chooses keeps.
DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


class StageFacts:
    """What every ecosystem asks about the stage, read once. The RUNs that
    call a build tool are recognised first (``build_runs``); the others only
    when an ecosystem got far enough to ask (``runs``): reading every RUN of
    a stage whose build the tool cannot use was most of the pass's cost."""

    def __init__(self, tree, stage, context, build_words, **known) -> None:
        self._tree, self._stage, self._context = tree, stage, context
        self._build_words = build_words
        self.program: str | None = known["program"]  # what ENTRYPOINT/CMD runs, as written
        self.exec_form: bool = known["exec_form"]  # ENTRYPOINT, CMD and HEALTHCHECK need no shell
        self.workdir: str | None = known["workdir"]  # the final WORKDIR
        self.path: tuple[str, ...] | None = known["path"]  # the builder's PATH; None: the base image's
        self.healthchecks: tuple[tuple[int, str | None], ...] = known["healthchecks"]  # (line, program)

    def _recognised(self, ins):
        return ins, recognise_run(self._tree, ins, self._context)

    @cached_property
    def build_runs(self) -> tuple:
        """(Run, RunFacts) for each RUN that calls a build tool, in order."""
        return tuple(
            self._recognised(ins)
            for ins in self._stage.instructions
            if ins.name == "RUN" and (self._build_words.search(ins.rest) or ins.heredocs)
        )

    @cached_property
    def runs(self) -> tuple:
        """(Run, RunFacts) for every RUN, in order."""
        done = {id(ins): pair for ins, pair in ((p[0], p) for p in self.build_runs)}
        return tuple(
            done.get(id(ins)) or self._recognised(ins) for ins in self._stage.instructions if ins.name == "RUN"
        )


def read_stage(tree: Dockerfile, stage: Stage, ctx, build_words) -> StageFacts | str:
    """The stage's command resolved (its RUNs are recognised when asked), or a reason."""
    from .analysis import facts
    from .analysis.shell import read_shell

    entry = [ins for ins in stage.instructions if ins.name in ("ENTRYPOINT", "CMD")]
    if not entry:
        return "the image's command comes from the base image; say which program runs with CMD or ENTRYPOINT"
    found = facts(tree)
    last_entrypoint = next((i for i in reversed(entry) if i.name == "ENTRYPOINT"), None)
    command = last_entrypoint or entry[-1]
    exec_form = all(i.is_exec_form for i in entry) and not any(
        i.name == "HEALTHCHECK" and not i.is_exec_form and not i.is_none for i in stage.instructions
    )
    if command.is_exec_form:
        program = command.value[0] if command.value else None
    else:  # the shell runs one command: its name is the program, whatever its arguments
        script = read_shell(command.rest)
        simple = script.understood and len(script.commands) == 1 and not script.commands[0].assignments
        program = script.commands[0].name if simple else None
    healthchecks = tuple(
        (check.line, _first_word(check.command))
        for check in stage.instructions
        if check.name == "HEALTHCHECK" and not check.is_none
    )
    state = found.state_after(stage.instructions[-1])
    workdir = state.workdir if isinstance(state.workdir, str) else None
    path_value = dict(state.env).get("PATH")
    path = tuple(p for p in path_value.split(":") if p) if isinstance(path_value, str) else None
    return StageFacts(
        tree,
        stage,
        ctx.build_context,
        build_words,
        program=program,
        exec_form=exec_form,
        workdir=workdir,
        path=path,
        healthchecks=healthchecks,
    )


def _first_word(command) -> str | None:
    from .analysis.shell import read_shell

    if isinstance(command, list):
        return command[0] if command else None
    script = read_shell(command or "")
    words = script.commands[0].words() if script.understood and script.commands else None
    return words[0] if words else None


def resolve_program(stage_facts: StageFacts, artifacts) -> tuple[object | None, str | None]:
    """The artifact the image's command runs, and where the runtime must put
    it so the same command finds it (None: its own path)."""
    import posixpath

    program = stage_facts.program
    if program is None:
        return None, None
    if "/" in program:
        if stage_facts.workdir is None and not program.startswith("/"):
            return None, None
        path = posixpath.normpath(posixpath.join(stage_facts.workdir or "/", program))
        return next((a for a in artifacts if a.path == path), None), None
    named = [a for a in artifacts if posixpath.basename(a.path) == program]
    if stage_facts.path is not None:
        named = [a for a in named if posixpath.dirname(a.path) in stage_facts.path]
    else:  # the base image's PATH: it has Debian's default folders, so a file there is the one found
        on_default = [a for a in named if posixpath.dirname(a.path) in DEFAULT_PATH]
        named = on_default or named
    if len(named) != 1:
        return None, None
    # Found through the builder's PATH: the runtime's PATH (Debian's default) must find it too.
    return named[0], None if posixpath.dirname(named[0].path) in DEFAULT_PATH else posixpath.join(
        "/usr/local/bin", program
    )


def healthcheck_problem(stage_facts: StageFacts, artifacts) -> str | None:
    """A reason when a HEALTHCHECK runs a program the build did not make: the
    builder image had it (curl, wget), a small runtime base may not."""
    import posixpath

    made = {a.path for a in artifacts} | {posixpath.basename(a.path) for a in artifacts}
    for line, program in stage_facts.healthchecks:
        resolved = posixpath.normpath(posixpath.join(stage_facts.workdir or "/", program)) if program else None
        if program is None or (program not in made and resolved not in made):
            shown = f"`{program}`" if program else "a command"
            return (
                f"HEALTHCHECK at line {line} runs {shown}, which the build did not make and the runtime base"
                " may not have; make the check a program of the app, or add the tool to the runtime"
            )
    return None


# Where language toolchains install programs onto their images' PATH.
TOOLCHAIN_BIN_DIRS = ("/usr/local/cargo/bin", "/root/.cargo/bin", "/go/bin", "/usr/local/go/bin")


def on_runtime_path(path: str, builder_path: tuple[str, ...] | None = None) -> str | None:
    """Where a program that was on the builder's PATH must go so that the
    runtime's PATH (Debian's default) finds it; None: keep its path (it is
    there already, or it was never found through PATH)."""
    import posixpath

    directory = posixpath.dirname(path)
    if directory in DEFAULT_PATH or directory not in (builder_path or TOOLCHAIN_BIN_DIRS):
        return None
    return posixpath.join("/usr/local/bin", posixpath.basename(path))


def steps_the_runtime_may_need(tree: Dockerfile, stage_facts: StageFacts) -> tuple[tuple[str, ...], str | None]:
    """The folders RUN steps make (``mkdir``), which the runtime needs too,
    or a reason when a RUN does something else a split would leave behind in
    the builder (a user added, a file written outside the build)."""
    import posixpath

    from .analysis import facts

    found = facts(tree)
    folders: list[str] = []
    for ins, run in stage_facts.runs:
        if run.unknown:
            return (), f"RUN at line {ins.line}: {run.unknown[0]}"
        for cmd in run.other:
            name = cmd.name
            if name == "mkdir":
                words = cmd.expanded(found.run_environment(ins))
                workdir = found.state_before(ins).workdir
                if words is None or cmd.cwd is None or not isinstance(workdir, str) or cmd.conditional:
                    return (), f"RUN at line {ins.line}: cannot tell which folder `mkdir` makes"
                base = posixpath.join(workdir, cmd.cwd)
                folders.extend(posixpath.normpath(posixpath.join(base, w)) for w in words[1:] if not w.startswith("-"))
            elif name not in HARMLESS_COMMANDS:
                shown = name or (cmd.argv[0].raw if cmd.argv else "an assignment")
                return (), (
                    f"RUN at line {ins.line} runs `{shown}`, which may prepare the image for run time;"
                    " a split would leave it in the builder"
                )
    return tuple(dict.fromkeys(folders)), None


def test_only_runs(stage_facts: StageFacts, build_steps) -> tuple[Instruction, ...]:
    """RUNs whose every command is a test step (``go test``, ``cargo test``,
    ``make check``) and that come after the last build step: moving one
    changes nothing the runtime receives."""
    last_build = max((ins.line for ins in build_steps), default=0)
    out = []
    for ins, run in stage_facts.runs:
        if run.tests and not (run.builds or run.installs or run.removals or run.other or run.unknown):
            if ins.line > last_build:
                out.append(ins)
    return tuple(out)


def config_reads_base_variables(tree, stage) -> str | None:
    """A reason when EXPOSE, VOLUME, STOPSIGNAL or USER reads a variable the
    stage does not set: the builder's base may set it, the runtime's differently."""
    from .analysis.expand import references

    declared = {name for ins in stage.instructions if ins.name in ("ARG", "ENV") for name, _ in ins.pairs}
    first = tree.instructions.index(stage.from_)
    declared |= {name for ins in tree.instructions[:first] if ins.name == "ARG" for name, _ in ins.pairs}
    for ins in stage.instructions:
        if ins.name in ("EXPOSE", "VOLUME", "STOPSIGNAL", "USER"):
            unset = [n for n in references(ins.rest, tree.escape) if n not in declared]
            if unset:
                return (
                    f"{ins.name} at line {ins.line} reads ${unset[0]}, which the stage does not set; the runtime's"
                    " base image may set it differently from the builder's"
                )
    return None
