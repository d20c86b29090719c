"""MSB301: the final stage runs as a non-root user that exists and owns what the app writes."""

from __future__ import annotations

import functools
import os
import posixpath
import re
import shlex
from collections.abc import Iterable, Sequence

import attrs

from ..analysis import facts
from ..analysis.image import Unknown
from ..analysis.shell import POSIX_SHELLS, SimpleCommand, read_shell, run_script
from ..syntax.nodes import Add, CopyLike, Instruction, Onbuild, Run, User, Volume, make_instruction
from . import SAFE, Decline, Pass, unsafe


class NonRootUser(Pass):
    """
    ## What it does
    Makes the final stage run as a non-root user that exists in its image,
    chosen for the base image from the runtime catalog, and gives that user
    the directories the app visibly writes.

    The user, by base image (the catalog's data, `refactor/data/runtimes.toml`,
    described below):

    | base image | `USER` | created in the stage |
    | --- | --- | --- |
    | distroless (`gcr.io/distroless/*`) | `65532:65532`, the image's `nonroot` | nothing; the tag is left alone |
    | `scratch` | `65532:65532` | nothing: a numeric user needs no `/etc/passwd` |
    | an image with a user of its own (`node`: 1000, `php:*-apache`: `www-data` 33, `ubuntu:24.04`: 1000) | that user, by number | nothing |
    | Debian, Ubuntu (`python:3.12-slim`, `debian:bookworm-slim`, ...) | `10001:10001` | `groupadd --system` / `useradd --system --no-create-home` of `app` |
    | Alpine, BusyBox | `10001:10001` | `addgroup -S` / `adduser -S -D -H` of `app` |
    | RHEL, CentOS, Rocky, Fedora, UBI | `10001:10001` | `groupadd -r` / `useradd -r` of `app` (`ubi-minimal` installs `shadow-utils` first) |
    | a family where nothing can create a user (`ubi-micro`) | `10001:10001` | nothing |

    `USER` is always a number, so that Kubernetes' `runAsNonRoot` can check
    it. The user is created right after `FROM`, in a layer that stays
    cached; `USER` goes right after the stage's last build step (its last
    `RUN`, `COPY`, `ADD` or `WORKDIR`), so every build step still runs as
    root and `EXPOSE`, `CMD` and `ENTRYPOINT` stay where they are.

    What the app writes at run time is given to the user, in one `RUN
    [mkdir -p ...] && chown UID:GID ...` before the `USER` (before the
    stage's first `VOLUME` when one comes earlier: buildah and the classic
    builder drop what a later `RUN` changes in a volume):

    - `VOLUME` targets;
    - folders the stage creates by these names: `data`, `uploads`,
      `upload`, `media`, `storage`, `logs`, `log`, `tmp`, `cache`, `db`,
      `sessions` (`RUN mkdir -p /app/data`);
    - such folders of the build context that a whole-folder `COPY` brings
      (`COPY . .` with `uploads/`, Rails' `log/` `tmp/` `storage/` `db/`),
      with `chown -R`: their files are the app's data;
    - a directory the command writes to (`mkdir -p /run/app`, `>
      /var/log/app/out.log`), and the `WORKDIR` itself, not its contents,
      when the command writes a relative path (`> worker.log`, `manage.py
      migrate`), with the SQLite files (`*.db`, `*.sqlite3`) the context
      copies into it.

    A `COPY` or `ADD` into one of these directories gets `--chown`.
    Everything else stays owned by root: the app reads its code, it does
    not change it. On an image without a shell (distroless, scratch) a
    directory can only be given by the `COPY --chown` that creates it;
    otherwise the pass declines.

    It leaves the stage alone, with the reason:

    - already non-root: a non-root `USER` in the file, or a base the
      catalog says runs as non-root (distroless `:nonroot`, Chainguard,
      Bitnami, jenkins) — a note, no change;
    - the stage switches users on purpose: a non-root `USER` before a
      later `USER root`, a user it creates (`useradd`, `adduser`) and never
      switches to, `USER` from a build argument;
    - the image or the command drops privileges itself: the catalog's
      `drops-privileges` images (postgres, mysql, mariadb, mongo, redis,
      rabbitmq ...), `gosu`, `su-exec`, `setpriv`, `su`, `chroot` in the
      command or its entrypoint script;
    - something needs root: an entrypoint script that runs `chown`,
      `apt-get`, `useradd` or writes under `/etc`; a command that is
      `sshd`, `cron`, `service`, `supervisord`; packages installed at run
      time (`npm install`, `pip install` in `CMD`); nginx and httpd, whose
      master binds port 80 and writes root's directories (the catalog's
      note names `nginxinc/nginx-unprivileged`); `manage.py migrate` at
      build time (a root-owned SQLite file whose path is in the settings);
    - it cannot see: an entrypoint script that is not in the build context
      (or is empty there), a base image the catalog does not know, a base
      set by a build argument, a Windows image, a non-POSIX `SHELL` where a
      `RUN` is needed, `ONBUILD` triggers (they would run as the new user
      in every image built from this one), a directory a distroless or
      scratch stage cannot be given.

    ### The catalog's user data

    The pass reads three parts of `refactor/data/runtimes.toml`
    (`refactor.catalog`: `family(image)`, `user_of(image)`):

    ```toml
    [defaults]                 # the user created where a base has none
    user = "app"
    group = "app"
    uid = 10001
    gid = 10001

    [family.alpine]            # how to create it, per family ({user} {group} {uid} {gid})
    shell = true
    create-user = [
        "addgroup -S -g {gid} {group}",
        "adduser -S -D -H -u {uid} -G {group} -s /sbin/nologin {user}",
    ]

    [[user]]                   # images with a user of their own; the first match wins
    match = ["node", "node:*"] # globs on REPOSITORY or REPOSITORY:TAG (docker.io/library/ removed)
    kind = "own-user"          # own-user: USER it; non-root: it runs as it already;
    user = "node"              # drops-privileges: its entrypoint switches by itself
    uid = 1000
    gid = 1000
    reason = "the node image has the node user (1000)"
    ```

    An image is matched to a family by the catalog's entries for it, else
    by its `[[family-rule]]` globs; a user adds or overrides entries in
    `[tool.msb-refactor.runtimes]`.

    ## Why
    A process running as root in a container is root on the kernel it
    shares with the host: a container breakout, a mounted host path or a
    granted capability turns an application bug into a host compromise.
    Scanners flag it and admission controllers (`runAsNonRoot`) refuse it.
    Done naively the fix breaks the image: `USER nonroot` where no such
    user exists fails at start, an app that writes its data folder under
    a root-owned path fails at its first write, a server that binds port
    80 fails to bind, `adduser` on Alpine without `-D` stops the build at a
    password prompt, and a user given by name cannot be checked by
    `runAsNonRoot`.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY app.py .
    RUN mkdir -p /app/data
    EXPOSE 8000
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    RUN groupadd --system --gid 10001 app \\
        && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY app.py .
    RUN mkdir -p /app/data
    RUN chown 10001:10001 /app/data
    USER 10001:10001
    EXPOSE 8000
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    ```

    ## Fix safety
    Safe: every build step still runs as root, the user exists in the
    image (created in the stage, or the image's own), and what the app
    visibly writes is given to it. What the pass cannot see may still
    break: an app that writes somewhere else (its own code, a path set in
    a configuration file, `compileall` at start), or reads a file only
    root may read. `docker run --user` and a pod's `securityContext` still
    override the choice.

    When the app binds a port below 1024 (`EXPOSE 80`, `--bind 0.0.0.0:80`,
    `-p 80`, `ENV PORT=80`, `http.server 80`, or the `php:*-apache`
    default) the change is unsafe: a non-root process may bind such a port
    only where the runtime allows unprivileged low ports (Docker 20.10 and
    later do; Kubernetes and Podman do not by default). Without
    `--unsafe-fixes` the stage stays as it is and a note gives the fix:
    listen on 8080 and `EXPOSE` that (for Apache, `Listen` in
    `ports.conf`).
    """

    code = "MSB301"
    name = "non-root-user"
    # After the split (MSB101): its runtime stage is the final stage this pass
    # looks at, non-root already where its base has a user; and after MSB001,
    # whose exec-form commands it reads the same either way.
    runs_after = ("MSB001", "MSB101")
    changes_image = frozenset({"user"})

    def run(self, tree, ctx):
        out = self.outcome()
        found = assess(tree, ctx)
        if found is None:
            return out
        if isinstance(found, Refusal):
            return Decline(found.reason)
        if isinstance(found, Leave):
            if found.note:
                out.note(found.line, found.note)
            return out
        return _propose(self, out, tree, ctx, found)


