"""Java: the jar (or launcher folder) ``javac``/``jar``, Maven or Gradle made, on a JRE.

The runtime gets a Java runtime of the builder's own major version (from
its tag: ``eclipse-temurin:17-jdk``, ``maven:3.9-eclipse-temurin-21``,
``gradle:8-jdk17``) and the one artifact the image's command runs: the jar
of ``java -jar app.jar``, the jars and class folders of ``java -cp``, or the
``installDist`` folder whose launcher the command names. The jar's name is
read the way the build tool writes it: ``jar --file``, Maven's
``artifactId``, ``version``, ``packaging`` and ``finalName`` (with the
Spring Boot, shade and assembly plugins' own jars), Gradle's project name,
version and plugins. Every Maven module's and Gradle project's jar is a
candidate, and the command says which one runs.

Distroless ``java`` images start ``java -jar`` themselves (their
ENTRYPOINT), so they are chosen only for an exec-form ENTRYPOINT, which
replaces theirs; a CMD, a shell-form command (which expands
``$JAVA_OPTS`` when it starts, and keeps doing so) or a launcher script
gets the Eclipse Temurin JRE, which has a shell. JVM options stay exactly
as written.

Maven and Gradle builds are checked statically here (their repositories
are not reachable from this project's build machines): the fixtures'
outputs parse with BuildKit's parser, every ``COPY --from`` names a path the
recogniser read from the build's own commands and files, and the command
names the copied artifact. ``javac``/``jar`` builds are built and run by the
end-to-end suite (``corpus/apps/java-jar``).
"""

from __future__ import annotations

import fnmatch
import posixpath

from ..split import (
    Copy,
    Plan,
    StageFacts,
    context_copies,
    healthcheck_problem,
    steps_the_runtime_may_need,
    test_only_runs,
)
from . import common

TITLE = "Java"
COMMANDS = ("javac", "jar", "mvn", "mvnw", "gradle", "gradlew")
NEEDLES = ("javac", "jar", "mvn", "gradle")
EXAMPLE, FIXTURE_PREFIX = "java-maven-spring-boot", "java-"

SOURCES = (".java", ".kt", ".kts", ".groovy", ".scala", ".class")
MANIFESTS = frozenset(
    {
        "pom.xml",
        "mvnw",
        "mvnw.cmd",
        ".mvn",
        "build.gradle",
        "build.gradle.kts",
        "settings.gradle",
        "settings.gradle.kts",
        "gradle.properties",
        "gradlew",
        "gradlew.bat",
        "gradle",
        ".gradle",
        "src",
        "target",
        "build",
        "out",
    }
)
# Programs that start an application server, which a split does not handle yet.
APP_SERVERS = {
    "catalina.sh": "Tomcat",
    "startup.sh": "Tomcat",
    "standalone.sh": "WildFly",
    "domain.sh": "WildFly",
    "jboss-cli.sh": "WildFly",
    "asadmin": "GlassFish/Payara",
    "server": "Open Liberty",
    "jetty.sh": "Jetty",
}
APP_SERVER_IMAGES = {
    "tomcat": "Tomcat",
    "jboss/wildfly": "WildFly",
    "quay.io/wildfly/wildfly": "WildFly",
    "payara/server-full": "Payara",
    "open-liberty": "Open Liberty",
    "jetty": "Jetty",
}
TEMURIN_JAVA = "/opt/java/openjdk/bin/java"  # JAVA_HOME/bin/java of Eclipse Temurin and the images built on it
GLOB = "\0glob\0"  # prefix of a word the shell expands as a glob
BUILD_TOOLS = frozenset({"mvn", "mvnw", "gradle", "gradlew"})
SHELLS = frozenset({"sh", "bash", "dash", "ash"})
CLASSPATH_OPTIONS = frozenset({"-cp", "-classpath", "--class-path"})
# java options whose value is the next word
JAVA_VALUED = frozenset({"-p", "--module-path", "--add-modules", "--add-opens", "--add-exports", "--add-reads"})


