"""MSB101's Python split, piece by piece: the console scripts a project
declares, when a library is the same on two releases, and the runtime
preferences (the fixtures under corpus/MSB101/python-* hold the whole
rewrites)."""

from __future__ import annotations

import pytest

from refactor.context import BuildContext
from refactor.ecosystems import python
from refactor.engine import refactor_text
from refactor.passes import select

APP = (
    "FROM python:3.13\nWORKDIR /app\nCOPY . .\n"
    "RUN apt-get update && apt-get install -y libpq-dev && pip install -r requirements.txt\n"
    'CMD ["python", "app.py"]\n'
)


def split(tmp_path, text: str, **options):
    (tmp_path / "requirements.txt").write_text("psycopg2\n")
    (tmp_path / "app.py").write_text("import psycopg2\n")
    return refactor_text(text, "Dockerfile", select(["MSB101"]), build_context=BuildContext(tmp_path), **options)


def declined(result) -> str | None:
    return next((n.message for n in result.notes if n.code == "MSB101" and "declined" in n.message), None)


def test_the_scripts_a_project_declares():
    pyproject = '[project]\nname = "Tool"\n\n[project.scripts]\ntool = "t:main"\n"tool-admin" = "t:admin"\n'
    assert python._scripts_of("pyproject.toml", pyproject) == {"tool", "tool-admin"}
    poetry = '[tool.poetry]\nname = "svc"\n\n[tool.poetry.scripts]\nserve = "svc.main:run"\n'
    assert python._scripts_of("pyproject.toml", poetry) == {"svc", "serve"}
    setup_py = 'setup(name="x", entry_points={"console_scripts": ["xctl = x.cli:main"]})\n'
    assert python._scripts_of("setup.py", setup_py) == {"x", "xctl"}


def test_a_script_is_provided_by_its_distribution():
    assert python._provides("gunicorn", {"gunicorn"})
    assert python._provides("django-admin", {"django"})  # the data table
    assert not python._provides("django-admin", {"flask"})


@pytest.mark.parametrize(
    "package, built_on, same",
    [
        ("libpq-dev", "bookworm", True),  # libpq5 in both
        ("libssl-dev", "bookworm", True),  # libssl3 -> libssl3t64: the 64-bit time_t rename, one soname
        ("libicu-dev", "bookworm", False),  # libicu72 -> libicu76
        ("libpq-dev", "bullseye", False),  # a release the table does not cover
    ],
)
def test_a_library_is_the_same_on_the_runtimes_release(package, built_on, same):
    assert python._same_library(package, built_on, "trixie") is same


def test_python_313_is_not_put_on_distroless_and_the_message_says_why(tmp_path):
    result = split(tmp_path, APP)
    assert "FROM python:3.13-slim" in result.output
    assert "libpq5" in result.output and "libpq-dev" not in result.output.split("FROM python:3.13-slim")[1]
    assert any("not distroless: a virtual environment made in a python image" in c.message for c in result.changes)


def test_no_alpine_runtime_for_a_glibc_build(tmp_path):
    result = split(tmp_path, APP, runtime="alpine")
    assert "\nFROM python:3.13-slim\n" in result.output  # glibc wheels do not run on musl
    assert "; no alpine base fits: " in result.changes[0].message
