"""The JVM's builds: ``javac``/``jar``, Maven and Gradle, and where the jar lands.

* ``javac -d DIR`` writes classes under DIR; ``jar --create --file F``
  (``jar cf F``, ``jar cfe F Main``, ``-cvfm F manifest``) writes F, both
  relative to the directory they run in.
* Maven (``mvn``, ``./mvnw``; the POM reference, "Super POM" and "Introduction
  to the Build Lifecycle"): ``package``, ``verify``, ``install`` and
  ``deploy`` write ``<basedir>/target/<finalName>.<packaging>``, where
  finalName defaults to ``${artifactId}-${version}`` and packaging to
  ``jar``; the Spring Boot plugin's ``repackage`` replaces that jar with the
  runnable one (or writes ``<finalName>-<classifier>.jar`` when its
  configuration names a classifier); the shade plugin likewise (or
  ``-shaded``); the assembly plugin's ``jar-with-dependencies`` adds
  ``<finalName>-jar-with-dependencies.jar``. An aggregator POM
  (``<packaging>pom</packaging>`` with ``<modules>``) builds each module in
  its folder: every module's jar is an artifact, and the image's command
  says which it runs.
* Gradle (``gradle``, ``./gradlew``; "Working with files", the Java,
  Application, Spring Boot and Shadow plugins): ``jar`` writes
  ``build/libs/<archivesName>-<version>.jar`` (no ``-<version>`` while the
  version is ``unspecified``; ``-plain`` when the Spring Boot plugin is
  applied), ``bootJar`` the same name without classifier, ``shadowJar``
  ``-all``; ``installDist`` a launcher and its libraries under
  ``build/install/<project name>``. ``build`` and ``assemble`` run
  ``jar`` and ``bootJar`` (and ``shadowJar`` when that plugin is applied).
  The project name comes from ``rootProject.name`` in ``settings.gradle``
  (or its Kotlin form), else the folder's name.

What a build file does that the tool cannot read to a literal name (a
name computed in Groovy, a property it does not know) is a reason in
``unknown``, never a guess.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET

import attrs

from .model import Artifact, Findings, TestStep
from .site import Arg, Invocation

COMMANDS = ("javac", "jar", "mvn", "mvnw", "gradle", "gradlew", "find")


@attrs.frozen
class JvmDetails:
    """How a JVM artifact was made.

    ``tool``: ``javac``, ``jar``, ``maven`` or ``gradle``; ``task``: the
    goal or task that made it (``package``, ``bootJar``, ``installDist``);
    ``main_class``: the entry point a ``jar`` command named; ``runnable``:
    a Spring Boot, shaded or launcher artifact that carries its
    dependencies (a plain Maven/Gradle jar does not)."""

    tool: str
    task: str | None = None
    main_class: str | None = None
    runnable: bool = False
    module: str | None = None  # the Maven module or Gradle project folder it came from


def recognise(inv: Invocation) -> Findings | None:
    name = inv.name
    if name == "javac":
        return _javac(inv)
    if name == "jar":
        return _jar(inv)
    if name in ("mvn", "mvnw"):
        return _Maven(inv).findings()
    if name in ("gradle", "gradlew"):
        return _Gradle(inv).findings()
    if name == "find":
        return _listing_find(inv)
    return None


def _fail(inv: Invocation, why: str) -> Findings:
    return Findings(unknown=(f"`{inv.text}`: {why}",))


def _artifact(inv: Invocation, kind: str, path: str, details: JvmDetails, *args: Arg) -> Artifact:
    return Artifact(kind, path, posixpath.basename(path), "java", details, inv.variables(*args), inv.cmd)


# -- find: the list of sources javac compiles --------------------------------------

# find's actions that change files or write them
_FIND_ACTIONS = frozenset({"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0", "-fprintf", "-fls"})


def _listing_find(inv: Invocation) -> Findings | None:
    """``$(find src -name '*.java')``: a find inside a command substitution
    that only lists files changes nothing; any other find is not ours."""
    if "command_substitution" not in inv.cmd.context:
        return None
    if any(a.value is None or a.value in _FIND_ACTIONS for a in inv.args):
        return None
    return Findings()


# -- javac and jar -----------------------------------------------------------------

_JAVAC_VALUED = frozenset(
    "-d -cp -classpath --class-path -sourcepath --source-path -s -h --release -source -target -encoding"
    " -processorpath --processor-path --module-path -p --module -m --add-modules --limit-modules"
    " --module-source-path --upgrade-module-path --system -bootclasspath --boot-class-path -extdirs"
    " -endorseddirs -processor --processor-module-path --module-version --default-module-for-created-files"
    " -implicit --add-exports --add-reads --patch-module".split()
)


def _javac(inv: Invocation) -> Findings:
    args = inv.args
    out: Arg | None = None
    k = 0
    while k < len(args):
        value = args[k].value
        if value in _JAVAC_VALUED:
            if value == "-d" and k + 1 < len(args):
                out = args[k + 1]
            k += 2
            continue
        k += 1
    if out is None:
        return Findings()  # classes beside their sources: a later jar step says what ships
    if inv.cmd.conditional:
        return _fail(inv, "it runs only under a condition, so what it builds is not certain")
    if out.value is None:
        return _fail(inv, f"cannot read -d `{out.raw}`: {inv.why(out)}")
    path = inv.path(out.value)
    if path is None:
        return _fail(inv, inv.cwd_reason())
    return Findings(builds=(_artifact(inv, "classes", path, JvmDetails("javac"), out),))


_JAR_VALUED = {"--file": "f", "-f": "f", "--main-class": "e", "-e": "e", "--manifest": "m", "-m": "m"}
_JAR_MODES = {"--create": "c", "-c": "c", "--update": "u", "-u": "u"}
_JAR_OTHER_MODES = frozenset({"--list", "-t", "--extract", "-x", "--describe-module", "-d", "--generate-index", "-i"})
_JAR_SKIP_VALUED = frozenset({"-C", "--release", "--module-version", "--hash-modules", "--module-path", "-p"})


def _jar(inv: Invocation) -> Findings | None:
    args = list(inv.args)
    mode = None
    values: dict[str, Arg] = {}
    if args and args[0].value and not args[0].value.startswith("-"):
        # jar's old form: `jar cvfe app.jar Main -C classes .`, values in the letters' order
        letters, rest = args[0].value, args[1:]
        if not set(letters) <= set("ctxuivfme0MnP"):
            return _fail(inv, f"cannot read the jar options `{letters}`")
        for letter in letters:
            if letter in "ctxui" and mode is None:
                mode = letter
            elif letter in "fme":
                if not rest:
                    return _fail(inv, f"jar option `{letter}` needs a value")
                values[letter], rest = rest[0], rest[1:]
    else:
        k = 0
        while k < len(args):
            arg = args[k]
            text = arg.value
            if text is None:
                k += 1
                continue
            key, eq, inline = text.partition("=")
            if key in _JAR_MODES:
                mode = _JAR_MODES[key]
            elif key in _JAR_OTHER_MODES:
                mode = "x"
            elif key in _JAR_VALUED:
                if eq:
                    values[_JAR_VALUED[key]] = Arg(inline, arg.raw, arg.variables)
                elif k + 1 < len(args):
                    k += 1
                    values[_JAR_VALUED[key]] = args[k]
            elif key in _JAR_SKIP_VALUED and not eq:
                k += 1
            elif re.fullmatch(r"-[ctxuivfme0MnP]{2,}", key):  # -cvfe app.jar Main
                for letter in key[1:]:
                    if letter in "ctxui" and mode is None:
                        mode = letter
                    elif letter in "fme":
                        k += 1
                        if k >= len(args):
                            return _fail(inv, f"jar option `{letter}` needs a value")
                        values[letter] = args[k]
            k += 1
    if mode not in ("c", "u"):
        return Findings()  # listing or extracting: nothing new to ship
    target = values.get("f")
    if target is None:
        return _fail(inv, "it writes the jar to standard output; name the file with --file")
    if inv.cmd.conditional:
        return _fail(inv, "it runs only under a condition, so what it builds is not certain")
    if target.value is None:
        return _fail(inv, f"cannot read the jar file `{target.raw}`: {inv.why(target)}")
    path = inv.path(target.value)
    if path is None:
        return _fail(inv, inv.cwd_reason())
    main = values.get("e")
    details = JvmDetails("jar", main_class=main.value if main is not None else None)
    return Findings(builds=(_artifact(inv, "jar", path, details, target),))


# -- reading build files ----------------------------------------------------------

_PROPERTY = re.compile(r"\$\{([^}]+)\}")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node, *path: str):
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _text(node, *path: str) -> str | None:
    found = _child(node, *path)
    return found.text.strip() if found is not None and found.text else None


@attrs.frozen
class Pom:
    folder: str  # the image path the POM is in
    artifact_id: str | None
    version: str | None
    packaging: str
    final_name: str | None
    directory: str | None
    modules: tuple[str, ...]
    properties: dict
    plugins: tuple  # (artifactId, configuration element or None, executions)

    def plugin(self, artifact_id: str):
        return next((p for p in self.plugins if p[0] == artifact_id), None)


def read_pom(text: str, folder: str, profiles: tuple[str, ...] = ()) -> Pom | str:
    """The POM's facts, with the profiles it activates (``-P``, else those
    active by default) applied: their properties, finalName and plugins."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        return f"cannot read {folder}/pom.xml: {e}"
    layers = [root]
    declared = [p for p in (_child(root, "profiles") or ()) if _local(p.tag) == "profile"]
    wanted = {p for p in profiles if not p.startswith(("!", "-"))}
    dropped = {p.lstrip("!-") for p in profiles if p.startswith(("!", "-"))}
    for profile in declared:
        name = _text(profile, "id")
        by_default = _text(profile, "activation", "activeByDefault") == "true" and not wanted
        if name not in dropped and (name in wanted or by_default):
            layers.append(profile)
    props: dict[str, str] = {}
    final_name = directory = None
    plugins: dict[str, tuple] = {}
    managed: dict[str, object] = {}
    for layer in layers:
        props.update({_local(p.tag): (p.text or "").strip() for p in (_child(layer, "properties") or ())})
        build = _child(layer, "build")
        final_name = _text(build, "finalName") or final_name
        directory = _text(build, "directory") or directory
        for plugin in _child(build, "pluginManagement", "plugins") or ():
            managed[_text(plugin, "artifactId")] = _child(plugin, "configuration")
        for plugin in _child(build, "plugins") or ():
            name = _text(plugin, "artifactId")
            plugins[name] = (name, _child(plugin, "configuration"), _child(plugin, "executions"))
    # A plugin's configuration may be in pluginManagement; only the plugins a build lists run.
    listed = tuple(
        (name, config if config is not None else managed.get(name), executions)
        for name, config, executions in plugins.values()
    )
    return Pom(
        folder=folder,
        artifact_id=_text(root, "artifactId"),
        version=_text(root, "version") or _text(root, "parent", "version"),
        packaging=_text(root, "packaging") or "jar",
        final_name=final_name,
        directory=directory,
        modules=tuple(m.text.strip() for m in (_child(root, "modules") or ()) if m.text),
        properties=props | {"__parent_version": _text(root, "parent", "version") or ""},
        plugins=listed,
    )