# Folders that only ever hold sources or build tooling in a JVM project
# (src/main, src/test, .mvn/wrapper, gradle/wrapper): what the app reads of
# src/main/resources is inside the jar.
SOURCE_FOLDERS = frozenset({"main", "test", "wrapper"})


def build_only(name: str, is_dir: bool) -> bool:
    return name in MANIFESTS or (is_dir and name in SOURCE_FOLDERS) or (not is_dir and name.endswith(SOURCES))


def plan(tree, stage, ctx, stage_facts: StageFacts) -> Plan | str | None:
    builds = tuple((ins, art) for ins, run in stage_facts.build_runs for art in run.builds if art.ecosystem == "java")
    if not builds:
        return None
    server = _app_server(stage, stage_facts)
    if server:
        return server
    # A JRE of the builder's version first: without one (Java 8 past its end of life), nothing else matters.
    available = common.choose_runtime(ctx, stage, "java", False, prefer="slim")
    if isinstance(available, str):
        return available
    artifacts = [a for _, a in builds]
    launched = _launched(stage, stage_facts, artifacts)
    if isinstance(launched, str):
        return launched
    chosen, shell_reason = launched
    folders, reason = steps_the_runtime_may_need(tree, stage_facts)
    if reason:
        return reason
    reason = healthcheck_problem(stage_facts, chosen)
    if reason:
        return reason
    choice = _runtime(ctx, stage, stage_facts, shell_reason)
    if isinstance(choice, str):
        return choice
    files, reason = context_copies(tree, stage, ctx.build_context, build_only)
    if reason:
        return reason
    outputs = [a.path for _, a in builds]
    made_by_build = [f for f in folders if not any(_related(f, out) for out in outputs)]
    files = sorted(set(files) | set(named_files(tree, stage, ctx, stage_facts.workdir)))
    copies = tuple(Copy(a.path, "artifact") for a in chosen)
    copies += common.other_copies(files, made_by_build, choice, exclude=tuple(a.path for a in chosen))
    build_step = next(ins for ins, a in builds if a is chosen[0])
    return Plan(
        ecosystem="java",
        runtime_image=choice.image,
        runtime_reason=choice.reason,
        copies=copies,
        build_step=build_step,
        user=choice.user,
        test_runs=test_only_runs(stage_facts, [ins for ins, _ in builds]),
        summary=choice.summary,
    )


def named_files(tree, stage, ctx, workdir: str | None) -> list[str]:
    """Files of the build context the command names (``config.json``,
    ``-Dconfig.file=conf/app.conf``), even under a folder that otherwise only
    holds sources (``src/main/conf``): the app reads them when it starts."""
    from ..recognisers.site import RunSite

    read = command_words(stage)
    runs = [ins for ins in stage.instructions if ins.name == "RUN"]
    if isinstance(read, str) or not runs or workdir is None:
        return []
    files = RunSite.of(tree, runs[-1], ctx.build_context).files
    out = []
    for value, _ in read[0][1:]:
        for candidate in (value, value.partition("=")[2]) if value else ():
            if not candidate or candidate.startswith("-") or GLOB in candidate:
                continue
            path = posixpath.normpath(posixpath.join(workdir, candidate))
            if files.source_of(path) is not None and path != workdir:
                out.append(path)
    return out


def _related(folder: str, output: str) -> bool:
    """The folder is the output, holds it, or lies inside it: the build's, not the app's."""
    return folder == output or output.startswith(folder + "/") or folder.startswith(output + "/")


def _app_server(stage, stage_facts: StageFacts) -> str | None:
    from ..catalog import parse_reference

    repository = parse_reference(stage.from_.image).repository
    name = APP_SERVER_IMAGES.get(repository)
    read = command_words(stage)
    program = posixpath.basename(stage_facts.program or (read[0][0][0] or "" if not isinstance(read, str) else ""))
    name = name or APP_SERVERS.get(program)
    if name is None:
        return None
    return (
        f"the image deploys to an application server ({name}), which the split does not handle yet;"
        " build an executable jar and run it with `java -jar`, or split by hand"
    )


