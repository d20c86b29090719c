"""dotnet publish: the output folder, the entry assembly, web or console, self-contained."""

from __future__ import annotations

import pytest

HEAD = "FROM mcr.microsoft.com/dotnet/sdk:10.0\nWORKDIR /src\nCOPY . .\n"
WEB = '<Project Sdk="Microsoft.NET.Sdk.Web"><PropertyGroup><TargetFramework>net10.0</TargetFramework>{extra}</PropertyGroup></Project>'
CONSOLE = (
    '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType>'
    "<TargetFramework>net10.0</TargetFramework>{extra}</PropertyGroup></Project>"
)
LIBRARY = '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>'


def one(facts):
    assert not facts.unknown, facts.unknown
    (art,) = facts.builds
    return art.path, art.details.assembly


@pytest.mark.parametrize(
    "run, expected",
    [
        ("dotnet publish -c Release -o /app", ("/app", "Api")),
        ("dotnet publish Api.csproj -c Release -o out", ("/src/out", "Api")),
        ("dotnet publish --output=/app/publish --no-restore", ("/app/publish", "Api")),
        ("dotnet publish", ("/src/bin/Release/net10.0/publish", "Api")),
        ("dotnet publish -c Debug", ("/src/bin/Debug/net10.0/publish", "Api")),
        ("dotnet publish -r linux-x64", ("/src/bin/Release/net10.0/linux-x64/publish", "Api")),
        ("dotnet build -c Release -o /app/build", ("/app/build", "Api")),
    ],
)
def test_publish_folder(recognise, run, expected):
    facts = recognise(HEAD + f"RUN {run}\n", {"Api.csproj": WEB.format(extra="")})
    assert one(facts) == expected


def test_assembly_name_and_kinds(recognise):
    files = {"Tool.csproj": CONSOLE.format(extra="<AssemblyName>$(MSBuildProjectName).Cli</AssemblyName>")}
    (art,) = recognise(HEAD + "RUN dotnet publish -o /app\n", files).builds
    assert (art.details.assembly, art.details.web, art.details.self_contained) == ("Tool.Cli", False, False)
    (web,) = recognise(HEAD + "RUN dotnet publish -o /app --sc\n", {"Api.csproj": WEB.format(extra="")}).builds
    assert web.details.web and web.details.self_contained


def test_a_solution_publishes_its_executables(recognise):
    sln = (
        'Project("{FAE04EC0}") = "Api", "src\\Api\\Api.csproj", "{1}"\nEndProject\n'
        'Project("{FAE04EC0}") = "Lib", "src\\Lib\\Lib.csproj", "{2}"\nEndProject\n'
    )
    files = {"App.sln": sln, "src/Api/Api.csproj": WEB.format(extra=""), "src/Lib/Lib.csproj": LIBRARY}
    assert one(recognise(HEAD + "RUN dotnet publish App.sln -c Release -o /app\n", files)) == ("/app", "Api")


@pytest.mark.parametrize(
    "files, run, reason",
    [
        ({"A.csproj": LIBRARY, "B.csproj": LIBRARY}, "dotnet publish -o /app", "holds A.csproj, B.csproj"),
        ({"Lib.csproj": LIBRARY}, "dotnet publish -o /app", "no project it publishes is an executable"),
        (
            {
                "Api.csproj": WEB.format(extra="")
                .replace("TargetFramework>", "TargetFrameworks>")
                .replace("net10.0", "net8.0;net10.0")
            },
            "dotnet publish",
            "targets several frameworks",
        ),
        (
            {"Api.csproj": WEB.format(extra="<AssemblyName>$(Brand)</AssemblyName>")},
            "dotnet publish -o /app",
            "AssemblyName",
        ),
    ],
)
def test_reasons(recognise, files, run, reason):
    facts = recognise(HEAD + f"RUN {run}\n", files)
    assert not facts.builds and reason in facts.unknown[0]


@pytest.mark.parametrize("run", ["dotnet restore", "dotnet test", "dotnet build"])
def test_steps_that_publish_nothing(recognise, run):
    facts = recognise(HEAD + f"RUN {run}\n", {"Api.csproj": WEB.format(extra="")})
    assert not facts.builds and not facts.unknown and not facts.other


def test_publish_dir_property_is_the_output(recognise):
    facts = recognise(
        HEAD + "RUN dotnet publish -c Release -p:PublishDir=/out/\n", {"Api.csproj": WEB.format(extra="")}
    )
    assert one(facts) == ("/out", "Api")


def test_a_musl_publish_is_declined_by_the_split(tmp_path):
    from refactor.context import BuildContext
    from refactor.engine import refactor_text

    (tmp_path / "Api.csproj").write_text(WEB.format(extra=""))
    text = (
        "FROM mcr.microsoft.com/dotnet/sdk:10.0-alpine\nWORKDIR /src\nCOPY . .\n"
        'RUN dotnet publish -c Release -r linux-musl-x64 -o /app\nENTRYPOINT ["dotnet", "/app/Api.dll"]\n'
    )
    result = refactor_text(text, "Dockerfile", build_context=BuildContext(tmp_path))
    (reason,) = [n.message for n in result.notes if n.code == "MSB101"]
    assert "targets linux-musl-x64" in reason