def _interpolate(value: str, pom: Pom, defines: dict) -> str | None:
    """``${...}`` resolved from the POM and ``-D``; None when one is not known."""
    known = {
        "project.artifactId": pom.artifact_id,
        "artifactId": pom.artifact_id,
        "pom.artifactId": pom.artifact_id,
        "project.version": pom.version,
        "version": pom.version,
        "pom.version": pom.version,
        "project.parent.version": pom.properties.get("__parent_version") or None,
    }
    for _ in range(5):
        missing = False

        def one(m: re.Match) -> str:
            nonlocal missing
            name = m.group(1)
            found = defines.get(name) or pom.properties.get(name) or known.get(name)
            if found is None:
                missing = True
                return m.group(0)
            return found

        value = _PROPERTY.sub(one, value)
        if missing:
            return None
        if "${" not in value:
            return value
    return None


# -- Maven ------------------------------------------------------------------------

_MAVEN_VALUED = frozenset(
    "-f --file -s --settings -gs --global-settings -t --toolchains -P --activate-profiles -pl --projects"
    " -rf --resume-from -T --threads -l --log-file -b --builder -D --define -e -gt --global-toolchains".split()
) - {"-e"}
# Phases that reach `package` (and so write the jar).
_PACKAGING_PHASES = frozenset({"package", "verify", "install", "deploy", "pre-integration-test", "integration-test"})
_NO_OUTPUT = frozenset({"clean", "validate", "initialize", "dependency:go-offline", "dependency:resolve"})
_EXTENSIONS = {"jar": "jar", "war": "war", "ear": "ear", "maven-plugin": "jar", "bundle": "jar", "ejb": "jar"}


