"""The Python installer recogniser (refactor/recognisers/pip.py): what each
command does to the Python environment, and the names a requirements or
lock file gives."""

from __future__ import annotations

import pytest

import refactor
from refactor.context import BuildContext
from refactor.recognisers import pip
from refactor.recognisers.site import RunSite
from refactor.syntax.nodes import Run


def steps(dockerfile: str, tmp_path) -> list:
    tree = refactor.parse(dockerfile)
    run = [i for i in tree.instructions if isinstance(i, Run)][-1]
    site = RunSite.of(tree, run, BuildContext(tmp_path))
    return [pip.recognise(inv) for inv in site.invocations()]


def one(dockerfile: str, tmp_path):
    found = [s for s in steps(dockerfile, tmp_path) if s is not None]
    assert len(found) == 1, found
    return found[0]


def test_pip_install_reads_requirements_constraints_and_cache_options(tmp_path):
    step = one(
        "FROM python:3.12\nWORKDIR /app\n"
        "RUN pip install --no-cache-dir -r requirements.txt --constraint=c/cons.txt -i https://x/simple gunicorn\n",
        tmp_path,
    )
    assert (step.kind, step.tool, step.target) == ("install", "pip", None)
    assert step.requirements == ("/app/requirements.txt", "/app/c/cons.txt")
    assert step.packages == ("gunicorn",)
    assert step.cache is False and step.problem is None


def test_python_m_pip_project_installs_and_their_targets(tmp_path):
    step = one("FROM python:3.12\nWORKDIR /src\nRUN python3 -m pip install -e '.[web]'\n", tmp_path)
    assert (step.project, step.editable, step.cache) == ("/src", True, True)
    assert one("FROM python:3.12\nRUN pip install --user flask\n", tmp_path).target == "user"
    assert one("FROM python:3.12\nRUN pip install -t /deps flask\n", tmp_path).target == "target"
    assert one("FROM python:3.12\nRUN /usr/local/bin/pip install flask\n", tmp_path).interpreter == "/usr/local/bin/pip"
    assert one("FROM python:3.12\nRUN pip install --upgrade pip setuptools\n", tmp_path).installers_only


def test_an_unknown_option_is_a_problem_not_a_guess(tmp_path):
    step = one("FROM python:3.12\nRUN pip install --frobnicate flask\n", tmp_path)
    assert "unknown option `--frobnicate`" in step.problem


def test_venvs_poetry_uv_pipenv_and_conda(tmp_path):
    venv = one("FROM python:3.12\nWORKDIR /w\nRUN python -m venv .venv\n", tmp_path)
    assert (venv.kind, venv.path) == ("venv", "/w/.venv")
    poetry = one("FROM python:3.12\nWORKDIR /app\nRUN poetry install --only main --no-root\n", tmp_path)
    assert (poetry.tool, poetry.project, poetry.requirements) == ("poetry", None, ("/app/poetry.lock",))
    assert one("FROM python:3.12\nRUN poetry config virtualenvs.create false\n", tmp_path).kind == "read-only"
    uv = one("FROM python:3.12\nWORKDIR /app\nRUN uv sync --frozen --no-dev\n", tmp_path)
    assert (uv.tool, uv.project, uv.editable) == ("uv", "/app", True)
    uv_pip = one("FROM python:3.12\nRUN uv pip install --system --no-cache -r /r.txt\n", tmp_path)
    assert (uv_pip.target, uv_pip.cache, uv_pip.requirements) == ("system", False, ("/r.txt",))
    assert "makes its own virtual environment" in one("FROM python:3.12\nRUN pipenv install\n", tmp_path).problem
    assert one("FROM python:3.12\nRUN pipenv install --system --deploy\n", tmp_path).problem is None
    assert (
        "conda environments are not supported" in one("FROM python:3.12\nRUN conda install numpy\n", tmp_path).problem
    )


def test_other_python_commands_are_not_installs(tmp_path):
    assert steps("FROM python:3.12\nRUN python manage.py collectstatic\n", tmp_path) == [None]
    assert one("FROM python:3.12\nRUN pip freeze\n", tmp_path).kind == "read-only"


@pytest.mark.parametrize(
    "path, text, names, includes",
    [
        (
            "/a/requirements.txt",
            "Flask[async]>=2  # web\n-r base.txt\n--hash=sha256:x\nzope.interface\n",
            ["flask", "zope-interface"],
            ["/a/base.txt"],
        ),
        ("/a/poetry.lock", '[[package]]\nname = "Django"\nversion = "5"\n', ["django"], []),
        ("/a/Pipfile.lock", '{"default": {"gunicorn": {}}, "develop": {"pytest": {}}}', ["gunicorn"], []),
        ("/a/pyproject.toml", '[project]\ndependencies = [\n    "httpx>=0.27",\n]\n', ["httpx"], []),
    ],
)
def test_requirement_names(path, text, names, includes):
    found, inc = pip.requirement_names(path, text)
    assert [n for n in found if n in names] == names
    assert inc == includes
