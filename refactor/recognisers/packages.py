"""System package installs: ``apt-get``/``apt``, ``apk``, ``dnf``/``yum``/``microdnf``.

For each install: the packages (variables expanded, ``$PKGS`` split as the
shell splits it), the flags a rewrite must keep, and what the same RUN does
around it: an index update before it, the lists or cache removed after it
(or never written: ``apk add --no-cache``), the packages removed again
(``apk del .build-deps``). ``runtime_packages`` maps the build-time
packages to the runtime packages that hold their shared libraries
(``refactor/data/packages.toml``).
"""

from __future__ import annotations

import functools
from importlib import resources

from .flags import Options, Parsed, parse
from .model import Findings, PackageInstall, PackageRemoval
from .site import Invocation

# Command -> the package manager family it belongs to.
MANAGERS = {
    "apt-get": "apt",
    "apt": "apt",
    "aptitude": "apt",
    "apk": "apk",
    "dnf": "dnf",
    "yum": "yum",
    "microdnf": "microdnf",
}
COMMANDS = frozenset(MANAGERS)

OPTIONS = {
    "apt": Options.of(
        valued="-o|--option -t|--target-release|--default-release -c|--config-file",
        switches="-y|--yes|--assume-yes -q|--quiet -f|--fix-broken -m|--fix-missing|--ignore-missing"
        " --no-install-recommends --install-recommends --no-install-suggests --allow-unauthenticated"
        " --allow-downgrades --allow-remove-essential --allow-change-held-packages --reinstall --no-upgrade"
        " --only-upgrade -V|--verbose-versions -d|--download-only --auto-remove|--autoremove --purge"
        " --no-remove -s|--simulate|--dry-run --force-yes --show-progress --list-cleanup --no-list-cleanup"
        " -u|--show-upgraded --assume-no --update|-U",  # --update: APT 3, update the lists first
    ),
    "apk": Options.of(
        valued="--virtual|-t --repository|-X -p|--root --repositories-file --keys-dir --arch --cache-dir",
        switches="--no-cache --update-cache|-U|--update -q|--quiet -v|--verbose -i|--interactive"
        " --allow-untrusted --no-progress --progress -f|--force --force-overwrite --force-broken-world"
        " --no-scripts --upgrade -u --latest -l --clean-protected --initdb --purge -r|--rdepends"
        " --no-interactive --available -s|--simulate --print-arch --no-network --no-check-certificate --wait",
    ),
    "rpm": Options.of(
        valued="--setopt --enablerepo --disablerepo --disableplugin --enableplugin --releasever --installroot --exclude -x --nobest"
        " --repo --repofrompath --config -c --forcearch --refresh-metadata",
        switches="-y|--assumeyes -q|--quiet -v|--verbose --nodocs --best --allowerasing --skip-broken"
        " --nogpgcheck --refresh --noplugins --cacheonly|-C"
        " --skip-unavailable --no-best --allow-downgrade --assumeno --downloadonly",
    ),
}
# Subcommands: what each one does.
INSTALL = {"install", "add", "groupinstall", "reinstall"}
REMOVE = {"remove", "purge", "del", "erase", "autoremove"}
UPDATE = {"apt": {"update"}, "apk": {"update"}, "dnf": {"makecache"}, "yum": {"makecache"}, "microdnf": set()}
# Where each manager keeps its index or cache: removing it in the same RUN keeps the layer small.
CACHE_DIRS = {
    "apt": ("/var/lib/apt/lists",),
    "apk": ("/var/cache/apk", "/etc/apk/cache"),
    "dnf": ("/var/cache/dnf", "/var/cache/yum"),
    "yum": ("/var/cache/yum", "/var/cache/dnf"),
    "microdnf": ("/var/cache/yum", "/var/cache/dnf"),
}


def recognise(inv: Invocation) -> Findings | None:
    manager = MANAGERS[inv.name or ""]
    opts = parse(inv.args, OPTIONS.get(manager, OPTIONS["rpm"]))
    words = [a.value for a in opts.operands]
    sub = words[0] if words else None
    if opts.problem and sub is None:
        return Findings(unknown=(f"`{inv.text}`: {inv.problem(opts)}",))
    if manager != "apk" and sub == "group" and len(words) > 1 and words[1] in ("install", "remove"):
        sub = "groupinstall" if words[1] == "install" else "remove"
        opts = Parsed(opts.values, opts.operands[1:], opts.problem)
    if sub in INSTALL:
        return _install(inv, manager, sub, opts)
    if sub in REMOVE:
        names, why = _packages(inv, opts)
        return Findings(removals=(PackageRemoval(manager, names[1:], inv.cmd),), unknown=(why,) if why else ())
    return Findings()  # update, clean, upgrade ...: nothing built or installed