class _Maven:
    def __init__(self, inv: Invocation) -> None:
        self.inv = inv
        self.profiles: tuple[str, ...] = ()

    def findings(self) -> Findings:
        inv = self.inv
        defines: dict[str, str] = {}
        goals: list[str] = []
        pom_file = None
        projects: list[str] = []
        args = inv.args
        k = 0
        while k < len(args):
            arg = args[k]
            text = arg.value
            if text is None:
                if arg.raw.startswith("-D"):
                    k += 1
                    continue  # a -D whose value is not known: only matters if a name reads it
                return _fail(inv, f"cannot read `{arg.raw}`: {inv.why(arg)}")
            if text.startswith("-P") and len(text) > 2:
                self.profiles += tuple(text[2:].split(","))
            elif text.startswith("-D") and len(text) > 2:
                key, _, value = text[2:].partition("=")
                defines[key] = value or "true"
            elif text in _MAVEN_VALUED:
                k += 1
                value = args[k] if k < len(args) else None
                if value is not None and text in ("-f", "--file"):
                    pom_file = value
                elif value is not None and text in ("-P", "--activate-profiles"):
                    self.profiles += tuple((value.value or "").split(","))
                elif value is not None and text in ("-pl", "--projects"):
                    projects.extend((value.value or "").split(","))
                elif value is not None and text in ("-D", "--define") and value.value:
                    key, _, val = value.value.partition("=")
                    defines[key] = val or "true"
            elif text.startswith("-"):
                pass  # switches: -B, -q, -U, -am, --no-transfer-progress ...
            else:
                goals.append(text)
            k += 1
        if not goals:
            return Findings()
        if set(goals) <= {"test", "surefire:test"} | _NO_OUTPUT:
            if "test" in goals or "surefire:test" in goals:
                return Findings(tests=(TestStep("mvn", "test", inv.cwd, inv.cmd),))
            return Findings()
        packages = bool(_PACKAGING_PHASES & set(goals)) or any(g.endswith(":repackage") for g in goals)
        # `mvn compile assembly:single`: only the assembly's jar, not the project's own
        assembly_only = not packages and "assembly:single" in goals
        if not packages and not assembly_only:
            if set(goals) <= _NO_OUTPUT | {"compile", "test-compile", "process-resources", "test"}:
                return Findings()
            unknown = [g for g in goals if g not in _NO_OUTPUT]
            return _fail(inv, f"cannot tell what the goal `{unknown[0]}` writes")
        if inv.cmd.conditional:
            return _fail(inv, "it runs only under a condition, so what it builds is not certain")
        if inv.cwd is None:
            return _fail(inv, inv.cwd_reason())
        if pom_file is not None:
            if pom_file.value is None:
                return _fail(inv, f"cannot read -f `{pom_file.raw}`: {inv.why(pom_file)}")
            path = inv.path(pom_file.value)
            if path is None:
                return _fail(inv, inv.cwd_reason())
            folder = path if not path.endswith(".xml") else posixpath.dirname(path)
            pom_path = path if path.endswith(".xml") else posixpath.join(path, "pom.xml")
        else:
            folder, pom_path = inv.cwd, posixpath.join(inv.cwd, "pom.xml")
        built: list[Artifact] = []
        reason = self._project(pom_path, folder, defines, built, depth=0)
        if reason:
            return _fail(inv, reason)
        if projects:  # -pl: only these modules (and what -am adds, which the image does not run)
            chosen = {posixpath.normpath(posixpath.join(folder, p.lstrip(":"))) for p in projects if p}
            named = [a for a in built if a.details.module in chosen or posixpath.basename(a.details.module) in projects]
            built = named or built
        if assembly_only:
            built = [a for a in built if a.details.task == "assembly"]
            if not built:
                return _fail(inv, "assembly:single: the POM names no jar-with-dependencies assembly the tool can read")
        if not built:
            return _fail(inv, "the POM builds no jar (packaging pom with no modules)")
        return Findings(builds=tuple(built))

    def _project(self, pom_path: str, folder: str, defines: dict, built: list, depth: int) -> str | None:
        text = self.inv.site.files.read_text(pom_path)
        if text is None:
            return f"cannot read {pom_path}: it is not copied from the build context before this step"
        pom = read_pom(text, folder, self.profiles)
        if isinstance(pom, str):
            return pom
        if pom.packaging == "pom":
            if depth > 3:
                return "modules nest too deep to follow"
            for module in pom.modules:
                sub = posixpath.normpath(posixpath.join(folder, module))
                sub_pom = sub if sub.endswith(".xml") else posixpath.join(sub, "pom.xml")
                reason = self._project(sub_pom, posixpath.dirname(sub_pom), defines, built, depth + 1)
                if reason:
                    return reason
            return None
        if pom.directory is not None and _interpolate(pom.directory, pom, defines) not in (
            "${project.basedir}/target",
            "target",
        ):
            return f"{pom_path} sets <build><directory>, which the tool does not follow"
        extension = _EXTENSIONS.get(pom.packaging)
        if extension is None:
            return f"{pom_path}: cannot tell what packaging `{pom.packaging}` writes"
        name = pom.final_name or "${project.artifactId}-${project.version}"
        final = _interpolate(name, pom, defines)
        if final is None or pom.artifact_id is None:
            return f"cannot resolve the jar's name `{name}` from {pom_path}: a property it reads is not known"
        target = posixpath.join(folder, "target")
        module = folder
        runnable = False
        attached: list[tuple[str, str]] = []
        boot = pom.plugin("spring-boot-maven-plugin")
        if boot is not None:
            classifier = _text(boot[1], "classifier") if boot[1] is not None else None
            if classifier:
                attached.append((f"{final}-{classifier}.{extension}", "spring-boot:repackage"))
            else:
                runnable = True
        shade = pom.plugin("maven-shade-plugin")
        if shade is not None:
            config = _shade_config(shade)
            if config.get("outputFile"):
                defines_here = {**defines, "project.build.directory": target, "project.basedir": folder}
                output = _interpolate(config["outputFile"], pom, defines_here)
                if output is None:
                    return f"cannot resolve the shaded jar's path `{config['outputFile']}` from {pom_path}"
                built.append(
                    _artifact(
                        self.inv,
                        "jar",
                        posixpath.normpath(posixpath.join(folder, output)),
                        JvmDetails("maven", "shade", True, module=module),
                    )
                )
            elif config.get("shadedArtifactAttached") == "true":
                attached.append((f"{final}-{config.get('shadedClassifierName', 'shaded')}.jar", "shade"))
            elif config.get("finalName"):
                shaded = _interpolate(config["finalName"], pom, defines)
                if shaded is None:
                    return f"cannot resolve the shaded jar's name `{config['finalName']}` from {pom_path}"
                attached.append((f"{shaded}.jar", "shade"))
            else:
                runnable = True
        assembly = pom.plugin("maven-assembly-plugin")
        if assembly is not None and "jar-with-dependencies" in ET.tostring(assembly[1] or ET.Element("x"), "unicode"):
            attached.append((f"{final}-jar-with-dependencies.jar", "assembly"))
        built.append(
            _artifact(
                self.inv,
                extension,
                posixpath.join(target, f"{final}.{extension}"),
                JvmDetails("maven", "package", runnable=runnable, module=module),
            )
        )
        for file_name, task in attached:
            built.append(
                _artifact(
                    self.inv, "jar", posixpath.join(target, file_name), JvmDetails("maven", task, True, module=module)
                )
            )
        return None