# -- what the pass decides -------------------------------------------------------


@attrs.frozen
class Refusal:
    """The pass declines the file; ``kind`` is a stable category (bench)."""

    kind: str
    reason: str


@attrs.frozen
class Leave:
    """Nothing to do (the stage runs as non-root already), maybe with a note."""

    kind: str
    note: str | None = None
    line: int = 0


@attrs.frozen
class Target:
    """Who the stage will run as, and how that user comes to exist."""

    kind: str  # "distroless", "scratch", "image-user", "created", "numeric"
    uid: int | None
    gid: int | None
    name: str | None
    create: str | None = None  # the command creating the user (created only)

    @property
    def spec(self) -> str:
        """``USER`` and ``--chown`` text: by number when known."""
        if self.uid is None:
            return self.name or ""
        return f"{self.uid}:{self.gid}" if self.gid is not None else str(self.uid)


@attrs.frozen
class Writable:
    """A path the app writes at run time, and what shows it."""

    path: str
    evidence: str
    kind: str  # "volume", "mkdir", "context", "workdir", "file"
    recursive: bool = False
    exists: bool = True  # made by the build already (else `mkdir -p` makes it)
    after: Instruction | None = attrs.field(default=None, eq=False)  # last instruction that makes it


@attrs.frozen
class Plan:
    target: Target
    root_why: str
    image: str
    writable: tuple[Writable, ...]
    chown_copies: tuple[CopyLike, ...]
    ports: tuple[tuple[int, str], ...]  # privileged ports the app binds, with the evidence
    port_fix: str
    shell: bool


# -- the base image, as the catalog describes it ------------------------------------

# distroless' `nonroot`, and the id scratch gets: the same number everywhere.
NONROOT_ID = 65532


@attrs.frozen
class BaseFacts:
    """What this pass needs to know about a base image (from the catalog)."""

    image: str
    family: str | None  # None: the catalog does not know the image
    shell: bool
    create_user: tuple[str, ...]  # commands creating the default user; () when none can be
    default_user: tuple[str, int, int]  # (name, uid, gid) of the user to create
    own_user: tuple[str | None, int | None, int | None] | None = None  # (name, uid, gid) it has
    nonroot: str | None = None  # why the image runs as non-root already
    drops: str | None = None  # why the image starts as root and switches by itself
    note: str = ""  # what else running as its own user needs (the catalog's note)
    port: int | None = None  # a privileged port its default configuration binds
    as_is: bool = True  # False: its program cannot run as its user without a configuration change


# Asked of the catalog, not in it yet: the privileged port an image's default
# configuration binds, and whether its program runs as its own user as is.
# Until then these few, with the catalog's own patterns (its note says why).
_DEFAULT_PORTS = (
    (("nginx", "nginx:*"), 80, False),
    (("httpd", "httpd:*"), 80, False),
    (("php:*apache*",), 80, True),
)


def describe_base(image: str, catalog=None) -> BaseFacts:
    """The catalog's facts about ``image`` in the shape this pass uses:
    ``catalog`` is the one with the user's ``[runtimes]`` entries (the
    shipped one when None)."""
    from ..catalog import load_catalog

    return _describe_base(image, catalog if catalog is not None else load_catalog())


