"""What a RUN builds, installs and tests, and where the output lands.

    from refactor.recognisers import recognise_run

    facts = recognise_run(tree, run, context)
    facts.builds      # (Artifact("go-binary", "/usr/local/bin/wordfreq", ...),)
    facts.installs    # (PackageInstall("apt", ("gcc", "make"), ...),)
    facts.tests       # (TestStep("go", "test", ...),)
    facts.other       # the commands no recogniser classifies
    facts.unknown     # one-line reasons: what could not be told, and what to do

Each recogniser is a small module with a table of the options its tool
takes: ``go`` (``go build``/``install``/``test``/``vet``), ``cargo``
(``build``/``install``/``test``), ``native`` (``gcc``/``cc``/``g++``/
``clang``, ``make``, ``cmake``, ``./configure``, ``ctest``), ``packages``
(``apt-get``/``apt``, ``apk``, ``dnf``/``yum``/``microdnf``) and
``testing`` (``npm test``, ``pytest`` ...). They read the commands from
``refactor.analysis.shell``, expand their words with the RUN's variables
(``facts(tree).run_environment``), resolve directories against WORKDIR,
and read the manifests they need (``go.mod``, ``Cargo.toml``,
``Makefile``, ``CMakeLists.txt``) from the build context through the
stage's COPY instructions (``sources.py``). What they cannot tell is a
reason in ``unknown``, never a guess.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from .model import (
    Artifact,
    Findings,
    GoDetails,
    NativeDetails,
    PackageInstall,
    PackageRemoval,
    RunFacts,
    RustDetails,
    TestStep,
)
from .site import RunSite

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..syntax.nodes import Dockerfile, Run


@functools.lru_cache(maxsize=1)
def _recognisers() -> tuple[dict, Callable]:
    """Command name -> recogniser, and the one for compilers named by
    version or triple (``gcc-12``, ``x86_64-linux-gnu-gcc``); imported on first use."""
    from . import cargo, go, native, packages, testing

    table = {"go": go.recognise, "cargo": cargo.recognise}
    table.update(dict.fromkeys(native.COMMANDS, native.recognise))
    table.update(dict.fromkeys(packages.COMMANDS, packages.recognise))
    table.update(dict.fromkeys(testing.COMMANDS, testing.recognise))
    from . import dotnet, jvm  # after testing: they read `mvn test` and `dotnet test` themselves

    table.update(dict.fromkeys(jvm.COMMANDS, jvm.recognise))
    table.update(dict.fromkeys(dotnet.COMMANDS, dotnet.recognise))
    return table, lambda name: native.recognise if native.is_compiler(name) else None


def recognise_run(tree: Dockerfile, ins: Run, context: BuildContext) -> RunFacts:
    """What ``ins`` (a RUN of ``tree``) builds, installs and tests."""
    table, compiler = _recognisers()
    site = RunSite.of(tree, ins, context)
    script = site.script
    unknown = [f"{u.reason}: `{_short(u.text)}`" for u in script.unknown]
    builds, installs, removals, tests, other = [], [], [], [], []
    for inv in site.invocations():
        recogniser = (table.get(inv.name) or compiler(inv.name)) if inv.name else None
        found = recogniser(inv) if recogniser else None
        if found is None:
            other.append(inv.cmd)
            continue
        builds.extend(found.builds)
        installs.extend(found.installs)
        removals.extend(found.removals)
        tests.extend(found.tests)
        unknown.extend(found.unknown)
    return RunFacts(
        tuple(dict.fromkeys(builds)),  # `make && make install` names the program twice
        tuple(installs),
        tuple(removals),
        tuple(tests),
        tuple(other),
        tuple(dict.fromkeys(unknown)),
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = [
    "Artifact",
    "Findings",
    "GoDetails",
    "NativeDetails",
    "PackageInstall",
    "PackageRemoval",
    "RunFacts",
    "RustDetails",
    "TestStep",
    "recognise_run",
]