def command_words(stage) -> tuple[list[tuple[str | None, str]], bool, bool] | str:
    """The image's command as (value, raw) words, whether it runs without a
    shell, and whether an ENTRYPOINT (not a CMD) gives the program."""
    from ..analysis.shell import read_shell

    commands = [ins for ins in stage.instructions if ins.name in ("ENTRYPOINT", "CMD")]
    entrypoint = next((i for i in reversed(commands) if i.name == "ENTRYPOINT"), None)
    cmd = next((i for i in reversed(commands) if i.name == "CMD"), None)
    command = entrypoint or cmd
    if command.is_exec_form:
        words = [(w, w) for w in command.value]
        if entrypoint is not None and cmd is not None and cmd.is_exec_form:
            words += [(w, w) for w in cmd.value]
        if len(words) >= 3 and posixpath.basename(words[0][0] or "") in SHELLS and words[1][0] == "-c":
            text = words[2][0] or ""
        else:
            return words, True, entrypoint is not None
    else:
        text = command.value[0] if command.value else ""
    script = read_shell(text)
    commands = list(script.commands)
    # `export JAVA_OPTS="..." && exec bin/app`: settings for the one program that follows
    while len(commands) > 1 and _only_sets(commands[0]) and commands[1].operator in ("&&", ";"):
        commands.pop(0)
    if not script.understood or len(commands) != 1 or commands[0].context:
        return f"cannot tell what `{command.logical.strip()}` at line {command.line} runs"
    argv = commands[0].argv
    if argv and argv[0].literal == "exec":
        argv = argv[1:]
    return [(w.literal if w.literal is not None else _glob(w), w.raw) for w in argv], False, entrypoint is not None


def _only_sets(cmd) -> bool:
    """``export NAME=value`` or ``NAME=value``: it sets the environment and runs nothing."""
    words = cmd.argv
    if not words:
        return bool(cmd.assignments) and not cmd.context
    return words[0].literal == "export" and not cmd.context and not cmd.conditional


def _glob(word) -> str | None:
    """A word that is a plain glob (``target/*.jar``), as its pattern, marked
    with GLOB: the shell expands it when the command starts."""
    parts = word.parts
    if parts and all(p[0] == "text" and not p[2] for p in parts[:-1]) and parts[-1][:2] == ("opaque", "a glob"):
        return GLOB + "".join(p[1] for p in parts[:-1])
    return None


def _launched(stage, stage_facts: StageFacts, artifacts):
    """(the artifacts the command runs, why it needs a shell or None), or a reason."""
    read = command_words(stage)
    if isinstance(read, str):
        return read
    words, exec_form, _ = read
    if not words or words[0][0] is None:
        return "cannot tell which program the image runs"
    program = words[0][0]
    name = posixpath.basename(program)
    workdir = stage_facts.workdir
    if name in BUILD_TOOLS:
        return (
            f"the image runs `{name}` when it starts, so the build tool is the app's runtime; run the packaged jar"
            " with `java -jar` instead"
        )

    def resolve(path: str) -> str | None:
        if path.startswith("/"):
            return posixpath.normpath(path)
        return None if workdir is None else posixpath.normpath(posixpath.join(workdir, path))

    if name != "java":
        path = resolve(program) if "/" in program else None
        for art in artifacts:
            if art.kind == "dist" and path is not None and path.startswith(art.path + "/bin/"):
                return [art], "its launcher is a shell script"
        made = ", ".join(a.path for a in artifacts)
        return f"cannot tell which jar the image runs: the command runs `{program}`, the build makes {made}"
    variables = [raw for value, raw in words[1:] if value is None]
    by_path = {a.path: a for a in artifacts}
    chosen: list = []
    k = 1
    while k < len(words):
        value, raw = words[k]
        if value == "-jar" or value in CLASSPATH_OPTIONS:
            if k + 1 >= len(words) or words[k + 1][0] is None:
                shown = words[k + 1][1] if k + 1 < len(words) else "nothing"
                return f"cannot tell which jar the image runs: `{value}` is followed by `{shown}`"
            for entry in words[k + 1][0].split(":") if value != "-jar" else [words[k + 1][0]]:
                found = _entry(entry, resolve, by_path, artifacts)
                if isinstance(found, str):
                    return found
                chosen.extend(a for a in found if a not in chosen)
            if value == "-jar":
                break
            k += 2
            continue
        if value is not None and value in JAVA_VALUED:
            k += 2
            continue
        if value is not None and not value.startswith("-"):
            break  # the main class: what follows is the app's own arguments
        k += 1
    if not chosen:
        return "cannot tell which jar the image runs: the command names no `-jar` or class path"
    if variables and not exec_form:
        return chosen, f"the command expands {', '.join(variables)} when it starts"
    return chosen, None if exec_form else "the command is in shell form"


