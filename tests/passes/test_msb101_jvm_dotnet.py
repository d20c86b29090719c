"""The Java and .NET splits, checked statically (issue 12).

Maven Central, Gradle's repositories and NuGet are not reachable from this
project's build machines, so the Maven, Gradle and .NET fixtures cannot be
built. Each fixture's output is held to what a build would show first:

- BuildKit's own parser accepts it;
- every ``COPY --from`` of the runtime names a path the builder makes, by
  the recognisers' own reading of the builder's RUN steps (or a file the
  builder copied from the build context);
- every variable the runtime stage reads is declared in it (ARG or ENV);
- the image's command names the copied artifact: the jar of ``java -jar``
  or ``-cp``, the launcher of an ``installDist`` folder, the ``.dll`` (or
  executable) in the copied publish folder.

The ``javac``/``jar`` path is also built and run: corpus/apps/java-jar,
rewritten by the tool, in the end-to-end suite.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest

from refactor.context import BuildContext
from refactor.ecosystems.jvm import GLOB, command_words
from refactor.recognisers import recognise_run
from refactor.recognisers.site import RunSite
from refactor.syntax.nodes import Arg, Copy, Env, Run, Workdir
from refactor.syntax.parser import parse
from tests.required import buildkit

CORPUS = Path(__file__).resolve().parent.parent.parent / "corpus" / "MSB101"
SPLIT_CASES = sorted(
    p for p in CORPUS.iterdir() if p.name.startswith(("java-", "dotnet-")) and (p / "Dockerfile.fixed").is_file()
)
# What the runtime's environment has without a declaration (the base image's).
BASE_VARIABLES = frozenset({"PATH", "HOME", "JAVA_HOME", "HOSTNAME"})


def test_the_fixtures_cover_the_issues_projects():
    names = {p.name for p in SPLIT_CASES}
    # a Spring Boot Maven project, a Gradle application with installDist, an ASP.NET web API, a .NET console app
    assert {"java-maven-spring-boot", "java-gradle-installdist", "dotnet-aspnet-webapi", "dotnet-console"} <= names


def _stages(case: Path):
    text = (case / "Dockerfile.fixed").read_text()
    tree = parse(text, path=str(case / "Dockerfile.fixed"))
    assert len(tree.stages) == 2, "a split has a builder and a runtime"
    return text, tree, tree.stages[0], tree.stages[1]


def _made_by_builder(tree, builder, context) -> tuple[set[str], list]:
    """Artifact paths the recognisers read from the builder's RUNs, and the sites (for context files)."""
    made: set[str] = set()
    sites = []
    for ins in builder.instructions:
        if isinstance(ins, Run):
            facts = recognise_run(tree, ins, context)
            assert not facts.unknown, facts.unknown
            made.update(a.path for a in facts.builds)
            sites.append(RunSite.of(tree, ins, context))
    return made, sites


def _workdir(stage) -> str:
    out = "/"
    for ins in stage.instructions:
        if isinstance(ins, Workdir):
            out = posixpath.normpath(posixpath.join(out, ins.rest.strip()))
    return out


@pytest.mark.parametrize("case", SPLIT_CASES, ids=[p.name for p in SPLIT_CASES])
def test_buildkit_parses_the_output(case):
    text = (case / "Dockerfile.fixed").read_text()
    commands = buildkit().parse_string(text)
    assert sum(1 for c in commands if c.cmd == "FROM") == 2


@pytest.mark.parametrize("case", SPLIT_CASES, ids=[p.name for p in SPLIT_CASES])
def test_every_copy_from_is_made_by_the_builder(case):
    _, tree, builder, runtime = _stages(case)
    context = BuildContext.for_dockerfile(str(case / "Dockerfile"))
    made, sites = _made_by_builder(tree, builder, context)
    assert made, "the recognisers read no artifact from the builder"
    copies = [ins for ins in runtime.instructions if isinstance(ins, Copy) and ins.flag("from") is not None]
    assert copies
    artifacts = 0
    for ins in copies:
        assert ins.flag("from") == builder.name
        (source,) = ins.sources
        if source in made:
            artifacts += 1
        else:  # a run-time file: the builder copied it from the build context
            assert sites and sites[-1].files.source_of(source) is not None, f"{source} is neither built nor copied"
    assert artifacts == 1, "the runtime gets the one artifact the command runs"