def _install(inv: Invocation, manager: str, sub: str, opts: Parsed) -> Findings:
    if opts.problem:
        return Findings(unknown=(f"`{inv.text}`: {inv.problem(opts)}",))
    names, why = _packages(inv, opts)
    reasons = [why] if why else []
    if inv.cmd.conditional:
        reasons.append(f"`{inv.text}` runs only under a condition, so what it installs is not certain")
    virtual = opts.last("--virtual")
    switches = set(OPTIONS.get(manager, OPTIONS["rpm"]).switches.values())
    # Canonical spellings: `-y`, `--no-install-recommends`, `--virtual=.build-deps`.
    flags = tuple(
        dict.fromkeys(n if n in switches else f"{n}={a.value}" for n, uses in opts.values.items() for a in uses)
    )
    later = [c for c in _script(inv) if c.index > inv.index]
    earlier = [c for c in _script(inv) if c.index < inv.index]
    cleans = (manager == "apk" and opts.has("--no-cache")) or any(_cleans(c, manager) for c in later)
    updated = opts.has("--update-cache") or opts.has("--update") or any(_updates(c, manager) for c in earlier)
    removed = any(_removes(c, manager, virtual.value if virtual else None, names) for c in later)
    groups = names[1:] if sub == "groupinstall" else ()
    install = PackageInstall(
        manager,
        () if groups else names[1:],
        flags,
        virtual.value if virtual else None,
        groups,
        updated,
        cleans,
        removed,
        inv.cmd,
    )
    return Findings(installs=(install,), unknown=tuple(reasons))


def _packages(inv: Invocation, opts: Parsed) -> tuple[tuple[str, ...], str | None]:
    """The operands (subcommand first) and why some are not known."""
    # `libpq-dev=15.*` is a glob to the shell, but matches no file where packages are installed.
    values = [
        a.value if a.value is not None or a.variables or "`" in a.raw else a.raw.strip("'\"") for a in opts.operands
    ]
    known = tuple(v for v in values if v is not None)
    missing = [a for a, v in zip(opts.operands, values, strict=True) if v is None]
    if not missing:
        return known, None
    return known, f"cannot tell which packages `{inv.text}` names: `{missing[0].raw}`: {inv.why(missing[0])}"


def _script(inv: Invocation) -> list[Invocation]:
    # The site's own invocations: each reads (expands) its words once, however many installs ask.
    return [c for c in inv.site.invocations() if c.index != inv.index]


def _sub(inv: Invocation) -> str | None:
    return next((a.value for a in inv.args if a.value and not a.value.startswith("-")), None)


def _updates(inv: Invocation, manager: str) -> bool:
    return MANAGERS.get(inv.name or "") == manager and _sub(inv) in UPDATE[manager]


def _cleans(inv: Invocation, manager: str) -> bool:
    if MANAGERS.get(inv.name or "") == manager:
        words = [a.value for a in inv.args]
        # `dnf clean all`; apt's `clean` leaves the lists, apk has no cache with --no-cache
        return manager in ("dnf", "yum", "microdnf") and "clean" in words and "all" in words
    if inv.name != "rm":
        return False
    # `rm -rf /var/lib/apt/lists/*`: the glob makes the word not literal, so read it as written.
    for arg in inv.args:
        text = arg.value if arg.value is not None else arg.raw.strip("'\"")
        for cache in CACHE_DIRS[manager]:
            if text.rstrip("/*") == cache:
                return True
    return False


def _removes(inv: Invocation, manager: str, virtual: str | None, names: tuple[str, ...]) -> bool:
    if MANAGERS.get(inv.name or "") != manager or _sub(inv) not in REMOVE:
        return False
    removed = {a.value for a in inv.args}
    return (virtual is not None and virtual in removed) or (len(names) > 1 and set(names[1:]) <= removed)


# -- build-time packages and their runtime packages ------------------------------------


@functools.lru_cache(maxsize=1)
def _table() -> dict:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    text = resources.files("refactor").joinpath("data/packages.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


DISTROS = {"bookworm": ("debian", "bookworm"), "trixie": ("debian", "trixie"), "alpine": ("alpine", None)}
DISTROS.update({"debian12": DISTROS["bookworm"], "debian13": DISTROS["trixie"]})


def classify(package: str, distro: str) -> str:
    """``"dev"`` (has a runtime package in the table), ``"dev-unknown"``
    (a ``-dev`` package the table does not map), ``"build"`` (a tool only
    builds need), ``"maybe-runtime"`` (curl, wget ...: kept only if the
    runtime uses it) or ``"runtime"`` (anything else: ca-certificates ...)."""
    family, release = DISTROS[distro]
    table = _table()
    mapping = table[family][release] if release else table[family]
    name = PackageInstall("", (package,)).names[0]
    if name in mapping:
        return "dev"
    if name in table["build-only"][family]:
        return "build"
    if name in table["maybe-runtime"][family]:
        return "maybe-runtime"
    if name.endswith(("-dev", "-devel", "-headers")):
        return "dev-unknown"
    return "runtime"


def runtime_packages(dev_packages: list[str] | tuple[str, ...], distro: str) -> tuple[list[str], list[str]]:
    """What the runtime stage installs for these build-stage packages on
    ``distro`` (``bookworm``, ``trixie``, ``alpine``), and the packages it
    cannot decide: ``-dev`` packages the table does not map and tools that
    may be needed at run time (see ``classify``). Build tools are dropped;
    other packages (ca-certificates, tzdata) are kept as they are."""
    family, release = DISTROS[distro]
    table = _table()
    mapping = table[family][release] if release else table[family]
    runtime: list[str] = []
    unknown: list[str] = []
    for package in dev_packages:
        kind = classify(package, distro)
        name = PackageInstall("", (package,)).names[0]
        if kind == "dev":
            runtime.extend(mapping[name])
        elif kind == "runtime":
            runtime.append(name)
        elif kind in ("dev-unknown", "maybe-runtime"):
            unknown.append(name)
    return list(dict.fromkeys(runtime)), list(dict.fromkeys(unknown))