@functools.lru_cache(maxsize=1024)  # a catalog hashes by identity: one entry per catalog and image
def _describe_base(image: str, cat) -> BaseFacts:
    import fnmatch

    from ..catalog import parse_reference

    fam = cat.family(image)
    default = fam.default_user
    facts_ = BaseFacts(
        image,
        fam.name if fam.name != "unknown" else None,
        bool(fam.shell),
        tuple(fam.user_commands()),
        (default.user or "app", default.uid, default.gid if default.gid is not None else default.uid),
    )
    user = cat.user_of(image)
    if user is not None:
        if user.kind == "non-root":
            # its user too: a stage that switched to root goes back to it
            facts_ = attrs.evolve(facts_, nonroot=user.reason, own_user=(user.user, user.uid, user.gid))
        elif user.kind == "drops-privileges":
            facts_ = attrs.evolve(facts_, drops=user.reason)
        else:
            facts_ = attrs.evolve(facts_, own_user=(user.user, user.uid, user.gid), note=user.note)
    elif fam.nonroot is not None:
        facts_ = attrs.evolve(facts_, own_user=(fam.nonroot.user, fam.nonroot.uid, fam.nonroot.gid))
    ref = parse_reference(image)
    for patterns, port, as_is in _DEFAULT_PORTS:
        if any(fnmatch.fnmatchcase(ref.name if ":" in p else ref.repository, p) for p in patterns):
            facts_ = attrs.evolve(facts_, port=port, as_is=as_is)
    return facts_


# -- reading the stage ------------------------------------------------------------------

DATA_NAMES = frozenset(
    "data uploads upload media storage logs log tmp cache db sessions".split()  # run-time folders by name
)
# Directories never handed to the app user (a write there means the app needs root).
SYSTEM_DIRS = frozenset(
    "/ /bin /boot /dev /etc /home /lib /lib32 /lib64 /mnt /opt /proc /root /run /sbin /srv /sys /usr /usr/bin"
    " /usr/lib /usr/local /usr/local/bin /usr/local/lib /usr/sbin /usr/share /var /var/lib /var/run".split()
)
SYSTEM_PREFIXES = (
    "/etc/",
    "/bin/",
    "/sbin/",
    "/lib/",
    "/lib64/",
    "/boot/",
    "/root/",
    "/proc/",
    "/sys/",
    "/usr/bin/",
    "/usr/sbin/",
    "/usr/lib/",
    "/usr/libexec/",
    "/usr/include/",
    "/usr/local/bin/",
    "/usr/local/sbin/",
    "/usr/local/lib/",
)
WORLD_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/dev")
PRIVILEGE_DROPPERS = frozenset(
    "gosu su-exec setpriv runuser su sudo doas chroot s6-setuidgid setuidgid chpst capsh".split()
)
NEEDS_ROOT = frozenset(
    """apt-get apt aptitude dpkg apk yum dnf microdnf zypper rpm useradd adduser groupadd addgroup usermod
    groupmod chown chgrp mount umount sysctl setcap iptables ip6tables service systemctl update-rc.d
    update-ca-certificates ldconfig modprobe sshd cron crond rsyslogd syslogd init systemd supervisord
    visudo passwd chpasswd""".split()
    # Servers whose packaged configuration starts them as root (a master
    # process that writes /var/lib/nginx, /run/apache2, binds port 80):
    # under another user they fail at start, on any base image.
    + "nginx httpd apache2 apache2ctl apachectl php-fpm postfix".split()
)
INSTALLERS = {
    "npm": ("install", "i", "ci", "add", "update"),
    "yarn": ("install", "add", ""),
    "pnpm": ("install", "i", "add"),
    "pip": ("install",),
    "pip3": ("install",),
    "bundle": ("install",),
    "gem": ("install",),
    "composer": ("install", "require", "update"),
}
WRAPPERS = frozenset("exec nohup env tini dumb-init time nice ionice stdbuf catatonit".split())
MIGRATIONS = ("migrate", "collectstatic", "makemigrations")
PORT_FLAGS = frozenset("--port -p --http-port --server.port --listen-port --web-port".split())
BIND_FLAGS = frozenset("--bind -b --listen --address --addr --host-port -l".split())
PORT_ENV = re.compile(r"^(?:[A-Z0-9_]*_)?PORT$")
_HOST_PORT = re.compile(
    r"^(?:(?:[0-9]{1,3}\.){3}[0-9]{1,3}|localhost|\[[0-9a-fA-F:]*\]|\*|[a-zA-Z0-9.-]*)?:([0-9]{1,5})$"
)
SQLITE = re.compile(r"\.(?:sqlite3?|db)$")
# A command word at a command's place (line start, after ; & | ( or a keyword).
_ROOT_SCAN = re.compile(
    r"(^|[;&|(`]|\b(?:then|do|else|exec|sudo))\s*(?:[\w/.-]*/)?("
    + "|".join(re.escape(w) for w in sorted(PRIVILEGE_DROPPERS | NEEDS_ROOT, key=len, reverse=True))
    + r")(?![\w.-])",
    re.M,
)


def _is_root(user: str) -> bool:
    return user.split(":", 1)[0].strip() in ("", "root", "0")


def _windows(image: str) -> bool:
    low = image.lower()
    return any(w in low for w in ("windows/", "windowsservercore", "nanoserver", "servercore", "/windows:"))


