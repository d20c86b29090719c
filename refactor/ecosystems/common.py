"""What the ecosystems share: the runtime base, from the catalog."""

from __future__ import annotations

import attrs


@attrs.frozen
class Choice:
    image: str
    reason: str
    user: str | None  # USER for the runtime stage when the base has a non-root user
    summary: str  # estimated sizes, with where the figures come from


def choose_runtime(ctx, stage, need: str, exec_form: bool, prefer: str | None = None) -> Choice | str:
    """The catalog's runtime base for this builder and need, or a reason.

    ``prefer`` (default: the user's ``--runtime``, distroless unless said)
    is the kind asked for. Distroless only when it is safe: the command and
    HEALTHCHECK need no shell (they run without one there); otherwise the
    slim choice, and the message says why.
    """
    catalog = ctx.catalog()
    prefer = prefer or ctx.runtime
    builder = catalog.builder(stage.from_.image)
    why_not = None
    if prefer == "distroless" and not exec_form:
        why_not = "the command or HEALTHCHECK needs a shell, which distroless lacks"
        prefer = "slim"
    choice = catalog.choose_runtime(builder, need, prefer=prefer)
    if choice.image is None:
        return choice.reason
    base = choice.base
    user = base.nonroot.spec if base.nonroot is not None and base.runs_as_root else None
    reason = choice.reason.removeprefix(f"{choice.image}: ") + (f"; not distroless: {why_not}" if why_not else "")
    sizes = size_estimate(catalog, stage.from_.image, choice.image)
    summary = f"base ~{sizes['before_mb']:g} MB -> ~{sizes['after_mb']:g} MB (the catalog's estimates)" if sizes else ""
    return Choice(choice.image, reason, user, summary)


def size_estimate(catalog, builder_image: str, runtime_image: str) -> dict | None:
    """The catalog's size of the builder image and of the runtime base (MB,
    compressed, approximate), with where each figure comes from; None when
    either is not known. Only a toolchain image compares with a runtime
    base: an OS image's gain is what was installed on it, which no catalog
    knows."""
    builder = catalog.builder(builder_image)
    base = catalog.base(runtime_image)
    if builder is None or not builder.language or not builder.size_mb or base is None or not base.size_mb:
        return None
    return {
        "before_mb": builder.size_mb,
        "after_mb": base.size_mb,
        "before_source": builder.size_source,
        "after_source": base.size_source,
    }


def other_copies(files, folders, choice: Choice, exclude=()) -> tuple:
    """Copies of the run-time files, and of the folders the build made, which
    the app may write: those go to the runtime's non-root user."""
    from ..split import Copy

    out = [Copy(p, "run-time file") for p in files if p not in exclude]
    covered = set(files)
    out += [Copy(f, "folder", chown=choice.user) for f in folders if f not in covered and f not in exclude]
    return tuple(out)


def codename(ctx, image: str) -> str | None:
    """The distribution release the catalog gives a base (``trixie``), as the
    package table names it; None when not known."""
    base = ctx.catalog().base(image)
    if base is None or base.release is None:
        return None
    if base.family == "alpine":
        return "alpine"
    return base.release.codename


def no_gain(ctx, stage, installs) -> str | None:
    """A reason when a split would not make the image meaningfully smaller:
    the builder is already a runtime base (no toolchain image) and the stage
    installs nothing that only builds need."""
    from ..recognisers.packages import classify

    catalog = ctx.catalog()
    image = stage.from_.image
    builder = catalog.builder(image)
    base = catalog.base(image)
    if base is None or (builder is not None and builder.language):
        return None  # a toolchain image, or one the catalog does not know: the split pays
    distro = (base.release.codename if base.release and base.family != "alpine" else "alpine") if base.release else None
    if distro is None:
        return None
    try:
        build_only = [p for p in installs if classify(p, distro) in ("build", "dev", "dev-unknown")]
    except KeyError:  # a release the package table does not cover
        return None
    if build_only:
        return None
    size = f" (about {base.size_mb:g} MB)" if base.size_mb else ""
    return (
        f"no gain: {image} is already a small runtime base{size} and the stage installs no build tools;"
        " a split would not make the image smaller"
    )


def runtime_with_packages(ctx, stage, need: str, exec_form: bool, installs, libraries=()):
    """(choice, runtime packages, install command) for a program that links
    what the build installed: the runtime packages of the ``-dev`` ones on a
    base with a package manager (slim, or Alpine with ``--runtime alpine``);
    with none to install, the usual choice. Or a reason."""
    from ..recognisers.packages import runtime_packages

    packages: list[str] = []
    if libraries or installs:
        kind = "alpine" if ctx.runtime == "alpine" else "slim"
        slim = choose_runtime(ctx, stage, need, exec_form, prefer=kind)
        if isinstance(slim, str):
            return slim
        distro = codename(ctx, slim.image)
        if distro is None:
            return f"cannot tell which packages {slim.image} names the runtime libraries with"
        packages, unknown = runtime_packages(installs, distro)
        if unknown:
            return (
                f"cannot tell what the runtime needs of {', '.join(unknown)}; the runtime package of a -dev"
                " package or a tool the app may call is not in the package table"
            )
        if libraries and not packages:
            return (
                f"the program links {', '.join('-l' + lib for lib in libraries)}, and no installed package provides it"
            )
    if not packages:
        choice = choose_runtime(ctx, stage, need, exec_form)
        return choice if isinstance(choice, str) else (choice, [], None)
    command = install_command(distro, packages)
    return slim, packages, command


def install_command(distro: str, packages) -> str:
    """The RUN text that installs ``packages`` on a runtime base of the
    package table's ``distro`` (``alpine`` or a Debian codename), leaving no
    package lists in the layer."""
    if distro == "alpine":
        return "apk add --no-cache " + " ".join(packages)
    return (
        "apt-get update && apt-get install -y --no-install-recommends "
        + " ".join(packages)
        + " && rm -rf /var/lib/apt/lists/*"
    )


@attrs.frozen
class Program:
    """The artifact the image runs, found among an ecosystem's builds."""

    builds: tuple  # (Run, Artifact) of the ecosystem, in order
    artifact: object  # the one the image's command runs
    dest: str | None  # where the runtime puts it (None: its own path)
    folders: tuple[str, ...]  # folders RUN steps made, which the runtime needs too
    build_step: object  # the RUN that made it


def find_program(tree, stage_facts, ecosystem: str, noun: str = "binary", kinds=None) -> Program | str | None:
    """What every ecosystem asks first: its builds (None when there are
    none), the one the image runs, and whether anything else in the stage
    stops a split (each a one-line reason)."""
    from ..split import healthcheck_problem, resolve_program, steps_the_runtime_may_need

    builds = tuple(
        (ins, art) for ins, run in stage_facts.build_runs for art in run.builds if art.ecosystem == ecosystem
    )
    if not builds:
        return None
    candidates = [a for _, a in builds if kinds is None or a.kind in kinds]
    art, dest = resolve_program(stage_facts, candidates)
    if art is None:
        made = ", ".join(a.path for a in candidates) or f"no {noun}"
        return (
            f"cannot tell which {noun} the image runs: the command runs `{stage_facts.program}`, the build makes {made}"
        )
    # Only now every RUN is read: most stages are declined before.
    folders, reason = steps_the_runtime_may_need(tree, stage_facts)
    if reason:
        return reason
    reason = healthcheck_problem(stage_facts, candidates)
    if reason:
        return reason
    return Program(builds, art, dest, folders, next(ins for ins, a in builds if a is art))