def _shade_config(plugin) -> dict:
    out = {}
    for holder in [plugin[1]] + [
        _child(e, "configuration") for e in (plugin[2] if plugin[2] is not None else ()) if e is not None
    ]:
        for key in ("shadedArtifactAttached", "shadedClassifierName", "finalName", "outputFile"):
            value = _text(holder, key) if holder is not None else None
            if value:
                out[key] = value
    return out


# -- Gradle -----------------------------------------------------------------------

_GRADLE_VALUED = frozenset(
    "-x --exclude-task -p --project-dir -b --build-file -c --settings-file -g --gradle-user-home -I --init-script"
    " --console --warning-mode --max-workers --priority -D --system-prop -P --project-prop -M --write-verification-metadata"
    " --include-build --dependency-verification --project-cache-dir".split()
)
_GRADLE_NO_OUTPUT = frozenset(
    {"clean", "dependencies", "help", "tasks", "projects", "properties", "wrapper", "--version"}
)
_GRADLE_TESTS = frozenset({"test", "check"})
_GRADLE_TASKS = frozenset({"build", "assemble", "jar", "bootJar", "shadowJar", "installDist", "installBootDist"})
_SETTINGS_NAME = re.compile(r"""rootProject\.name\s*=\s*(['"])([^'"$]+)\1""")
_INCLUDE = re.compile(r"""^\s*include\s*\(?\s*((?:['"][^'"]+['"]\s*,?\s*)+)\)?""", re.M)
_VERSION = re.compile(r"""^\s*version\s*(?:=\s*)?(['"])([^'"$]*)\1\s*$""", re.M)
_VERSION_ANY = re.compile(r"""^\s*(?:project\.)?version\s*(?:=|\s['"(])""", re.M)
_ARCHIVE_KEYS = (
    r"archiveFileName|archiveBaseName|archiveVersion|archiveClassifier|archiveAppendix|archivesBaseName|archivesName"
)
_ARCHIVE_USE = re.compile(rf"\b(?:{_ARCHIVE_KEYS})\b")
# `archiveBaseName.set("x")`, `archiveClassifier = ''`, `archivesBaseName = 'x'`: a literal value
_ARCHIVE_LITERAL = re.compile(rf"""\b({_ARCHIVE_KEYS})\s*(?:\.set\(\s*|=\s*)(["'])([^"'$]*)\2""")
# Settings that move the output where the tool does not follow.
_OUTPUT_MOVED = re.compile(r"destinationDirectory|destinationDir\b|\bbuildDir\b|layout\.buildDirectory|\barchiveName\b")
_RENAMED = re.compile(r"""project\(\s*['"]([^'"]+)['"]\s*\)\.name\s*=\s*['"]([^'"$]+)['"]""")
_COMMENT_OR_STRING = re.compile(r"""//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""", re.S)
_PROPERTIES_VERSION = re.compile(r"^\s*version\s*[=:]\s*(\S+)\s*$", re.M)
_PLUGIN_BOOT = re.compile(
    r"""org\.springframework\.boot|spring-boot-gradle-plugin|id\s*\(?\s*['"]org\.springframework\.boot"""
)
_PLUGIN_SHADOW = re.compile(r"""com\.github\.johnrengelman\.shadow|com\.gradleup\.shadow|shadow-gradle-plugin""")
# The application plugin, applied (or configured: a build that configures it applies it, by a
# convention plugin if not here).
_PLUGIN_APPLICATION = re.compile(
    r"""(?:^|[\s{(])(?:id\s*\(?\s*)?['"]?application['"]?\s*\)?\s*$|apply\s*\(?\s*plugin\s*[:=]\s*['"]application['"]"""
    r"""|`application`|^\s*application\s*(?:\{|\.)""",
    re.M,
)


