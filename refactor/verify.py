"""Build a Dockerfile and its rewrite, run both, and compare them.

This is what ``msb-refactor --verify`` calls (the end-to-end suite in
tests/e2e and ``bench/apps.py`` build on it; their own helpers, such as
looking for toolchains in an image, live in tests/images.py). It knows
nothing about the parser: it is a thin layer of subprocess calls around a
container engine,

* ``docker`` when a Docker daemon answers, else
* ``buildah`` (build) + ``podman`` (run, inspect) without any daemon, with
  ``--format docker`` (with ``oci`` buildah silently drops SHELL,
  HEALTHCHECK and ONBUILD) and ``--layers`` (one cached layer per
  instruction, as ``docker build`` does).

The Dockerfiles come from repositories one may not have written, so their
RUN steps are isolated as far as buildah allows (``BuildahEngine.
isolation_flags``; docs/cli.md says what this does and does not stop):
each runs in a container of its own (``--isolation oci``: own PID, mount,
IPC and UTS namespaces), with a network namespace of its own (``--network
private``: the internet through NAT, the host's loopback not at all).
Smoke runs have no network at all.

When the local base-image store made by ``scripts/make-bases.sh`` exists
(``$MSB_ORACLE_DIR``, default ``/var/lib/msb-refactor/oracle``), buildah and
podman are pointed at it and never pull: ``FROM python:3.11-slim`` resolves to
the local stand-in. Without it they use the machine's normal store and pull
as usual.

The entry point is :func:`verify`; it returns a :class:`VerifyReport` value and
raises only for misuse (no engine available), never because a build failed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TypeVar

import attrs

DEFAULT_STORE = Path("/var/lib/msb-refactor/oracle")
LOG_TAIL_CHARS = 6000
T = TypeVar("T")


class EngineUnavailable(RuntimeError):
    """Neither a Docker daemon nor buildah + podman can be used."""


# --------------------------------------------------------------------- values


@attrs.frozen
class BuildResult:
    ok: bool
    seconds: float
    log: str  # the tail of the build output when it failed, else ""
    created: tuple[str, ...] = ()  # image ids the build made (buildah --layers: one per step), for clean-up
    skipped: bool = False  # not built: the original did not build, so there was nothing to compare


@attrs.frozen
class SmokeResult:
    argv: tuple[str, ...]  # what was passed after the image ("()" = default command)
    exit_code: int  # -1 when it timed out
    stdout: str
    stderr: str
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.exit_code == -1


@attrs.frozen
class ImageReport:
    """What one Dockerfile built to, and what its image did."""

    label: str  # "original" or "rewritten"
    tag: str
    build: BuildResult
    size: int | None = None  # bytes, as the engine reports them
    user: str | None = None  # Config.User ("" means root)
    uid: int | None = None  # User resolved via the image's /etc/passwd
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    workdir: str | None = None
    smoke: SmokeResult | None = None

    @property
    def built(self) -> bool:
        return self.build.ok


@attrs.frozen
class VerifyReport:
    engine: str
    original: ImageReport
    rewritten: ImageReport

    @property
    def smoke_match(self) -> bool | None:
        """Same exit code and same stdout in both images; None if not run.
        A run cut short by the timeout proves nothing: never a match."""
        a, b = self.original.smoke, self.rewritten.smoke
        if a is None or b is None:
            return None
        if a.timed_out or b.timed_out:
            return False
        return a.exit_code == b.exit_code and a.stdout.rstrip() == b.stdout.rstrip()

    @property
    def size_ratio(self) -> float | None:
        """rewritten size / original size (smaller is better)."""
        if self.original.size and self.rewritten.size is not None:
            return self.rewritten.size / self.original.size
        return None

    @property
    def ok(self) -> bool:
        """Both built and, when a smoke command ran, behaved the same. When
        the original does not build, nothing is proved."""
        return self.original.built and self.rewritten.built and self.smoke_match is not False

    def summary(self) -> str:
        lines = [f"engine: {self.engine}"]
        for img in (self.original, self.rewritten):
            if img.build.skipped:
                lines.append(f"{img.label}: not built (the original does not build: nothing to compare with)")
                continue
            if not img.built:
                lines.append(f"{img.label}: BUILD FAILED after {img.build.seconds:.1f}s")
                lines += ["  | " + ln for ln in img.build.log.splitlines()[-25:]]
                continue
            lines.append(
                f"{img.label}: {human_size(img.size)} built in {img.build.seconds:.1f}s, "
                f"user={img.user or 'root'!r} uid={img.uid} "
                f"entrypoint={list(img.entrypoint or [])} cmd={list(img.cmd or [])}"
            )
            if img.smoke is not None:
                lines.append(f"  smoke exit={img.smoke.exit_code} stdout={img.smoke.stdout.rstrip()!r}")
        if self.size_ratio is not None:
            lines.append(f"size ratio rewritten/original: {self.size_ratio:.3f}")
        if self.smoke_match is not None:
            lines.append(f"smoke output matches: {self.smoke_match}")
        return "\n".join(lines)


# ------------------------------------------------------------------- helpers


def human_size(n: int | None) -> str:
    if n is None:
        return "?"
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.1f}{unit}" if unit != "B" else f"{n}B"
        size /= 1000
    raise AssertionError("unreachable")


def resolve_uid(user: str, passwd: str | None) -> int | None:
    """The uid a Config.User runs as, using the image's /etc/passwd for names."""
    name = user.split(":", 1)[0].strip()
    if name == "":
        return 0
    if name.isdigit():
        return int(name)
    for line in (passwd or "").splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[0] == name and fields[2].isdigit():
            return int(fields[2])
    return None