def _entry(entry: str, resolve, by_path: dict, artifacts):
    """The artifacts one class path entry (or the -jar file) names, or a reason."""
    if entry.startswith(GLOB):  # a shell glob: in the runtime it expands to the copies only
        pattern = resolve(entry[len(GLOB) :])
        found = [a for a in artifacts if pattern is not None and fnmatch.fnmatchcase(a.path, pattern)]
        if len(found) == 1:
            return found
        entry = entry[len(GLOB) :]
        found = []
    elif entry.endswith("/*"):  # every jar of a folder: a launcher folder's lib/
        folder = resolve(entry[:-2])
        found = [a for a in artifacts if folder is not None and a.kind == "dist" and folder.startswith(a.path + "/")]
    else:
        path = resolve(entry)
        found = [by_path[path]] if path in by_path else []
    if not found:
        made = ", ".join(a.path for a in artifacts)
        hint = "; name the file the build writes" if any(c in entry for c in "*?[") else ""
        modules = {a.details.module for a in artifacts if a.details.module}
        what = "which module's jar" if len(modules) > 1 else "which jar"
        return f"cannot tell {what} the image runs: the command runs `{entry}`, the build makes {made}{hint}"
    return found


def _runtime(ctx, stage, stage_facts: StageFacts, shell_reason: str | None):
    """A JRE of the builder's major version: distroless when an exec-form
    ENTRYPOINT replaces its `java -jar`, otherwise a base with a shell."""
    read = command_words(stage)
    entrypoint = not isinstance(read, str) and read[2]
    why_not = None
    if shell_reason is not None:
        why_not = f"{shell_reason}, so the runtime keeps a shell"
    elif not entrypoint:
        why_not = "distroless java starts `java -jar` itself (its ENTRYPOINT), which the CMD would be appended to"
    elif not stage_facts.exec_form:
        why_not = "the HEALTHCHECK needs a shell"
    program = read[0][0][0] if not isinstance(read, str) else None
    if why_not is None and program and posixpath.normpath(program) == TEMURIN_JAVA:
        why_not = f"the command runs java as `{program}`, Temurin's path"
    prefer = ctx.runtime
    if why_not is not None and prefer == "distroless":
        prefer = "slim"
    choice = common.choose_runtime(ctx, stage, "java", why_not is None, prefer=prefer)
    if isinstance(choice, str):
        return choice
    if program and "/" in program and posixpath.basename(program) == "java":
        # java named by its path: the runtime must have it there (distroless: /usr/bin/java;
        # Temurin: /opt/java/openjdk/bin/java, which the Maven and Gradle images share)
        has = "/usr/bin/java" if choice.image.startswith("gcr.io/distroless/") else TEMURIN_JAVA
        if posixpath.normpath(program) != has:
            return (
                f"the command runs java as `{program}`, which {choice.image} does not have (it has {has});"
                " run `java` from PATH"
            )
    if why_not is not None and ctx.runtime == "distroless":
        choice = common.Choice(choice.image, f"{choice.reason}; not distroless: {why_not}", choice.user, choice.summary)
    return choice