class _Gradle:
    def __init__(self, inv: Invocation) -> None:
        self.inv = inv

    def findings(self) -> Findings:
        inv = self.inv
        tasks: list[str] = []
        excluded: set[str] = set()
        project_dir = None
        args = inv.args
        k = 0
        while k < len(args):
            arg = args[k]
            text = arg.value
            if text is None:
                if arg.raw.startswith(("-P", "-D")):
                    k += 1
                    continue
                return _fail(inv, f"cannot read `{arg.raw}`: {inv.why(arg)}")
            key, eq, inline = text.partition("=")
            if key in _GRADLE_VALUED and not eq and not (key in ("-D", "-P") and len(text) > 2):
                k += 1
                value = args[k] if k < len(args) else None
                if value is not None and key in ("-x", "--exclude-task"):
                    excluded.add(value.value or "")
                elif value is not None and key in ("-p", "--project-dir"):
                    project_dir = value
                elif key in ("-b", "--build-file", "-c", "--settings-file"):
                    return _fail(inv, f"`{key}` names another build file, which the tool does not follow")
            elif key in ("-p", "--project-dir") and eq:
                project_dir = Arg(inline, arg.raw, arg.variables)
            elif not text.startswith("-"):
                tasks.append(text)
            k += 1
        if not tasks:
            return Findings()
        bare = [t.rsplit(":", 1)[-1] for t in tasks]
        if set(bare) <= _GRADLE_NO_OUTPUT | _GRADLE_TESTS:
            if set(bare) & _GRADLE_TESTS:
                return Findings(tests=(TestStep("gradle", "test", inv.cwd, inv.cmd),))
            return Findings()
        unknown = [t for t in bare if t not in _GRADLE_TASKS | _GRADLE_NO_OUTPUT | _GRADLE_TESTS]
        if unknown:
            return _fail(inv, f"cannot tell what the task `{unknown[0]}` writes")
        if inv.cmd.conditional:
            return _fail(inv, "it runs only under a condition, so what it builds is not certain")
        if inv.cwd is None:
            return _fail(inv, inv.cwd_reason())
        root = self.root = inv.cwd
        if project_dir is not None:
            if project_dir.value is None:
                return _fail(inv, f"cannot read -p `{project_dir.raw}`: {inv.why(project_dir)}")
            root = self.root = inv.path(project_dir.value) or root
        files = inv.site.files
        settings = files.read_text(posixpath.join(root, "settings.gradle")) or files.read_text(
            posixpath.join(root, "settings.gradle.kts")
        )
        settings = _without_comments(settings or "")
        named = _SETTINGS_NAME.search(settings)
        root_name = named.group(2) if named else posixpath.basename(root)
        renamed = {m.group(1).lstrip(":"): m.group(2) for m in _RENAMED.finditer(settings)}
        projects = [(root, root_name, "")]
        for match in _INCLUDE.finditer(settings):
            for include in re.findall(r"""['"]([^'"]+)['"]""", match.group(1)):
                path = include.lstrip(":")
                name = renamed.get(path, path.rsplit(":", 1)[-1])
                projects.append((posixpath.join(root, path.replace(":", "/")), name, path))
        known = {path for _, _, path in projects}
        for task in tasks:
            owner = task.rsplit(":", 1)[0].lstrip(":") if ":" in task else ""
            if owner and owner not in known:
                if not settings:
                    return _fail(
                        inv,
                        f"cannot read {root}/settings.gradle: it is not copied from the build context before this step",
                    )
                return _fail(inv, f"the task `{task}` names a project the settings file does not include")
        built: list[Artifact] = []
        for folder, name, path in projects:
            wanted = [t for t in tasks if ":" not in t or t.rsplit(":", 1)[0].lstrip(":") == path.lstrip(":")]
            if path and not wanted:
                continue
            if not path and len(projects) > 1 and all(":" in t for t in tasks):
                continue
            reason = self._project(folder, name, [t.rsplit(":", 1)[-1] for t in wanted], excluded, built)
            if reason:
                return _fail(inv, reason)
        if not built and self._script(root) is None and len(projects) == 1:
            return _fail(
                inv, f"cannot read {root}/build.gradle: it is not copied from the build context before this step"
            )
        if not built:
            return _fail(inv, "cannot tell which project's jar the build writes")
        return Findings(builds=tuple(built))

    def _script(self, folder: str) -> str | None:
        """The project's build script, its comments blanked."""
        files = self.inv.site.files
        for file_name in ("build.gradle", "build.gradle.kts"):
            script = files.read_text(posixpath.join(folder, file_name))
            if script is not None:
                return _without_comments(script)
        return None

    def _project(self, folder: str, name: str, tasks: list[str], excluded: set, built: list) -> str | None:
        root = self.root
        own = self._script(folder)
        if own is None:
            return None  # a project with no build file of its own (often the root) builds nothing
        # What the root applies to every project (allprojects, subprojects) counts for this one too.
        shared = ""
        if folder != root:
            root_script = self._script(root) or ""
            if re.search(r"\b(?:allprojects|subprojects)\s*\{", root_script):
                shared = root_script
        script = shared + "\n" + own
        moved = _OUTPUT_MOVED.search(script)
        if moved:
            return f"the build of {folder} sets `{moved.group(0)}`: cannot tell where the jar goes"
        settings = _archive_settings(script)
        if isinstance(settings, str):
            return f"cannot resolve the jar's name from the build of {folder}: {settings}"
        version = _VERSION.search(own) or _VERSION.search(shared)
        if version is None and (_VERSION_ANY.search(own) or _VERSION_ANY.search(shared)):
            return f"cannot resolve the version the build of {folder} sets (not a plain string)"
        if version is not None:
            version_text = version.group(2)
        else:
            properties = self.inv.site.files.read_text(posixpath.join(root, "gradle.properties")) or ""
            found = _PROPERTIES_VERSION.search(properties)
            version_text = found.group(1) if found else ""
        boot = bool(_PLUGIN_BOOT.search(script))
        shadow = bool(_PLUGIN_SHADOW.search(script))
        application = bool(_PLUGIN_APPLICATION.search(script)) or boot and "installDist" in tasks

        def jar_name(task: str, classifier: str) -> str:
            chosen = {**settings.get("*", {}), **settings.get(task, {})}
            if "archiveFileName" in chosen:
                return chosen["archiveFileName"]
            base = chosen.get("archiveBaseName") or chosen.get("archivesName") or chosen.get("archivesBaseName") or name
            version_part = chosen.get("archiveVersion", version_text)
            parts = [
                base,
                chosen.get("archiveAppendix", ""),
                "" if version_part == "unspecified" else version_part,
                chosen.get("archiveClassifier", classifier),
            ]
            return "-".join(p for p in parts if p) + ".jar"

        libs = posixpath.join(folder, "build", "libs")
        made: list[tuple[str, str, str, bool]] = []  # (kind, path, task, runnable)
        wanted = set(tasks) - excluded
        whole = bool(wanted & {"build", "assemble"})
        if (whole or "bootJar" in wanted) and boot:
            made.append(("jar", posixpath.join(libs, jar_name("bootJar", "")), "bootJar", True))
        if whole or "jar" in wanted:
            made.append(("jar", posixpath.join(libs, jar_name("jar", "plain" if boot else "")), "jar", False))
        if shadow and (whole or "shadowJar" in wanted):
            made.append(("jar", posixpath.join(libs, jar_name("shadowJar", "all")), "shadowJar", True))
        if "installDist" in wanted:
            if not application:
                return f"installDist needs the application plugin, which the build of {folder} does not apply"
            made.append(("dist", posixpath.join(folder, "build", "install", name), "installDist", True))
        if "installBootDist" in wanted:
            made.append(("dist", posixpath.join(folder, "build", "install", f"{name}-boot"), "installBootDist", True))
        for kind, path, task, runnable in made:
            built.append(_artifact(self.inv, kind, path, JvmDetails("gradle", task, runnable=runnable, module=folder)))
        return None