def _tail(text: str, limit: int = LOG_TAIL_CHARS) -> str:
    return text if len(text) <= limit else "...\n" + text[-limit:]


def store_dir() -> Path:
    return Path(os.environ.get("MSB_ORACLE_DIR", str(DEFAULT_STORE)))


# ------------------------------------------------------------------- engines


class Engine:
    """One container engine, driven through its CLI."""

    name = "?"

    def __init__(self) -> None:
        self.env = dict(os.environ)

    # -- overridden
    def build_argv(
        self, dockerfile: Path, context: Path, tag: str, no_cache: bool, build_args: Mapping[str, str]
    ) -> list[str]:
        raise NotImplementedError

    #: the docker-compatible CLI: run, create, export, image inspect, rmi
    cli = "docker"

    def run_flags(self) -> list[str]:
        return ["--network", "none", "--no-healthcheck"]

    # -- shared
    def _run(self, argv: Sequence[str], timeout: float | None = None, **kw) -> subprocess.CompletedProcess:
        return subprocess.run(list(argv), env=self.env, capture_output=True, text=True, timeout=timeout, **kw)

    def build(
        self,
        dockerfile: Path,
        context: Path,
        tag: str,
        *,
        no_cache: bool = False,
        build_args: Mapping[str, str] | None = None,
        timeout: float = 1800,
    ) -> BuildResult:
        argv = self.build_argv(dockerfile, context, tag, no_cache, build_args or {})
        t0 = time.monotonic()
        with tempfile.TemporaryFile("w+") as out:
            proc = subprocess.Popen(argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, text=True)
            try:
                rc = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _stop(proc)
                rc = -1
                out.write(f"\n[verify] build timed out after {timeout}s\n")
            except BaseException:  # Ctrl-C: let the engine remove its working container, then go
                _stop(proc)
                raise
            out.seek(0)
            log = out.read()
        secs = time.monotonic() - t0
        created = self.created_images(log)
        if rc != 0:
            return BuildResult(False, secs, _tail(f"$ {' '.join(argv)}\n{log}"), created)
        return BuildResult(True, secs, "", created)

    def created_images(self, log: str) -> tuple[str, ...]:
        """Image ids a build made, read from its output (none by default)."""
        return ()

    def inspect(self, tag: str) -> dict:
        p = self._run([self.cli, "image", "inspect", tag], timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"image inspect {tag}: {p.stderr.strip()}")
        data = json.loads(p.stdout)
        return data[0] if isinstance(data, list) else data

    def run(
        self, tag: str, argv: Sequence[str] = (), env: Mapping[str, str] | None = None, timeout: float = 120
    ) -> SmokeResult:
        name = f"msb-verify-{os.getpid()}-{time.monotonic_ns()}"
        cmd = [self.cli, "run", "--rm", "--name", name, *self.run_flags()]
        for k, v in (env or {}).items():
            cmd += ["-e", f"{k}={v}"]
        cmd += [tag, *argv]
        t0 = time.monotonic()
        try:
            p = self._run(cmd, timeout=timeout)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            # the client is gone, the container may not be
            self._run([self.cli, "rm", "-f", name], timeout=60)
            rc = -1
            out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            err = f"[verify] timed out after {timeout}s"
        return SmokeResult(tuple(argv), rc, out, _tail(err), time.monotonic() - t0)

    def read_files(self, tag: str, in_dir: Callable[[Path], T], in_tar: Callable[[IO[bytes]], T]) -> T:
        """Look at an image's filesystem: ``in_dir(root)`` when the engine can
        mount it, else ``in_tar(stream)`` over an export of it."""
        return self.export(tag, in_tar)

    def passwd(self, tag: str) -> str | None:
        """The text of the image's /etc/passwd (None without one)."""
        return self.read_files(tag, passwd_in_dir, passwd_in_tar)

    def export(self, tag: str, fn: Callable[[IO[bytes]], T]) -> T:
        """Call fn(tar stream) with the image's filesystem as a tar."""
        p = self._run([self.cli, "create", tag, "/msb-verify-not-run"], timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"create {tag}: {p.stderr.strip()}")
        cid = p.stdout.strip().splitlines()[-1]
        try:
            with subprocess.Popen(
                [self.cli, "export", cid], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            ) as proc:
                assert proc.stdout is not None
                result = fn(proc.stdout)
                proc.stdout.read()  # drain so export exits cleanly
            return result
        finally:
            self._run([self.cli, "rm", "-f", cid], timeout=120)

    def remove(self, *tags: str) -> None:
        if tags:
            self._run([self.cli, "rmi", "-f", *tags], timeout=300)

    def remove_created(self, ids: Sequence[str]) -> None:
        """Remove images a build made and left untagged (the steps of a
        stage other than the last), newest first. Not forced: an image
        another image now builds on (a concurrent build took it as its
        cache) stays."""
        if ids:  # one call: it goes on past an image that is gone or in use
            self._run([self.cli, "rmi", *reversed(ids)], timeout=300)