def assess(tree, ctx) -> Plan | Refusal | Leave | None:
    """What the pass does to ``tree``'s final stage (None: no stage)."""
    f = facts(tree)
    final = f.stages.final
    if final is None:
        return None
    chain = f.stages.chain(final.index)
    stages = [info.stage for info in reversed(chain)]  # the root first
    root = chain[-1].base
    state = f.stage_state(final.index)
    image = root.image
    if image is None:
        return Refusal("unknown-base", f"the base image `{root.ref}` is not known here: {root.problem}")
    if _windows(image):
        return Refusal("windows", f"`{image}` is a Windows image: users work differently there")

    # -- who runs it now
    users = [ins for s in stages for ins in s.instructions if isinstance(ins, User)]
    user = state.user
    if isinstance(user, str) and not _is_root(user):
        return Leave("user-nonroot")
    base = describe_base(image, ctx.catalog()) if image != "scratch" else None
    if users:
        last = users[-1]
        if isinstance(user, Unknown) or "$" in last.rest:
            return Refusal(
                "user-variable",
                f"USER at line {last.line} is `{last.rest}`, set through a variable: the build decides who runs",
            )
        for u in users[:-1]:
            text = f.state_after(u).user
            if not isinstance(text, str) or not _is_root(text):
                return Refusal(
                    "switches-users",
                    f"the stage switches users on purpose (USER {u.rest} at line {u.line}, then USER {last.rest}"
                    f" at line {last.line}): left as it is",
                )
        root_why = f"USER {last.rest} at line {last.line}"
    elif image == "scratch":
        root_why = "FROM scratch runs as root"
    else:
        if base.nonroot:
            return Leave(
                "base-nonroot", f"left alone: {image} runs as non-root already ({base.nonroot})", stages[0].from_.line
            )
        root_why = f"no USER, and {image} runs as root"
    if base is not None and base.drops:
        return Refusal("drops-privileges", f"{image}: {base.drops}")

    final_stage = final.stage
    onbuild = next((i for i in final_stage.instructions if isinstance(i, Onbuild)), None)
    if onbuild is not None:
        return Refusal(
            "onbuild", f"ONBUILD at line {onbuild.line} would run as the new user in every image built FROM this one"
        )
    created = _created_user(f, stages)
    if created is not None:
        return created

    # -- whom it will run as
    target = _target(image, base)
    if isinstance(target, Refusal):
        return target
    shell = image != "scratch" and base.shell
    if target.kind == "created":
        bad = _non_posix(f.state_before(final_stage.from_).shell)
        if bad:
            return Refusal(
                "non-posix-shell", f"SHELL {bad} is not a POSIX shell: cannot run the command creating the user"
            )

    # -- what the command does
    context = ctx.build_context
    reader = _Reader(tree, f, context, stages, state)
    refused = reader.read_command()
    if refused is not None:
        return refused
    refused = reader.build_time_database(final_stage)
    if refused is not None:
        return refused

    writable = reader.writable(final_stage)
    if isinstance(writable, Refusal):
        return writable
    chown = tuple(_copies_into(f, final_stage, writable))
    if writable:
        if not shell:
            covered = {id(c): c for c in chown}
            missing = [
                w
                for w in writable
                if not any(_dest_of(f, c) == w.path and _is_dir_copy(c, context) for c in covered.values())
            ]
            if missing:
                w = missing[0]
                return Refusal(
                    "no-shell",
                    f"{image} has no shell to give {w.path} ({w.evidence}) to the user:"
                    f" create it in a build stage and `COPY --from=... --chown={target.spec}` it",
                )
        else:
            bad = _non_posix(state.shell)
            if bad:
                return Refusal(
                    "non-posix-shell", f"SHELL {bad} is not a POSIX shell: cannot give directories to the user"
                )
    ports = tuple(reader.ports(base))
    fix = (
        base.note if base is not None and base.note else "make it listen on a port from 1024 up (8080) and EXPOSE that"
    )
    return Plan(target, root_why, image, tuple(writable), chown, ports, fix, shell)


def _non_posix(shell) -> str | None:
    if isinstance(shell, tuple) and shell:
        name = posixpath.basename(shell[0])
        if name not in POSIX_SHELLS or "-c" not in shell[1:]:
            return " ".join(shell)
    return None


def _target(image: str, base: BaseFacts | None) -> Target | Refusal:
    if base is None:  # scratch
        return Target("scratch", NONROOT_ID, NONROOT_ID, None)
    if base.own_user is not None and (base.own_user[0] or base.own_user[1] is not None):
        name, uid, gid = base.own_user
        if not base.as_is:
            return Refusal("needs-root", f"{image}: {base.note or 'its program needs root as configured'}")
        return Target("distroless" if base.family == "distroless" else "image-user", uid, gid, name)
    if base.family is None:
        return Refusal(
            "unknown-base",
            f"`{image}` is not in the runtime catalog: cannot tell who it runs as or how to add a user to it",
        )
    name, uid, gid = base.default_user
    if base.create_user:
        return Target("created", uid, gid, name, " && ".join(base.create_user))
    # No way to create a user there (ubi-micro): a numeric USER needs no entry.
    return Target("numeric", uid, gid, None)


def _created_user(f, stages) -> Refusal | None:
    """A stage that creates a user and never switches to it: on purpose, for a
    program that drops privileges to it itself, or forgotten; not ours to tell."""
    for stage in stages:
        for ins in stage.instructions:
            if not isinstance(ins, Run):
                continue
            for cmd in _commands_of_run(f, ins, ("useradd", "adduser")):
                if cmd.name in ("useradd", "adduser"):
                    words = [w.literal or w.raw for w in cmd.argv[1:]]
                    name = next((w for w in reversed(words) if not w.startswith("-")), "a user")
                    return Refusal(
                        "creates-user",
                        f"RUN at line {ins.line} creates user {name} but the stage never switches to it"
                        f" (a program may drop privileges to it itself): add `USER <its uid>` if the app should run as it",
                    )
    return None


def _commands_of_run(f, ins: Run, needles: tuple[str, ...]) -> tuple[SimpleCommand, ...]:
    """The RUN's commands, when its text holds one of ``needles`` (reading
    shell costs; most RUNs hold none of the few commands asked about)."""
    text = ins.original
    if not any(n in text for n in needles):
        return ()
    shell = f.state_before(ins).shell
    return run_script(ins, shell if isinstance(shell, tuple) else None).commands