def _without_comments(text: str) -> str:
    """Groovy or Kotlin text with its comments blanked (strings kept: a URL's `//` is no comment)."""
    return _COMMENT_OR_STRING.sub(lambda m: m.group(0) if m.group(0)[0] in "\"'" else " ", text)


def _archive_settings(script: str) -> dict[str, dict[str, str]] | str:
    """The literal archive settings, by the task they configure (``*``: every
    jar task, from ``base {}``, ``withType<Jar>`` or the top level), or a
    reason naming the first setting whose value is not a literal."""
    out: dict[str, dict[str, str]] = {}
    literal: set[int] = set()
    for m in _ARCHIVE_LITERAL.finditer(script):
        out.setdefault(_task_of(script, m.start()), {})[m.group(1)] = m.group(3)
        literal.add(m.start())
    for m in _ARCHIVE_USE.finditer(script):
        if m.start() not in literal:
            line = script[: m.start()].count("\n") + 1
            return f"`{m.group(0)}` at line {line} is not set to a plain string"
    return out


def _task_of(script: str, position: int) -> str:
    """The jar task whose block encloses ``position``: the innermost block
    header that names one (``shadowJar {``, ``named<ShadowJar>("shadowJar")``,
    ``tasks.bootJar {``, ``jar {``), else ``*``."""
    depth = 0
    k = position
    while k > 0:
        k -= 1
        c = script[k]
        if c == "}":
            depth += 1
        elif c == "{":
            if depth:
                depth -= 1
                continue
            header = script[script.rfind("\n", 0, k) + 1 : k]
            if "withType" in header:
                return "*"
            if re.search(r"shadowJar|ShadowJar", header):
                return "shadowJar"
            if re.search(r"bootJar|BootJar", header):
                return "bootJar"
            if re.search(r"(?:^|[\s.(\"])jar\b|<Jar>", header):
                return "jar"
    return "*"