def _stop(proc: subprocess.Popen) -> None:
    """Ask a build to stop (SIGTERM: buildah then removes its working
    container), and kill it if it does not within 30 s."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class DockerEngine(Engine):
    name = "docker"

    def build_argv(self, dockerfile, context, tag, no_cache, build_args):
        argv = ["docker", "build", "--force-rm", "-f", str(dockerfile), "-t", tag]
        if no_cache:
            argv.append("--no-cache")
        for k, v in build_args.items():
            argv += ["--build-arg", f"{k}={v}"]
        return [*argv, str(context)]

    @staticmethod
    def available() -> bool:
        if not shutil.which("docker"):
            return False
        try:
            return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False


class BuildahEngine(Engine):
    """buildah builds, podman runs; both on the msb-refactor store if present."""

    name = "buildah"
    cli = "podman"

    def __init__(self, store: Path | None = None) -> None:
        super().__init__()
        self.store = store or store_dir()
        self.local_bases = (self.store / "conf" / "storage.conf").is_file()
        if self.local_bases:
            conf = self.store / "conf"
            self.env.update(
                CONTAINERS_STORAGE_CONF=str(conf / "storage.conf"),
                CONTAINERS_REGISTRIES_CONF=str(conf / "registries.conf"),
                CONTAINERS_CONF=str(conf / "containers.conf"),
                TMPDIR=str(self.store / "tmp"),
            )
            (self.store / "tmp").mkdir(parents=True, exist_ok=True)

    def isolation_flags(self) -> list[str]:
        """How RUN steps are confined (docs/cli.md, "What --verify runs").

        ``--isolation oci``: each RUN step is a runc container, with PID,
        mount, IPC and UTS namespaces of its own and runc's default
        capabilities (``chroot`` shares the host's namespaces, and sees its
        processes). ``--network private``: a network namespace of its own,
        reaching out through NAT, in which 127.0.0.1 is the container's own
        loopback, not the host's. As another user than root, buildah runs
        rootless: root in a step is that user. As root, a step's root is
        the host's root: a user namespace (``--userns-uid-map``) would make
        it an unprivileged uid, but buildah 1.28 then cannot read a file a
        RUN step wrote when a later stage copies it (``COPY --from``: "host
        ID 65534 cannot be mapped"), which every multi-stage rewrite does,
        and leaves layers that podman then cannot run with a user namespace.
        """
        isolation = "oci" if os.geteuid() == 0 else "rootless"
        return ["--isolation", isolation, "--network", "private"]

    def build_argv(self, dockerfile, context, tag, no_cache, build_args):
        # --force-rm: a failed build must not leave its working container
        # (and its overlay mount) behind
        argv = [
            "buildah",
            "bud",
            *self.isolation_flags(),
            "--format",
            "docker",
            "--layers",
            "--force-rm",
            "-f",
            str(dockerfile),
            "-t",
            tag,
        ]
        if self.local_bases:
            argv.append("--pull=never")
        if no_cache:
            argv.append("--no-cache")
        for k, v in build_args.items():
            argv += ["--build-arg", f"{k}={v}"]
        return [*argv, str(context)]

    def created_images(self, log: str) -> tuple[str, ...]:
        """buildah --layers prints ``--> <id>`` after each step it commits,
        and ``--> Using cache <id>`` before the id of a step it reused."""
        created: list[str] = []
        reused = False
        for line in log.splitlines():
            if line.startswith("--> Using cache "):
                reused = True
                continue
            m = _STEP_ID.match(line)
            if m:
                if not reused:
                    created.append(m.group(1))
                reused = False
        return tuple(created)

    def run_flags(self):
        # No user namespace here either (--uidmap): an image whose non-root
        # user logs to /dev/stderr (nginx) then cannot open it.
        flags = ["--network", "none", "--no-healthcheck"]
        return [*flags, "--pull=never"] if self.local_bases else flags

    def read_files(self, tag, in_dir, in_tar):
        # mounting the image (root) is much faster than streaming a tar of it
        p = self._run(["podman", "image", "mount", tag], timeout=120)
        if p.returncode != 0:
            return super().read_files(tag, in_dir, in_tar)
        try:
            return in_dir(Path(p.stdout.strip()))
        finally:
            self._run(["podman", "image", "unmount", tag], timeout=120)

    @staticmethod
    def available() -> bool:
        return bool(shutil.which("buildah") and shutil.which("podman"))


_STEP_ID = re.compile(r"--> ([0-9a-f]{6,64})$")


def pick_engine(prefer: str | None = None) -> Engine:
    """docker if a daemon answers, else buildah+podman. MSB_VERIFY_ENGINE
    (docker|buildah) or `prefer` forces one."""
    prefer = prefer or os.environ.get("MSB_VERIFY_ENGINE") or None
    if prefer not in (None, "docker", "buildah"):
        raise ValueError(f"unknown engine {prefer!r} (docker or buildah)")
    if prefer in (None, "docker") and DockerEngine.available():
        return DockerEngine()
    if prefer in (None, "buildah") and BuildahEngine.available():
        return BuildahEngine()
    wanted = prefer or "a Docker daemon or buildah+podman"
    raise EngineUnavailable(f"no container engine: {wanted} not available")


# -------------------------------------------------------------- inspection


def passwd_in_tar(stream: IO[bytes]) -> str | None:
    """/etc/passwd from a tar of an image's filesystem."""
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for m in tar:
            if m.name.removeprefix("./").lstrip("/") == "etc/passwd" and m.isfile():
                f = tar.extractfile(m)
                return f.read().decode("utf-8", "replace") if f else None
    return None


def passwd_in_dir(root: Path) -> str | None:
    """/etc/passwd of an image mounted at root (never through a symlink:
    it would resolve on the host; and only a regular file, of at most 1 MB:
    an image can hold a FIFO there)."""
    from .files import SMALL_FILE_LIMIT, read_limited

    path = root / "etc" / "passwd"
    if (root / "etc").is_symlink() or path.is_symlink():
        return None
    try:
        return read_limited(path, SMALL_FILE_LIMIT).decode("utf-8", "replace")
    except OSError:
        return None


def describe(
    engine: Engine,
    label: str,
    tag: str,
    build: BuildResult,
    *,
    smoke_cmd: Sequence[str] | None,
    smoke_env: Mapping[str, str] | None,
    run_timeout: float,
) -> ImageReport:
    if not build.ok:
        return ImageReport(label=label, tag=tag, build=build)
    info = engine.inspect(tag)
    cfg = info.get("Config") or {}
    user = cfg.get("User") or ""
    # A named user is resolved through the image's own /etc/passwd.
    passwd = engine.passwd(tag) if user.split(":", 1)[0].strip() not in ("", "root") else None
    smoke = None
    if smoke_cmd is not None or smoke_env:
        smoke = engine.run(tag, smoke_cmd or (), smoke_env, timeout=run_timeout)
    ep, cmd = cfg.get("Entrypoint"), cfg.get("Cmd")
    return ImageReport(
        label=label,
        tag=tag,
        build=build,
        size=info.get("Size"),
        user=user,
        uid=resolve_uid(user, passwd),
        entrypoint=tuple(ep) if ep is not None else None,
        cmd=tuple(cmd) if cmd is not None else None,
        workdir=cfg.get("WorkingDir") or "",
        smoke=smoke,
    )


def verify(
    original: Path,
    rewritten_text: str,
    context: Path,
    smoke_cmd: Sequence[str] | None = None,
    *,
    smoke_env: Mapping[str, str] | None = None,
    original_text: str | None = None,
    engine: Engine | None = None,
    tags: tuple[str, str] | None = None,
    keep_images: bool = False,
    no_cache: bool = False,
    fresh_rewrite: bool = False,
    build_timeout: float = 1800,
    run_timeout: float = 120,
) -> VerifyReport:
    """Build `original` and `rewritten_text` (a Dockerfile's text) with the same
    `context`, describe both images and run the smoke command in each.

    smoke_cmd: arguments after the image, as in `docker run IMAGE ARGS` (they
    replace CMD, ENTRYPOINT stays); [] runs the image's default command. With
    neither smoke_cmd nor smoke_env nothing is run. original_text: build this
    text as the original instead of the file (standard input, whose name is
    `original`); `<original>.dockerignore` still applies to both. The images
    are removed afterwards unless keep_images (then `tags` gives stable names,
    and their layers serve as a build cache for the next run). no_cache builds
    both without the layer cache; fresh_rewrite only the rewrite.
    """
    engine = engine or pick_engine()
    original, context = Path(original).resolve(), Path(context).resolve()
    if tags is None:
        h = hashlib.sha256(f"{original}\0{original_text}\0{rewritten_text}".encode()).hexdigest()[:12]
        tags = (f"localhost/msb-verify/{h}:original", f"localhost/msb-verify/{h}:rewritten")
    with tempfile.TemporaryDirectory(prefix="msb-verify-") as tmp:
        files = (
            {"rewritten": rewritten_text}
            if original_text is None
            else {"original": original_text, "rewritten": rewritten_text}
        )
        own_ignore = original.with_name(original.name + ".dockerignore")
        for label, text in files.items():
            (Path(tmp) / f"Dockerfile.{label}").write_bytes(text.encode("utf-8"))
            if own_ignore.is_file():  # BuildKit reads <Dockerfile>.dockerignore first
                shutil.copyfile(own_ignore, Path(tmp) / f"Dockerfile.{label}.dockerignore")
        original_file = original if original_text is None else Path(tmp) / "Dockerfile.original"
        reports: list[ImageReport] = []
        created: list[str] = []
        try:
            for label, df, tag in (
                ("original", original_file, tags[0]),
                ("rewritten", Path(tmp) / "Dockerfile.rewritten", tags[1]),
            ):
                if reports and not reports[0].built:  # nothing to compare the rewrite with
                    reports.append(ImageReport(label=label, tag=tag, build=BuildResult(False, 0.0, "", skipped=True)))
                    continue
                fresh = no_cache or (fresh_rewrite and label == "rewritten")
                b = engine.build(df, context, tag, no_cache=fresh, timeout=build_timeout)
                created += b.created
                reports.append(
                    describe(engine, label, tag, b, smoke_cmd=smoke_cmd, smoke_env=smoke_env, run_timeout=run_timeout)
                )
        finally:
            if not keep_images:  # kept images keep their steps too: the next run's cache
                engine.remove(*tags)
                engine.remove_created(created)
    return VerifyReport(engine=engine.name, original=reports[0], rewritten=reports[1])