class _Reader:
    """What the final image's command does, and what it writes."""

    def __init__(self, tree, f, ctx, stages, state) -> None:
        self.tree, self.f, self.ctx, self.stages, self.state = tree, f, ctx, stages, state
        self.workdir = state.workdir if isinstance(state.workdir, str) else None
        self.workdir_writes: list[str] = []  # evidence that the command writes the WORKDIR
        self.dirs: list[tuple[str, str]] = []  # absolute directories the command writes, with evidence
        self.port_words: list[tuple[int, str]] = []
        self._copy_list: list[tuple[str, list[str | None], bool]] | None = None

    # -- the command
    def argv(self) -> tuple[tuple[str, ...] | None, str]:
        """What the container runs, as far as the file says: its ENTRYPOINT
        and CMD (BuildKit's rule: an ENTRYPOINT clears a CMD set before the
        stage), shell form under the SHELL in effect or, when the base's
        SHELL is not known, ``/bin/sh -c``."""
        entry: tuple | None | str = "base"
        cmd: tuple | None | str = "base"
        for stage in self.stages:
            cmd_set = False
            for ins in stage.instructions:
                if ins.name not in ("CMD", "ENTRYPOINT"):
                    continue
                if ins.is_exec_form:
                    words = tuple(ins.value)
                else:
                    shell = self.f.state_before(ins).shell
                    words = (*(shell if isinstance(shell, tuple) else ("/bin/sh", "-c")), " ".join(ins.value))
                if ins.name == "CMD":
                    cmd, cmd_set = words, True
                else:
                    entry = words
                    if not cmd_set:
                        cmd = None
        if isinstance(entry, tuple) and entry:
            return entry + (cmd if isinstance(cmd, tuple) else ()), "ENTRYPOINT"
        if isinstance(cmd, tuple) and cmd:
            return cmd, "CMD"
        return None, ""

    def read_command(self) -> Refusal | None:
        argv, what = self.argv()
        if not argv:
            return None
        return self._check(self._split(argv), what)

    def _split(self, argv: Sequence[str]) -> list[_Command]:
        """The commands ``argv`` runs: one, or those of a ``sh -c`` script."""
        first = posixpath.basename(argv[0])
        if first in POSIX_SHELLS and len(argv) >= 3 and argv[1].startswith("-") and argv[1].endswith("c"):
            return _commands(read_shell(argv[2]))
        return [_Command(list(argv), ())]

    def _check(self, commands: Sequence[_Command], where: str, script: str | None = None) -> Refusal | None:
        at = f"{where} runs" if script is None else f"the script {script} ({where}) runs"
        programs = [_unwrap(c.words) for c in commands]
        names = [posixpath.basename(w[0]) if w and w[0] is not None else None for w in programs]
        # the strongest reason first: a privilege drop explains any chown before it
        dropper = next((n for n in names if n in PRIVILEGE_DROPPERS), None)
        if dropper is not None:
            return Refusal("drops-privileges", f"{at} `{dropper}`: it drops privileges itself, so it starts as root")
        rooted = next((n for n in names if n in NEEDS_ROOT), None)
        if rooted is not None:
            return Refusal("needs-root", f"{at} `{rooted}`, which needs root")
        for command, words, name in zip(commands, programs, names, strict=True):
            for target in command.redirects:
                self._writes(posixpath.dirname(target) or ".", f"{at} `> {target}`")
            if name is None:
                continue
            sub = next((w for w in words[1:] if w is not None and not w.startswith("-")), "")
            if name in INSTALLERS and sub in INSTALLERS[name]:
                return Refusal(
                    "runtime-install",
                    f"{at} `{name} {sub}`: installing at run time needs a writable install directory; do it in a RUN",
                )
            if name in ("touch", "mkdir"):
                for w in words[1:]:
                    if w and not w.startswith("-"):
                        self._writes(w if name == "mkdir" else posixpath.dirname(w) or ".", f"{at} `{name} {w}`")
            if "manage.py" in [posixpath.basename(w or "") for w in words[:3]] and any(
                w in MIGRATIONS for w in words if w
            ):
                self.workdir_writes.append(f"{at} `manage.py {next(w for w in words if w in MIGRATIONS)}`")
            self._ports(words, at)
            refused = self._script(words, where, script)
            if refused is not None:
                return refused
        return None

    def _writes(self, target: str, evidence: str) -> None:
        if target.startswith("/dev/") or target.startswith("&"):
            return
        if not target.startswith("/"):
            self.workdir_writes.append(evidence)
            return
        self.dirs.append((posixpath.normpath(target), evidence))

    def _ports(self, words: list[str | None], at: str) -> None:
        name = posixpath.basename(words[0] or "")
        for k, w in enumerate(words):
            if w is None:
                continue
            flag, eq, value = w.partition("=")
            if not eq:
                flag, value = w, (words[k + 1] if k + 1 < len(words) else None)
            value = value or ""
            port = None
            if flag in PORT_FLAGS and value.isdigit():
                port = int(value)
            elif flag in BIND_FLAGS or (flag.startswith("-D") and flag.endswith(".port")):
                m = _HOST_PORT.match(value)
                port = int(m.group(1)) if m else (int(value) if value.isdigit() else None)
            elif k > 0 and not eq and (m := _HOST_PORT.match(w)) and ":" in w and not w.startswith("-"):
                port = int(m.group(1))
            elif k > 0 and w.isdigit() and name.startswith("python") and "http.server" in words[:k]:
                port = int(w)
            if port is not None and 0 < port < 1024:
                shown = f"http.server {w}" if w.isdigit() else w if eq or ":" in w else f"{flag} {value}"
                self.port_words.append((port, f"{at} `{shown}`"))

    # -- entrypoint scripts
    def _script(self, words: list[str | None], where: str, inside: str | None) -> Refusal | None:
        if inside is not None:
            return None  # one level: a script's own scripts are not followed
        prog = words[0]
        name = posixpath.basename(prog)
        path = prog
        via_shell = False
        if name in POSIX_SHELLS or name in ("zsh",):
            rest = [w for w in words[1:] if w is None or not w.startswith("-")]
            if not rest or rest[0] is None:
                return None
            path, via_shell = rest[0], True
        scriptish = via_shell or path.endswith((".sh", ".bash")) or "entrypoint" in posixpath.basename(path)
        rel = self._context_file(path)
        if rel is None:
            if scriptish:
                return Refusal(
                    "entrypoint-unreadable",
                    f"{where} runs {path}, a script that is not in the build context:"
                    " cannot tell whether it needs root (chown, gosu, writes under /etc)",
                )
            return None
        text = self.ctx.read_text(rel)
        if not text or not text.strip():
            return Refusal(
                "entrypoint-unreadable", f"{where} runs {path} (from {rel}), which is empty here: cannot read it"
            )
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        if first.startswith("#!") and not via_shell:
            interp = first[2:].split()
            names = [posixpath.basename(w) for w in interp[:2]]
            if not any(n in POSIX_SHELLS or n == "zsh" for n in names):
                return None  # a Python or Node script: not read as shell
        elif not scriptish and not via_shell and not text.isprintable() and "\x00" in text:
            return None  # a binary
        script = read_shell(text)
        refused = self._check(_commands(script), where, rel)
        if refused is not None:
            return refused
        if not script.understood:  # what the reader could not read: the words at a command's place
            scan = _ROOT_SCAN.search(_strip_comments(text))
            if scan is not None:
                word = scan.group(2)
                kind = "drops-privileges" if word in PRIVILEGE_DROPPERS else "needs-root"
                return Refusal(
                    kind, f"the script {rel} ({where}) may run `{word}` (in a part not read), which needs root"
                )
        return None

    def _context_file(self, path: str) -> str | None:
        """The build context file that lands at ``path`` (a program as the
        command names it: absolute, relative to WORKDIR, or found on PATH)."""
        if path.startswith("/"):
            candidates = [posixpath.normpath(path)]
        elif "/" in path:
            if self.workdir is None:
                return None
            candidates = [posixpath.normpath(posixpath.join(self.workdir, path))]
        else:
            env = dict(self.state.env)
            search = env.get("PATH") if isinstance(env.get("PATH"), str) else None
            dirs = (search or "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(":")
            candidates = [posixpath.join(d, path) for d in dirs if d.startswith("/")]
        for copy in reversed(self._copies()):
            for want in candidates:
                found = self._source_of(copy, want)
                if found is not None:
                    return found
        return None

    def _copies(self) -> list[tuple[str, list[str | None], bool]]:
        """(destination, sources, several) of each COPY/ADD from the context
        in the stage and the stages it is built on, expanded once."""
        if self._copy_list is None:
            self._copy_list = []
            for s in self.stages:
                for ins in s.instructions:
                    if not isinstance(ins, CopyLike) or ins.from_stage is not None:
                        continue
                    if isinstance(ins, Add) and ins.remote_sources:
                        continue
                    dest = _dest_of(self.f, ins)
                    if dest is None:
                        continue
                    sources = [_word(self.f, ins, src) for src in ins.sources]
                    self._copy_list.append((dest, sources, len(sources) > 1 or ins.destination.endswith("/")))
        return self._copy_list

    def _source_of(self, copy: tuple[str, list[str | None], bool], want: str) -> str | None:
        dest, sources, many = copy
        for src in sources:
            if src is None:
                continue
            clean = _clean(src)
            if clean == "" or self.ctx.is_dir(clean):
                prefix = dest.rstrip("/") + "/"
                if want.startswith(prefix):
                    cand = posixpath.join(clean, want[len(prefix) :]) if clean else want[len(prefix) :]
                    if self.ctx.is_file(cand):
                        return cand
                continue
            base = posixpath.basename(clean)
            if any(c in clean for c in "*?["):
                import fnmatch

                if posixpath.dirname(want) == dest.rstrip("/") and fnmatch.fnmatchcase(posixpath.basename(want), base):
                    cand = posixpath.join(posixpath.dirname(clean), posixpath.basename(want))
                    if self.ctx.is_file(cand):
                        return cand
                continue
            if want in ((posixpath.join(dest, base),) if many else (dest, posixpath.join(dest, base))):
                if self.ctx.is_file(clean):
                    return clean
        return None

    # -- build-time databases
    def build_time_database(self, stage) -> Refusal | None:
        for ins in stage.instructions:
            if not isinstance(ins, Run):
                continue
            for cmd in _commands_of_run(self.f, ins, ("manage.py",)):
                words = [w.literal or "" for w in cmd.argv]
                if "manage.py" in [posixpath.basename(w) for w in words[:3]] and "migrate" in words:
                    return Refusal(
                        "build-time-database",
                        f"RUN at line {ins.line} runs `manage.py migrate` at build time: the SQLite database it"
                        " creates is root's, and its path is in the settings; chown it, or migrate at start",
                    )
        return None

    # -- what the app writes
    def writable(self, stage) -> list[Writable] | Refusal:
        f, found = self.f, []
        volumes = self.state.volume
        declared = {}
        for s in self.stages:
            for ins in s.instructions:
                if isinstance(ins, Volume):
                    for p in ins.paths:
                        exp = _word(f, ins, p)
                        if exp is not None:
                            declared.setdefault(posixpath.normpath(exp), ins)
        for v in sorted(volumes, key=str):
            if not isinstance(v, str):
                return Refusal("volume-unknown", f"a VOLUME path is not known here ({v.reason})")
            path = posixpath.normpath(v)
            ins = declared.get(path)
            if ins is not None and all(ins is not i for i in stage.instructions):
                return Refusal(
                    "volume-inherited",
                    f"VOLUME {path} (line {ins.line}) is declared by an earlier stage: changes to it in this stage are dropped",
                )
            found.append(Writable(path, f"VOLUME at line {ins.line if ins else '?'}", "volume", exists=False))
        for s in self.stages:
            for ins in s.instructions:
                if isinstance(ins, Run):
                    found.extend(self._made_dirs(ins))
                elif isinstance(ins, CopyLike):
                    found.extend(self._context_dirs(ins))
        if self.workdir_writes:
            if self.workdir is None:
                return Refusal(
                    "workdir-unknown", f"{self.workdir_writes[0]} in the WORKDIR, which is not known here (the base's)"
                )
            found.append(Writable(self.workdir, self.workdir_writes[0], "workdir"))
        for path, evidence in self.dirs:
            found.append(Writable(path, evidence, "mkdir", exists=False))
        if any(w.kind == "workdir" or w.kind == "context" for w in found):
            found.extend(self._sqlite_files(found))
        out: list[Writable] = []
        for w in found:
            if w.path in WORLD_WRITABLE:
                continue  # anyone may write there already
            if w.path in SYSTEM_DIRS or (w.kind != "volume" and w.path.startswith(SYSTEM_PREFIXES)):
                return Refusal("system-path", f"{w.evidence}: the app writes {w.path}, which only root may own")
            same = next((o for o in out if o.path == w.path), None)
            if same is not None:
                merged = attrs.evolve(
                    same,
                    recursive=same.recursive or w.recursive,
                    exists=same.exists or w.exists,
                    after=same.after if w.after is None else w.after,
                )
                out[out.index(same)] = merged
                continue
            out.append(w)
        # a directory inside one given recursively is already given
        return [w for w in out if not any(o is not w and o.recursive and w.path.startswith(o.path + "/") for o in out)]

    def _made_dirs(self, ins: Run) -> list[Writable]:
        out = []
        env = self.f.run_environment(ins)
        wd = self.f.state_before(ins).workdir
        for cmd in _commands_of_run(self.f, ins, ("mkdir", "install -d")):
            if cmd.name not in ("mkdir", "install") or cmd.conditional:
                continue
            words = cmd.expanded(env) or []
            if cmd.name == "install" and "-d" not in words:
                continue
            for w in words[1:]:
                if w.startswith("-") or w == "":
                    continue
                path = w
                if not path.startswith("/"):
                    if not isinstance(wd, str) or cmd.cwd is None or cmd.cwd.startswith("/"):
                        base = cmd.cwd if cmd.cwd and cmd.cwd.startswith("/") else None
                        if base is None:
                            continue
                        path = posixpath.join(base, path)
                    else:
                        path = posixpath.join(wd, cmd.cwd, path)
                path = posixpath.normpath(path)
                if posixpath.basename(path) in DATA_NAMES:
                    out.append(Writable(path, f"created by RUN at line {ins.line}", "mkdir", after=ins))
        return out

    def _context_dirs(self, ins: CopyLike) -> list[Writable]:
        if ins.from_stage is not None:
            return []
        dest = _dest_of(self.f, ins)
        if dest is None:
            return []
        out = []
        for src in ins.sources:
            clean = _clean(_word(self.f, ins, src) or "\0")
            if clean != "" and not self.ctx.is_dir(clean):
                continue
            for name in sorted(DATA_NAMES):
                rel = posixpath.join(clean, name) if clean else name
                if self.ctx.is_dir(rel):
                    out.append(
                        Writable(
                            posixpath.join(dest, name),
                            f"the context's {rel}/ folder, copied by {ins.name} at line {ins.line}",
                            "context",
                            recursive=True,
                            after=ins,
                        )
                    )
        return out

    def _sqlite_files(self, found: list[Writable]) -> list[Writable]:
        out = []
        for s in self.stages:
            for ins in s.instructions:
                if not isinstance(ins, CopyLike) or ins.from_stage is not None:
                    continue
                dest = _dest_of(self.f, ins)
                if dest is None or not any(w.path == dest for w in found if w.kind == "workdir"):
                    continue
                for src in ins.sources:
                    clean = _clean(_word(self.f, ins, src) or "\0")
                    if clean != "" and not self.ctx.is_dir(clean):
                        continue
                    try:
                        names = sorted(os.listdir(os.path.join(self.ctx.root, clean)))
                    except OSError:
                        continue
                    for name in names:
                        rel = posixpath.join(clean, name) if clean else name
                        if SQLITE.search(name) and self.ctx.is_file(rel):
                            out.append(
                                Writable(
                                    posixpath.join(dest, name),
                                    f"SQLite file {rel} from the context, copied by {ins.name} at line {ins.line}",
                                    "file",
                                    after=ins,
                                )
                            )
        return out

    # -- ports
    def ports(self, base: BaseFacts | None) -> Iterable[tuple[int, str]]:
        seen = set()
        for port, evidence in self.port_words:
            if port not in seen:
                seen.add(port)
                yield port, evidence
        exposed = {}
        for stage in self.stages:
            for ins in stage.instructions:
                if ins.name == "EXPOSE":
                    for word in ins.value:
                        text = _word(self.f, ins, word) or ""
                        exposed.setdefault(text.partition("/")[0].partition("-")[0], ins.line)
        for spec in sorted(p for p in self.state.expose if isinstance(p, str)):
            number = spec.partition("/")[0]
            if number.isdigit() and 0 < int(number) < 1024 and int(number) not in seen:
                seen.add(int(number))
                yield int(number), f"EXPOSE {number} at line {exposed.get(number, '?')}"
        for name, value in self.state.env:
            if PORT_ENV.match(name) and isinstance(value, str) and value.isdigit():
                if 0 < int(value) < 1024 and int(value) not in seen:
                    seen.add(int(value))
                    yield int(value), f"ENV {name}={value}"
        if base is not None and base.port is not None and base.port not in seen:
            yield base.port, f"{base.image} listens on {base.port} by default"


def _unwrap(words: list[str | None]) -> list[str | None]:
    """Drop ``exec``, ``env A=b``, ``tini --`` and such before the program."""
    k = 0
    while k < len(words) and words[k] is not None:
        name = posixpath.basename(words[k])
        if name not in WRAPPERS:
            break
        k += 1
        while k < len(words) and words[k] is not None and (words[k].startswith("-") or "=" in words[k]):
            k += 1
    return words[k:]


@attrs.frozen
class _Command:
    """A command's literal words (None for a word that expands) and the
    files its output goes to."""

    words: list[str | None]
    redirects: tuple[str, ...]


def _commands(script) -> list[_Command]:
    out = []
    for cmd in script.commands:
        targets = tuple(
            r.target.literal
            for r in cmd.redirects
            if r.op in (">", ">>", ">|", "&>", "&>>") and r.target.literal and not r.target.literal.isdigit()
        )
        out.append(_Command([w.literal for w in cmd.argv], targets))
    return out


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _clean(src: str) -> str:
    clean = posixpath.normpath(src.lstrip("/")) if src.strip("/") else ""
    return "" if clean == "." else clean


def _word(f, ins: Instruction, word: str) -> str | None:
    """A word of ``ins`` as BuildKit expands it (None when not known here);
    a word without a variable, quote or escape is itself."""
    if not any(c in word for c in "$'\"" + ins.escape):
        return word
    return f.expander(ins)(word).text


def _dest_of(f, ins: CopyLike) -> str | None:
    """The absolute destination of a COPY or ADD (None when not known)."""
    if ins.destination is None:
        return None
    dest = _word(f, ins, ins.destination)
    if dest is None:
        return None
    if not dest.startswith("/"):
        wd = f.state_before(ins).workdir
        if not isinstance(wd, str):
            return None
        dest = posixpath.join(wd, dest)
    return posixpath.normpath(dest)


def _is_dir_copy(ins: CopyLike, ctx) -> bool:
    """The sources are one directory (its contents land in the destination)."""
    if len(ins.sources) != 1:
        return False
    src = ins.sources[0]
    if ins.from_stage is not None:
        return True  # a folder of a build stage, as a data directory's source is
    clean = _clean(src)
    return clean == "" or ctx.is_dir(clean)


def _copies_into(f, stage, writable: Sequence[Writable]) -> Iterable[CopyLike]:
    """The final stage's COPY/ADD whose files land in a directory the app writes."""
    dirs = [w.path for w in writable if w.kind in ("volume", "mkdir", "context")]
    for ins in stage.instructions:
        if not isinstance(ins, CopyLike) or ins.chown is not None or ins.heredoc_bodies:
            continue
        dest = _dest_of(f, ins)
        if dest is not None and any(dest == d or dest.startswith(d + "/") for d in dirs):
            yield ins


# -- the edit ---------------------------------------------------------------------------

_BUILD_STEPS = ("RUN", "COPY", "ADD", "WORKDIR", "USER", "FROM", "SHELL")


def _propose(p: Pass, out, tree, ctx, plan: Plan):
    f = facts(tree)
    stage = f.stages.final.stage
    target = plan.target
    spec = target.spec
    anchor = [i for i in stage.instructions if i.name in _BUILD_STEPS][-1]
    new_user = tree.instruction(f"USER {spec}")

    # Where the ownership RUN goes: after everything that makes those paths,
    # before the first VOLUME of the stage when one comes before the anchor
    # (buildah and the classic builder drop later changes to a volume).
    own = _ownership_command(plan.writable, spec) if plan.writable and plan.shell else None
    first_volume = next((i for i in stage.instructions if isinstance(i, Volume)), None)
    before_volume = None
    if own is not None and first_volume is not None and _index(stage, first_volume) < _index(stage, anchor):
        late = [
            w for w in plan.writable if w.after is not None and _index(stage, w.after) > _index(stage, first_volume)
        ]
        # (a COPY --chown after the VOLUME is kept: only what the RUN does would come too late)
        if late:
            line = late[0].after.line
            return Decline(
                f"VOLUME at line {first_volume.line} comes before line {line}, which fills a directory the app writes:"
                " its owner could not be changed after the VOLUME"
            )
        before_volume = first_volume

    message = _message(plan)
    if plan.ports:
        port, evidence = plan.ports[0]
        applicability = unsafe(
            f"the app binds port {port} ({evidence}): a non-root user may bind it only where the runtime allows"
            " unprivileged low ports (Docker 20.10+ does; Kubernetes and Podman do not by default)"
        )
        if not ctx.unsafe_fixes:
            out.note(
                anchor,
                f"left as root: the app binds port {port} ({evidence}), which needs root on most runtimes;"
                f" {plan.port_fix}, or apply this with --unsafe-fixes",
            )
    else:
        applicability = SAFE
    explicit = next((i for i in reversed(stage.instructions) if isinstance(i, User)), None)
    edit = out.change(message, applicability=applicability, at=explicit or anchor)

    tail: list = []
    create = tree.instructions_from(_continued(f"RUN {target.create}")) if target.create else ()
    if own is not None:
        run = tree.instructions_from(_continued(f"RUN {own}"))
        if before_volume is not None:
            edit.insert_before(before_volume, *run)
        else:
            tail.extend(run)
    tail.append(new_user)
    for copy in plan.chown_copies:
        edit.replace(copy, _with_chown(copy, spec))
    if create and anchor is stage.from_:
        edit.insert_after(anchor, *create, *tail)
    else:
        if create:
            edit.insert_after(stage.from_, *create)
        edit.insert_after(anchor, *tail)
    return out


def _index(stage, ins) -> int:
    for k, i in enumerate(stage.instructions):
        if i is ins:
            return k
    return -1


def _ownership_command(writable: Sequence[Writable], spec: str) -> str:
    dirs = [w.path for w in writable if not w.exists]
    flat = [w.path for w in writable if not w.recursive]
    deep = [w.path for w in writable if w.recursive]
    q = lambda paths: " ".join(shlex.quote(p) for p in paths)
    parts = []
    if dirs:
        parts.append(f"mkdir -p {q(dirs)}")
    if flat:
        parts.append(f"chown {spec} {q(flat)}")
    if deep:
        parts.append(f"chown -R {spec} {q(deep)}")
    return " && ".join(parts)


def _continued(text: str, width: int = 100) -> str:
    """A long `a && b` command over continuation lines, one command a line."""
    if len(text) <= width:
        return text
    return " \\\n    && ".join(text.split(" && "))


def _with_chown(ins: CopyLike, spec: str) -> CopyLike:
    """The same COPY/ADD with ``--chown=spec`` right after its keyword; every
    other byte kept."""
    first = ins.lines[0]
    at = re.match(r"[ \t]*\S+(?:[ \t]+--[^ \t]+)*", first.text).end()
    text = first.text[:at] + f" --chown={spec}" + first.text[at:]
    made = make_instruction((attrs.evolve(first, text=text),) + tuple(ins.lines[1:]), ins.heredoc_bodies, ins.escape)
    if made.chown != spec or made.value != ins.value:  # pragma: no cover - the builder's guarantee
        raise ValueError(f"--chown could not be added to line {ins.line}")
    return made


def _message(plan: Plan) -> str:
    t = plan.target
    if t.kind == "created":
        who = f"create system user {t.name} ({t.spec}) and switch to it by number"
    elif t.kind == "image-user":
        who = f"switch to the image's own user {t.name} ({t.spec})" if t.uid is not None else f"switch to user {t.name}"
    elif t.kind == "distroless":
        who = f"switch to the image's nonroot user ({t.spec})"
    elif t.kind == "numeric":
        who = f"run as {t.spec} (nothing in {plan.image} can create a user; a numeric USER needs no entry)"
    else:
        who = f"run as {t.spec} (a numeric USER needs no user database)"
    text = f"the final stage runs as root ({plan.root_why}): {who}"
    if plan.writable:
        text += "; give it " + ", ".join(f"{w.path} ({w.evidence})" for w in plan.writable)
    if plan.chown_copies:
        text += "; COPY --chown at line " + ", ".join(str(c.line) for c in plan.chown_copies)
    return text


__all__ = ["NonRootUser", "assess", "describe_base", "Plan", "Refusal", "Leave", "Target", "Writable", "BaseFacts"]
