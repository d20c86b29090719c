"""MSB301 beyond its fixtures: what BuildKit reads in every rewrite, how the
pass reads commands, scripts, ports and the build context, what it asks of
the catalog, generated files, and the real corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refactor import parse
from refactor.context import BuildContext
from refactor.engine import Status, refactor_text
from refactor.passes import PassContext, select
from refactor.passes.msb301_non_root import Leave, Plan, Refusal, assess, describe_base
from tests.conftest import buildkit_commands_of, needs_real_corpus, real_corpus_files

ROOT = Path(__file__).resolve().parents[2]
FIXED = sorted(p.parent for p in ROOT.glob("corpus/MSB301/*/Dockerfile.fixed"))
NUMERIC_USER = re.compile(r"^([0-9]+)(?::([0-9]+))?$")
PASS = select(["MSB301"])


def run(text: str, context: Path | None = None, unsafe: bool = False):
    ctx = BuildContext(str(context)) if context is not None else BuildContext("/nonexistent-context")
    return refactor_text(text, "Dockerfile", PASS, build_context=ctx, unsafe_fixes=unsafe)


def plan_of(text: str, context: Path | None = None, files: dict[str, str] | None = None):
    if files:
        for rel, body in files.items():
            (context / rel).parent.mkdir(parents=True, exist_ok=True)
            (context / rel).write_text(body)
    ctx = BuildContext(str(context)) if context is not None else BuildContext("/nonexistent-context")
    return assess(parse(text), PassContext("Dockerfile", ctx, False))


def last_user(commands: list[dict]) -> str | None:
    """The USER in effect at the end of the last stage, as BuildKit reads it."""
    user = None
    for c in commands:
        if c["cmd"].upper() == "FROM":
            user = None
        elif c["cmd"].upper() == "USER":
            user = c["value"][0]
    return user


def check_rewrite(before: str, after: str) -> None:
    """What every rewrite must be: BuildKit reads it, its last stage ends as a
    numeric non-root user, every input line is kept in order (a COPY or ADD
    may gain --chown with that user), and it adds only RUN and USER lines."""
    commands = buildkit_commands_of(after)
    user = last_user(commands)
    m = NUMERIC_USER.match(user or "")
    assert m and int(m.group(1)) != 0, user
    spec = user
    old_lines = before.splitlines()
    new_lines = after.splitlines()
    k = 0
    added = []
    for line in new_lines:
        if k < len(old_lines) and line == old_lines[k]:
            k += 1
        elif k < len(old_lines) and line.replace(f" --chown={spec}", "", 1) == old_lines[k]:
            assert re.match(r"^\s*(copy|add)\b", line, re.I), line
            k += 1
        else:
            added.append(line)
    assert k == len(old_lines), f"line {k + 1} of the input is not kept: {old_lines[k]!r}"
    starts = [ln for ln in added if not ln.startswith((" ", "\t"))]
    assert all(re.match(r"^(run|user) ", ln, re.I) for ln in starts), added
    # the ids the file creates and gives are the ones USER names
    for made in re.findall(r"(?:--uid|-u) ([0-9]+)", after):
        assert made == m.group(1)
    for given_to in re.findall(r"chown(?: -R)? ([0-9:]+)", " ".join(added)):
        assert given_to == spec


@pytest.mark.parametrize("case", FIXED, ids=[p.name for p in FIXED])
def test_every_fixture_rewrite_is_read_by_buildkit_as_a_numeric_non_root_user(case):
    check_rewrite(
        (case / "Dockerfile").read_bytes().decode("utf-8"), (case / "Dockerfile.fixed").read_bytes().decode("utf-8")
    )


# -- the catalog, as the pass reads it


@pytest.mark.parametrize(
    "image, family, own, nonroot, drops",
    [
        ("python:3.11-slim", "debian", None, False, False),
        ("alpine:3.19", "alpine", None, False, False),
        ("rockylinux:9", "rhel", None, False, False),
        ("node:18-slim", "debian", ("node", 1000, 1000), False, False),
        ("php:8.2-apache", "debian", ("www-data", 33, 33), False, False),
        ("gcr.io/distroless/static-debian12", "distroless", ("nonroot", 65532, 65532), False, False),
        ("gcr.io/distroless/static-debian12:nonroot", "distroless", ("nonroot", 65532, 65532), True, False),
        ("cgr.dev/chainguard/python:latest", "wolfi", ("nonroot", 65532, 65532), True, False),
        ("postgres:16", "debian", None, False, True),
        ("registry.example.com/team/app:1", None, None, False, False),
    ],
)
def test_describe_base_reads_the_catalog(image, family, own, nonroot, drops):
    base = describe_base(image)
    assert base.family == family
    assert base.own_user == own
    assert bool(base.nonroot) == nonroot and bool(base.drops) == drops


def test_created_user_commands_come_from_the_catalog_defaults():
    base = describe_base("debian:bookworm-slim")
    assert base.default_user == ("app", 10001, 10001)
    assert base.create_user[0] == "groupadd --system --gid 10001 app"
    assert "--uid 10001" in base.create_user[1] and "--no-create-home" in base.create_user[1]
    alpine = describe_base("alpine:3.19")
    assert "-D" in alpine.create_user[1].split() and "-H" in alpine.create_user[1].split()


def test_images_whose_program_needs_root_as_configured():
    assert describe_base("php:8.2-apache").port == 80 and describe_base("php:8.2-apache").as_is
    nginx = describe_base("nginx:1.25")
    assert nginx.port == 80 and not nginx.as_is
    assert isinstance(plan_of("FROM nginx:1.25\nCOPY site/ /usr/share/nginx/html/\n"), Refusal)


# -- what the command runs


@pytest.mark.parametrize(
    "lines, port",
    [
        ('CMD ["gunicorn", "-b", ":80", "app:app"]', 80),
        ('CMD ["gunicorn", "--bind=0.0.0.0:443", "app:app"]', 443),
        ('CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "80"]', 80),
        ('CMD ["java", "-Dserver.port=80", "-jar", "app.jar"]', 80),
        ('CMD ["python", "-m", "http.server", "80"]', 80),
        ("CMD python manage.py runserver 0.0.0.0:80", 80),
        ('ENV PORT=443\nCMD ["node", "server.js"]', 443),
        ('EXPOSE 80 8080\nCMD ["node", "server.js"]', 80),
        ('CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]', None),
        ('EXPOSE 8080\nCMD ["python", "-m", "http.server", "8080"]', None),
        ('CMD ["redis-cli", "-h", "cache:6379"]', None),
    ],
)
def test_privileged_ports_the_command_binds(lines, port):
    plan = plan_of(f"FROM python:3.11-slim\nCOPY . /app\n{lines}\n")
    assert isinstance(plan, Plan)
    assert [p for p, _ in plan.ports][:1] == ([port] if port else [])


def test_a_privileged_port_is_an_unsafe_fix_with_a_note():
    text = 'FROM python:3.11-slim\nCOPY . /app\nCMD ["gunicorn", "-b", "0.0.0.0:80", "app:app"]\n'
    r = run(text)
    assert r.status is Status.UNCHANGED and r.unsafe_available == 1
    assert "8080" in r.notes[0].message and "--unsafe-fixes" in r.notes[0].message
    r = run(text, unsafe=True)
    assert r.status is Status.CHANGED and r.changes[0].applicability == "unsafe"
    assert "port 80" in r.changes[0].reason and not r.notes


@pytest.mark.parametrize(
    "lines, reason",
    [
        ('CMD ["su-exec", "app", "server"]', "su-exec"),
        ("CMD exec gosu app server", "gosu"),
        ('ENTRYPOINT ["tini", "--", "setpriv", "--reuid=1000", "server"]', "setpriv"),
        ('CMD ["sh", "-c", "chown -R app /data && exec server"]', "chown"),
        ('CMD ["/usr/sbin/cron", "-f"]', "cron"),
        ("CMD service nginx start && tail -f /dev/null", "service"),
        ('CMD ["sh", "-c", "pip install -r requirements.txt && python app.py"]', "pip install"),
        ('CMD ["bash", "start.sh"]', "not in the build context"),
    ],
)
def test_commands_that_need_root_are_declined(lines, reason):
    found = plan_of(f"FROM python:3.11-slim\nWORKDIR /app\nCOPY app.py .\n{lines}\n")
    assert isinstance(found, Refusal) and reason in found.reason, found


def test_entrypoint_clears_an_earlier_stage_cmd_and_shell_form_reads_as_sh():
    # the base's CMD is gone once the stage sets an ENTRYPOINT; the ENTRYPOINT
    # in shell form is read with /bin/sh -c although the base's SHELL is unknown
    found = plan_of("FROM python:3.11-slim AS base\nCMD gosu app x\n\nFROM base\nENTRYPOINT python app.py\n")
    assert isinstance(found, Plan)
    found = plan_of("FROM python:3.11-slim\nENTRYPOINT gosu app python app.py\n")
    assert isinstance(found, Refusal) and "gosu" in found.reason


def test_entrypoint_scripts_are_found_through_the_copies(tmp_path):
    good = '#!/bin/sh\nset -e\necho starting >&2\nexec "$@"\n'
    bad = '#!/bin/sh\nif [ "$(id -u)" = 0 ]; then\n  exec su-exec app "$0" "$@"\nfi\nexec "$@"\n'
    cases = [
        # a bare name on PATH, copied into a directory
        ('COPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]', "docker-entrypoint.sh"),
        # a relative path, from a whole-context copy into WORKDIR
        ('WORKDIR /srv\nCOPY . .\nENTRYPOINT ["./bin/start.sh"]', "bin/start.sh"),
        # a glob copy
        ('COPY scripts/*.sh /opt/\nCMD ["/opt/run.sh"]', "scripts/run.sh"),
        # a script run by sh
        ('COPY run.sh /run.sh\nCMD ["sh", "/run.sh"]', "run.sh"),
    ]
    for k, (lines, script) in enumerate(cases):
        for body, ok in ((good, True), (bad, False)):
            ctx = tmp_path / f"{k}-{ok}"
            ctx.mkdir()
            found = plan_of(f"FROM alpine:3.19\n{lines}\n", ctx, {script: body})
            if ok:
                assert isinstance(found, Plan), (lines, found)
            else:
                assert isinstance(found, Refusal) and "su-exec" in found.reason and script in found.reason, found


def test_a_script_the_reader_cannot_read_is_scanned_for_commands(tmp_path):
    # `source` is not read by the shell reader; the gosu after it is still seen
    text = '#!/bin/bash\nsource /etc/profile\nif true; then exec gosu app "$@"; fi\n'
    found = plan_of('FROM debian:bookworm-slim\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n', tmp_path, {"e.sh": text})
    assert isinstance(found, Refusal) and "gosu" in found.reason


def test_an_empty_placeholder_script_is_not_read_as_harmless(tmp_path):
    found = plan_of('FROM debian:bookworm-slim\nCOPY e.sh /e.sh\nENTRYPOINT ["/e.sh"]\n', tmp_path, {"e.sh": ""})
    assert isinstance(found, Refusal) and "empty" in found.reason


# -- what the app writes


def test_writable_paths_and_their_evidence(tmp_path):
    text = (
        "FROM python:3.11-slim\n"
        "WORKDIR /app\n"
        "COPY . .\n"
        "RUN mkdir -p data/cache /opt/tool && mkdir -p /var/log/app\n"
        "VOLUME /srv/media\n"
        'CMD ["sh", "-c", "python app.py >> app.log 2>&1"]\n'
    )
    plan = plan_of(text, tmp_path, {"uploads/a.txt": "a", "app.py": "x", "app.db": ""})
    assert isinstance(plan, Plan)
    got = {w.path: (w.kind, w.recursive) for w in plan.writable}
    assert got == {
        "/srv/media": ("volume", False),
        "/app/data/cache": ("mkdir", False),  # `cache`: a data name; /opt/tool is not
        "/app/uploads": ("context", True),
        "/app": ("workdir", False),
        "/app/app.db": ("file", False),
    }


def test_the_ownership_run_goes_before_an_earlier_volume():
    r = run('FROM debian:bookworm-slim\nVOLUME /data\nRUN echo hi\nCMD ["x"]\n')
    lines = r.output.splitlines()
    assert lines.index("RUN mkdir -p /data && chown 10001:10001 /data") < lines.index("VOLUME /data")
    assert lines[-2:] == ["USER 10001:10001", 'CMD ["x"]']


def test_user_goes_after_the_last_build_step_and_metadata_stays_last():
    r = run(
        "FROM node:18-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 3000\nENV NODE_ENV=production\n"
        'HEALTHCHECK CMD ["node", "hc.js"]\nCMD ["node", "server.js"]\n'
    )
    assert r.output.splitlines()[3] == "USER 1000:1000"
    assert r.output.splitlines()[4:] == [
        "EXPOSE 3000",
        "ENV NODE_ENV=production",
        'HEALTHCHECK CMD ["node", "hc.js"]',
        'CMD ["node", "server.js"]',
    ]


@pytest.mark.parametrize(
    "text, kind",
    [
        ('FROM python:3.11-slim\nUSER nobody\nCMD ["x"]\n', "user-nonroot"),
        ("FROM gcr.io/distroless/static-debian12:nonroot\nCOPY x /x\n", "base-nonroot"),
        ("FROM jenkins/jenkins:lts\nCOPY plugins.txt /p.txt\n", "base-nonroot"),
    ],
)
def test_left_alone(text, kind):
    found = plan_of(text)
    assert isinstance(found, Leave) and found.kind == kind


def test_a_second_run_over_a_rewrite_changes_nothing():
    r = run('FROM ubuntu:22.04\nRUN apt-get update\nVOLUME /data\nCMD ["app"]\n')
    assert r.status is Status.CHANGED
    assert run(r.output).status is Status.UNCHANGED


# -- generated files

BASES = st.sampled_from(
    [
        "python:3.11-slim",
        "debian:bookworm-slim",
        "ubuntu:22.04",
        "alpine:3.19",
        "node:18-slim",
        "rockylinux:9",
        "busybox:1.36",
        "gcr.io/distroless/static-debian12",
        "scratch",
    ]
)
STEPS = st.sampled_from(
    [
        "RUN apt-get update && apt-get install -y curl",
        "RUN mkdir -p /app/data",
        "RUN mkdir -p /var/lib/app/uploads /tmp/x",
        "COPY app /app/app",
        "COPY seed.json /app/data/seed.json",
        "WORKDIR /app",
        "ENV PATH=/app/bin:$PATH",
        "EXPOSE 8080",
        "VOLUME /app/data",
        "# a comment",
        "",
        "ARG VERSION=1",
        "LABEL version=$VERSION",
    ]
)
TAILS = st.sampled_from(['CMD ["/app/app"]', 'ENTRYPOINT ["/app/app"]', "CMD /app/app --serve", ""])


@st.composite
def dockerfiles(draw):
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    lower = draw(st.booleans())
    lines = [f"FROM {draw(BASES)}", *draw(st.lists(STEPS, max_size=8)), draw(TAILS)]
    if lower:
        lines = [
            ln if ln.startswith("#") or not ln else ln.split(" ", 1)[0].lower() + " " + ln.split(" ", 1)[1]
            for ln in lines
        ]
    return nl.join(lines) + nl


@settings(max_examples=200, deadline=None)
@given(dockerfiles())
def test_generated_files(text):
    r = run(text)
    assert r.status is not Status.FAILED, r.error
    if r.status is not Status.CHANGED:
        return
    check_rewrite(text, r.output)
    assert run(r.output).status is Status.UNCHANGED  # stable
    nl = "\r\n" if "\r\n" in text else "\n"
    assert r.output.count(nl) == r.output.count("\n")  # the file's line ending throughout


# -- the real corpus


@needs_real_corpus
def test_real_corpus_outputs_are_read_by_buildkit():
    """Every file the pass changes reads back in BuildKit and ends as a
    numeric non-root user; nothing fails."""
    changed = 0
    for path in real_corpus_files():
        text = path.read_bytes().decode("utf-8", "replace")
        r = refactor_text(text, path.name, PASS, build_context=BuildContext("/nonexistent-context"))
        assert r.status is not Status.FAILED or "MSB301" not in (r.error or ""), (path.name, r.error)
        if r.status is Status.CHANGED:
            changed += 1
            user = last_user(buildkit_commands_of(r.output))
            assert user and NUMERIC_USER.match(user) and not user.startswith("0"), (path.name, user)
    assert changed > 100
