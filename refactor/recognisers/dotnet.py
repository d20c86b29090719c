"""``dotnet publish`` (and ``dotnet build -o``): which project, into which folder.

The .NET SDK's rules ("dotnet publish", "MSBuild reference for .NET SDK
projects", "Output directory"):

* The project is the operand (a project file, a folder, or a solution),
  else the one project or solution file in the current folder.
* ``-o DIR`` writes there (relative to the current folder); without it,
  ``<project folder>/bin/<configuration>/<target framework>/[<RID>/]publish/``.
  The configuration is ``-c``, else Release for ``publish`` of a project
  targeting .NET 8 or later, else Debug.
* The entry assembly is ``<AssemblyName>.dll`` (the project file's name
  when it sets none); a project with ``Sdk="Microsoft.NET.Sdk.Web"`` is an
  ASP.NET Core app; ``--self-contained`` (``--sc``, ``SelfContained``)
  brings the runtime along, so only its native dependencies are needed.

Properties come from the project file, a ``Directory.Build.props`` above
it, and ``-p:Name=Value`` on the command line; a value the tool cannot read
to a literal (``$(Something)``) is a reason, never a guess.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET

import attrs

from .model import Artifact, Findings, TestStep
from .site import Arg, Invocation

COMMANDS = ("dotnet",)
PROJECT_SUFFIXES = (".csproj", ".fsproj", ".vbproj")
SOLUTION_SUFFIXES = (".sln", ".slnx")
_VALUED = frozenset(
    "-c --configuration -o --output -r --runtime -f --framework -a --arch --os -v --verbosity --version-suffix"
    " -s --source --manifest --property -bl --artifacts-path".split()
) - {"-bl"}
_PROPERTY = re.compile(r"\$\(([^)]+)\)")


@attrs.frozen
class DotnetDetails:
    """One project's publish. ``web``: an ASP.NET Core project (the Web SDK);
    ``self_contained``: the .NET runtime is in the output; ``invariant``:
    it runs without ICU (``InvariantGlobalization``)."""

    project: str  # the project file's image path
    assembly: str  # AssemblyName: the entry is <assembly>.dll (or the apphost <assembly>)
    framework: str | None
    web: bool
    executable: bool
    self_contained: bool = False
    single_file: bool = False
    aot: bool = False
    invariant: bool = False
    rid: str | None = None


def recognise(inv: Invocation) -> Findings | None:
    sub = inv.args[0].value if inv.args else None
    if sub == "test":
        return Findings(tests=(TestStep("dotnet", "test", inv.cwd, inv.cmd),))
    if sub in ("restore", "clean", "nuget", "--info", "--version", "--list-sdks", "dev-certs", "workload"):
        return Findings()
    if sub in ("publish", "build"):
        return _Publish(inv, sub).findings()
    return None


def _fail(inv: Invocation, why: str) -> Findings:
    return Findings(unknown=(f"`{inv.text}`: {why}",))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_properties(text: str) -> tuple[str, dict[str, str]] | str:
    """(the Sdk attribute, PropertyGroup values) of a project or props file."""
    try:
        root = ET.fromstring(text.lstrip("\ufeff"))
    except ET.ParseError as e:
        return f"cannot read the project file: {e}"
    props: dict[str, str] = {}
    for group in root:
        if _local(group.tag) != "PropertyGroup" or group.get("Condition"):
            continue
        for prop in group:
            if prop.get("Condition") is None:
                props[_local(prop.tag)] = (prop.text or "").strip()
    sdk = root.get("Sdk") or ""
    if not sdk:
        sdk_node = next((c for c in root if _local(c.tag) == "Sdk"), None)
        sdk = sdk_node.get("Name", "") if sdk_node is not None else ""
    return sdk, props


class _Publish:
    def __init__(self, inv: Invocation, verb: str) -> None:
        self.inv = inv
        self.verb = verb

    def findings(self) -> Findings:
        inv = self.inv
        values: dict[str, Arg] = {}
        switches: set[str] = set()
        props: dict[str, str] = {}
        operands: list[Arg] = []
        args = inv.args[1:]
        k = 0
        while k < len(args):
            arg = args[k]
            text = arg.value
            if text is None:
                if re.match(r"^[-/]p(?:roperty)?:", arg.raw):
                    k += 1
                    continue
                return _fail(inv, f"cannot read `{arg.raw}`: {inv.why(arg)}")
            prop = re.match(r"^(?:-p:|/p:|--property:|-property:)(.*)$", text)
            if prop:
                for pair in prop.group(1).split(";"):
                    key, _, value = pair.partition("=")
                    props[key.strip()] = value.strip()
            elif text in ("-p", "--property") and k + 1 < len(args):
                k += 1
                key, _, value = (args[k].value or "").partition("=")
                props[key.strip()] = value.strip()
            elif text.partition("=")[0] in _VALUED:
                key, eq, inline = text.partition("=")
                if eq:
                    values[key] = Arg(inline, arg.raw, arg.variables)
                elif k + 1 < len(args):
                    k += 1
                    values[key] = args[k]
            elif text in ("--self-contained", "--sc") and k + 1 < len(args) and args[k + 1].value in ("true", "false"):
                k += 1
                props["SelfContained"] = args[k].value or "true"
            elif text.startswith("-"):
                switches.add(text)
            else:
                operands.append(arg)
            k += 1
        out = values.get("-o") or values.get("--output")
        if self.verb == "build" and out is None:
            return Findings(tests=(TestStep("dotnet", "check", inv.cwd, inv.cmd),))
        if inv.cmd.conditional:
            return _fail(inv, "it runs only under a condition, so what it builds is not certain")
        if inv.cwd is None:
            return _fail(inv, inv.cwd_reason())
        for chosen in values.values():
            if chosen.value is None:
                return _fail(inv, f"cannot read `{chosen.raw}`: {inv.why(chosen)}")
        if "--self-contained" in switches or "--sc" in switches:
            props.setdefault("SelfContained", "true")
        if "--no-self-contained" in switches:
            props["SelfContained"] = "false"
        if len(operands) > 1:
            return _fail(inv, "more than one project")
        projects = self._projects(operands[0] if operands else None)
        if isinstance(projects, str):
            return _fail(inv, projects)
        built = []
        for project in projects:
            made = self._artifact(project, values, props, out)
            if isinstance(made, str):
                return _fail(inv, made)
            if made is not None:
                built.append(made)
        if not built:
            return _fail(inv, "no project it publishes is an executable")
        return Findings(builds=tuple(built))

    def _projects(self, operand: Arg | None) -> list[str] | str:
        inv = self.inv
        files = inv.site.files
        if operand is not None:
            if operand.value is None:
                return f"cannot read the project `{operand.raw}`: {inv.why(operand)}"
            path = inv.path(operand.value.replace("\\", "/"))
            if path is None:
                return inv.cwd_reason()
            if path.endswith(PROJECT_SUFFIXES):
                return [path]
            if path.endswith(SOLUTION_SUFFIXES):
                return self._solution(path)
            folder = path
        else:
            folder = inv.cwd
        names = [posixpath.basename(p) for p in files.files_under(folder) if posixpath.dirname(p) == folder]
        projects = [n for n in names if n.endswith(PROJECT_SUFFIXES)]
        solutions = [n for n in names if n.endswith(SOLUTION_SUFFIXES)]
        if len(projects) + len(solutions) != 1:
            found = ", ".join(projects + solutions) or "none"
            return f"cannot tell which project it publishes: {folder} holds {found}; name the project file"
        if solutions:
            return self._solution(posixpath.join(folder, solutions[0]))
        return [posixpath.join(folder, projects[0])]

    def _solution(self, path: str) -> list[str] | str:
        text = self.inv.site.files.read_text(path)
        if text is None:
            return f"cannot read {path}: it is not copied from the build context before this step"
        found = re.findall(r'"([^"]+\.(?:cs|fs|vb)proj)"', text) or re.findall(r'Path="([^"]+proj)"', text)
        folder = posixpath.dirname(path)
        return [posixpath.normpath(posixpath.join(folder, p.replace("\\", "/"))) for p in found]

    def _artifact(self, project: str, values: dict, cli: dict, out: Arg | None):
        files = self.inv.site.files
        text = files.read_text(project)
        if text is None:
            return f"cannot read {project}: it is not copied from the build context before this step"
        read = read_properties(text)
        if isinstance(read, str):
            return f"{project}: {read}"
        sdk, own = read
        props: dict[str, str] = {}
        folder = posixpath.dirname(project)
        directory = folder
        while True:  # Directory.Build.props: the nearest one above the project
            props_text = files.read_text(posixpath.join(directory, "Directory.Build.props"))
            if props_text is not None:
                found = read_properties(props_text)
                if not isinstance(found, str):
                    props.update(found[1])
                break
            if directory in ("/", ""):
                break
            directory = posixpath.dirname(directory)
        props.update(own)
        props.update(cli)
        name = posixpath.splitext(posixpath.basename(project))[0]
        builtins = {"MSBuildProjectName": name, "ProjectName": name, "TargetName": props.get("AssemblyName", name)}

        def value(key: str, default: str | None = None) -> str | None:
            raw = props.get(key)
            if raw is None or raw == "":
                return default
            resolved = _PROPERTY.sub(lambda m: builtins.get(m.group(1), props.get(m.group(1), "\0")), raw)
            return None if "\0" in resolved or "$(" in resolved else resolved

        web = sdk.strip().startswith("Microsoft.NET.Sdk.Web")
        # The Web and Worker SDKs make an executable by default; the plain SDK a library.
        app_sdk = web or sdk.strip().startswith("Microsoft.NET.Sdk.Worker")
        output_type = (value("OutputType") or ("Exe" if app_sdk else "Library")).lower()
        if output_type not in ("exe", "winexe"):
            return None  # a library: published beside the app, not run
        assembly = value("AssemblyName", name)
        if assembly is None:
            return f"cannot resolve the AssemblyName `{props.get('AssemblyName')}` of {project}"
        framework = values.get("-f") or values.get("--framework")
        framework_name = framework.value if framework is not None else value("TargetFramework")
        if framework_name is None and props.get("TargetFrameworks"):
            return f"{project} targets several frameworks ({props['TargetFrameworks']}); name one with -f"
        rid_arg = values.get("-r") or values.get("--runtime")
        rid = rid_arg.value if rid_arg is not None else value("RuntimeIdentifier")
        self_contained = (value("SelfContained") or "").lower() == "true"
        publish_dir = value("PublishDir") if self.verb == "publish" else value("OutputPath")
        if out is None and publish_dir:  # -p:PublishDir=/app: the same as -o
            out = Arg(publish_dir, publish_dir)
        if out is not None:
            path = self.inv.path(out.value.replace("\\", "/"))
        else:
            if framework_name is None:
                return f"cannot tell the target framework of {project}, so not where it publishes; use -o"
            configuration = values.get("-c") or values.get("--configuration")
            if configuration is not None:
                config_name = configuration.value
            else:
                major = re.match(r"net(\d+)", framework_name)
                modern = self.verb == "publish" and major is not None and int(major.group(1)) >= 8
                config_name = "Release" if modern else "Debug"
            parts = [folder, "bin", config_name, framework_name] + ([rid] if rid else [])
            parts.append("publish" if self.verb == "publish" else "")
            path = posixpath.normpath(posixpath.join(*parts))
        details = DotnetDetails(
            project=project,
            assembly=assembly,
            framework=framework_name,
            web=web,
            executable=True,
            self_contained=self_contained,
            single_file=(value("PublishSingleFile") or "").lower() == "true",
            aot=(value("PublishAot") or "").lower() == "true",
            invariant=(value("InvariantGlobalization") or "").lower() == "true",
            rid=rid,
        )
        variables = self.inv.variables(*(a for a in (out,) if a is not None))
        return Artifact("dotnet-publish", path, assembly, "dotnet", details, variables, self.inv.cmd)