@pytest.mark.parametrize("case", SPLIT_CASES, ids=[p.name for p in SPLIT_CASES])
def test_every_variable_the_runtime_reads_is_declared_in_it(case):
    from refactor.analysis.expand import references

    _, tree, _, runtime = _stages(case)
    declared = set(BASE_VARIABLES)
    for ins in runtime.instructions[1:]:
        if isinstance(ins, Arg):
            declared.update(name for name, _ in ins.pairs)
            continue
        read = set(references(ins.rest, tree.escape))
        if ins.name in ("CMD", "ENTRYPOINT") and not ins.is_exec_form:
            from refactor.analysis.shell import read_shell

            read |= {v for c in read_shell(ins.rest).commands for w in c.argv for v in w.variables}
        assert read <= declared, f"line {ins.line} reads {sorted(read - declared)}, not declared in the runtime"
        if isinstance(ins, Env):
            declared.update(ins.values)


@pytest.mark.parametrize("case", SPLIT_CASES, ids=[p.name for p in SPLIT_CASES])
def test_the_command_names_the_copied_artifact(case):
    _, tree, _, runtime = _stages(case)
    targets = [
        ins.destination for ins in runtime.instructions if isinstance(ins, Copy) and ins.flag("from") is not None
    ]
    words, _, _ = command_words(runtime)
    workdir = _workdir(runtime)

    def resolve(path: str) -> str:
        return posixpath.normpath(posixpath.join(workdir, path))

    def copied(path: str) -> bool:
        return any(path == t or path.startswith(t + "/") for t in targets)

    values = [w for w, _ in words]
    program = values[0]
    if program == "java":
        option = next(v for v in values if v in ("-jar", "-cp", "-classpath", "--class-path"))
        named = values[values.index(option) + 1]
        entries = [named.removeprefix(GLOB)] if option == "-jar" else named.split(":")
        for entry in entries:
            if named.startswith(GLOB):  # the shell's glob: it must match exactly one copied file
                import fnmatch

                assert sum(fnmatch.fnmatchcase(t, resolve(entry)) for t in targets) == 1
            else:
                assert copied(resolve(entry)), f"{entry} is not among the copies {targets}"
    elif program == "dotnet":
        assert values[1].endswith(".dll") and copied(resolve(values[1])), (values[1], targets)
    else:  # a launcher script or the app's own executable, inside the copied folder
        assert copied(resolve(program)), (program, targets)


def test_java_named_by_a_path_the_runtime_lacks_is_declined(tmp_path):
    """The Temurin JRE has java at /opt/java/openjdk/bin/java; distroless at /usr/bin/java only."""
    from refactor.context import BuildContext
    from refactor.engine import refactor_text

    (tmp_path / "A.java").write_text("class A { public static void main(String[] a) {} }\n")
    head = "FROM eclipse-temurin:17-jdk\nWORKDIR /w\nCOPY A.java .\nRUN javac -d out A.java && jar cfe /w/a.jar A -C out .\n"

    def run(command: str):
        text = head + command + "\n"
        return refactor_text(text, "Dockerfile", build_context=BuildContext(tmp_path))

    temurin_path = run('CMD ["/opt/java/openjdk/bin/java", "-jar", "/w/a.jar"]')
    assert "FROM eclipse-temurin:17-jre-noble" in temurin_path.output
    # an ENTRYPOINT would get distroless, which has java elsewhere: the Temurin JRE instead
    entrypoint = run('ENTRYPOINT ["/opt/java/openjdk/bin/java", "-jar", "/w/a.jar"]')
    assert "FROM eclipse-temurin:17-jre-noble" in entrypoint.output
    elsewhere = run('ENTRYPOINT ["/usr/lib/jvm/java-17/bin/java", "-jar", "/w/a.jar"]')
    declined = [n.message for n in elsewhere.notes if n.code == "MSB101"]
    assert "does not have (it has /usr/bin/java)" in declined[0]
