"""What each stage's image is, at every instruction, and the final image.

``stage_states(tree)`` walks every stage as BuildKit's ``dockerfile2llb``
dispatches it and gives the state before each instruction (and after the
last): WORKDIR, USER, SHELL, ENV, CMD, ENTRYPOINT, EXPOSE, VOLUME, LABEL,
HEALTHCHECK, STOPSIGNAL, and the variables in scope (ARG and ENV) for
expansion. ``final_config(tree)`` is the final stage's image config.

Values are what the image gets, not the text: expanded where BuildKit
expands, ``80`` read as ``80/tcp``, a shell-form CMD as the SHELL words
plus the text, relative WORKDIRs resolved. A value this file cannot
decide is an ``Unknown`` with the reason (stable text, no line numbers, so
equal inputs give equal values):

* A stage built FROM an external image inherits that image's config,
  which is not known here: ``base`` names the image, scalar fields not set
  in the file are ``Unknown("WORKDIR of base image python:3.12")``, and
  ENV, EXPOSE, VOLUME and LABEL list only what the file adds on top.
  ``FROM scratch`` starts from BuildKit's empty image: WORKDIR ``/``,
  USER ``""`` (root), SHELL ``/bin/sh -c``, ENV ``PATH`` (its default).
* A stage built FROM an earlier stage starts from that stage's final
  state, ARG values included (BuildKit passes them on, unlike the classic
  builder), except that CMD counts as not set in the new stage.
* A value that needs a build ARG without default, or an ENV of the base
  image, is unknown.

BuildKit rules followed (moby/buildkit ``dockerfile2llb/convert.go``):
ENTRYPOINT clears CMD unless a CMD came earlier in the same stage
(``dispatchEntrypoint``: ``if !d.cmd.IsSet { Config.Cmd = nil }``); all
pairs of one ENV or LABEL are expanded with the variables from before the
instruction, the names of one ARG one after the other; ARG and ENV set the
same variables, the later one wins; ``ARG NAME`` without default takes the
global ARG's value; an absolute WORKDIR is kept as written, a relative one
joined to the previous and cleaned (``system.NormalizeWorkdir``).

Left out: ONBUILD triggers (of a parent stage or of the base image),
MAINTAINER, Windows paths and shells.
"""

from __future__ import annotations

import operator
import posixpath
import re

import attrs

from ..syntax.nodes import (
    Arg,
    Cmd,
    Dockerfile,
    Entrypoint,
    Env,
    Expose,
    Healthcheck,
    Instruction,
    Label,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
)
from .expand import Expansion, Scope, Var, expand
from .stages import StageGraph, StageInfo, stage_graph

DEFAULT_SHELL = ("/bin/sh", "-c")
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@attrs.frozen
class Unknown:
    """A value this file does not decide; ``reason`` says what does."""

    reason: str


@attrs.frozen
class Health:
    """A HEALTHCHECK as the image config has it.

    ``test``: ``("NONE",)``, ``("CMD", arg, ...)`` or ``("CMD-SHELL",
    text)``. Durations are nanoseconds (0: inherit); a flag value BuildKit
    would refuse is kept as written (a str).
    """

    test: tuple[str, ...]
    interval: int | str = 0
    timeout: int | str = 0
    start_period: int | str = 0
    start_interval: int | str = 0
    retries: int | str = 0


Text = str | Unknown
Argv = tuple | None | Unknown  # tuple of str; None: not set


@attrs.frozen
class StageState:
    """A stage's image and variables at one point (see the module docstring)."""

    stage: int
    base: str | None  # the external image inherited from (None: the chain starts at scratch)
    workdir: Text
    user: Text
    shell: tuple | Unknown
    env: tuple[tuple[str, Text], ...]  # in the image's order
    cmd: Argv
    entrypoint: Argv
    expose: frozenset  # "80/tcp" ..., or Unknown for a port not known here
    volume: frozenset  # paths, or Unknown
    labels: tuple[tuple[str, Text], ...]
    healthcheck: Health | None | Unknown
    stopsignal: str | None | Unknown
    scope: Scope = attrs.field(repr=False)  # ARG and ENV for expansion
    cmd_set: bool = False  # a CMD came earlier in this stage

    @property
    def config(self) -> ImageConfig:
        return ImageConfig(
            entrypoint=self.entrypoint,
            cmd=self.cmd,
            env=tuple(sorted(self.env, key=_key)),
            expose=self.expose,
            workdir=self.workdir,
            user=self.user,
            volume=self.volume,
            stopsignal=self.stopsignal,
            healthcheck=self.healthcheck,
            labels=tuple(sorted(self.labels, key=_key)),
            shell=self.shell,
            base=self.base,
        )


def _key(pair: tuple) -> str:
    return pair[0]


_STATE_FIELDS = tuple(a.name for a in attrs.fields(StageState))
_state_values = operator.attrgetter(*_STATE_FIELDS)
_STATE_INDEX = {name: i for i, name in enumerate(_STATE_FIELDS)}


def _evolve(state: StageState, **changes) -> StageState:
    """``attrs.evolve`` for a StageState (one per instruction that sets
    something), without its generic machinery: half the time."""
    values = list(_state_values(state))
    for name, value in changes.items():
        values[_STATE_INDEX[name]] = value
    return StageState(*values)


@attrs.frozen
class ImageConfig:
    """The final image's configuration, compared by meaning.

    ``env`` and ``labels`` are sorted by name (the order of ENV lines
    changes nothing for a container); ``expose`` and ``volume`` are sets.
    With ``base`` set, the base image's own ENV, ports, volumes and labels
    come on top of these and are not known here.
    """

    entrypoint: Argv
    cmd: Argv
    env: tuple[tuple[str, Text], ...]
    expose: frozenset
    workdir: Text
    user: Text
    volume: frozenset
    stopsignal: str | None | Unknown
    healthcheck: Health | None | Unknown
    labels: tuple[tuple[str, Text], ...]
    shell: tuple | Unknown
    base: str | None


class StageStates:
    """Per stage, the state before each instruction and after the last."""

    def __init__(self, graph: StageGraph, states: dict[int, tuple[StageState, ...]]) -> None:
        self.graph = graph
        self.by_stage = states  # stage index -> states; [k] is before stage.instructions[k]
        self._positions: dict[int, tuple[int, int]] | None = None

    def _position(self, ins: Instruction) -> tuple[int, int]:
        positions = self._positions
        if positions is None:  # asked for many instructions: indexed by identity, once
            positions = self._positions = {
                id(n): (info.index, k)
                for info in self.graph
                for k, n in reversed(tuple(enumerate(info.stage.instructions)))
            }
        found = positions.get(id(ins))
        if found is not None and self.graph[found[0]].stage.instructions[found[1]] is ins:
            return found
        info = self.graph.stage_of(ins)
        if info is None:
            raise ValueError("the instruction is not in a stage of this Dockerfile")
        for k, n in enumerate(info.stage.instructions):
            if n is ins:
                return info.index, k
        raise ValueError("not an instruction of this Dockerfile")

    def before(self, ins: Instruction) -> StageState:
        stage, k = self._position(ins)
        return self.by_stage[stage][k]

    def after(self, ins: Instruction) -> StageState:
        stage, k = self._position(ins)
        return self.by_stage[stage][k + 1]

    def final(self, stage: int) -> StageState:
        """The stage's image once all its instructions ran."""
        return self.by_stage[stage][-1]


def stage_states(tree: Dockerfile, graph: StageGraph | None = None) -> StageStates:
    graph = graph if graph is not None else stage_graph(tree)
    out: dict[int, tuple[StageState, ...]] = {}
    for info in graph:
        state = _initial(info, out)
        states = [state]
        for ins in info.stage.instructions[1:]:  # [0] is the FROM
            state = _step(state, ins, graph.global_scope, tree.escape)
            states.append(state)
        # before the FROM and after it: the same state
        out[info.index] = (states[0], *states)
    return StageStates(graph, out)


def final_config(tree: Dockerfile) -> ImageConfig | None:
    """The image a build of ``tree`` (no ``--target``) produces; None without FROM."""
    from . import facts

    return facts(tree).final_config


# -- the walk -----------------------------------------------------------------


def _initial(info: StageInfo, done: dict[int, tuple[StageState, ...]]) -> StageState:
    if info.parent is not None:
        return _evolve(done[info.parent][-1], stage=info.index, cmd_set=False)
    edge = info.base
    if edge.image == "scratch":
        return StageState(
            info.index,
            None,
            "/",
            "",
            DEFAULT_SHELL,
            (("PATH", DEFAULT_PATH),),
            None,
            None,
            frozenset(),
            frozenset(),
            (),
            None,
            None,
            Scope({"PATH": Var("PATH", DEFAULT_PATH, "image default")}),
        )
    base = edge.image if edge.image is not None else edge.ref

    def unknown(what: str) -> Unknown:
        return Unknown(f"{what} of base image {base}")

    return StageState(
        info.index,
        base,
        unknown("WORKDIR"),
        unknown("USER"),
        # Docker's default on Linux. A base image may set another SHELL in its
        # config, but Linux images practically never do (Windows images do, and
        # no pass rewrites those); without this, a shell-form CMD would be
        # unknown on every external base and compare unequal across bases.
        DEFAULT_SHELL,
        (),
        unknown("CMD"),
        unknown("ENTRYPOINT"),
        frozenset(),
        frozenset(),
        (),
        unknown("HEALTHCHECK"),
        unknown("STOPSIGNAL"),
        Scope(base=base),
    )


def _text(exp: Expansion) -> Text:
    if exp.text is not None:
        return exp.text
    return Unknown(f"{exp.reason} (BuildKit fails the build)" if exp.error else exp.reason or "unknown")


def _step(state: StageState, ins: Instruction, global_scope: Scope, escape: str) -> StageState:
    handler = _HANDLERS.get(type(ins))
    if handler is None:
        return state  # RUN, COPY, ADD, ONBUILD, MAINTAINER: no config change
    return handler(state, ins, global_scope, escape)


def _env(state, ins, _global, escape):
    scope = state.scope
    env = list(state.env)
    for raw_key, raw_value in ins.pairs:  # every pair sees the variables from before the ENV
        key = expand(raw_key, state.scope, escape).text or raw_key
        exp = expand(raw_value, state.scope, escape)
        value = _text(exp)
        _put(env, key, value)
        scope = scope.set(Var(key, exp.text, "ENV", None if exp.known else value.reason, raw=raw_value, node=ins))
    return _evolve(state, env=tuple(env), scope=scope)


def _put(pairs: list, key: str, value) -> None:
    """BuildKit's addEnv: replace in place, else append."""
    for i, (k, _) in enumerate(pairs):
        if k == key:
            pairs[i] = (key, value)
            return
    pairs.append((key, value))


def _arg(state, ins, global_scope, escape):
    scope = state.scope
    for word in ins.value:  # one after the other: a later name sees an earlier one
        name, eq, raw = word.partition("=")
        if eq:
            exp = expand(raw, scope, escape)
            scope = scope.set(
                Var(name, exp.text, "ARG", _text(exp).reason if not exp.known else None, raw=raw, node=ins)
            )
        elif global_scope.get(name) is not None:
            scope = scope.set(global_scope.get(name))
        else:
            reason = f"ARG {name} has no default: only --build-arg {name} sets it"
            scope = scope.set(Var(name, None, "ARG", reason, node=ins))
    return _evolve(state, scope=scope)


def _workdir(state, ins, _global, escape):
    exp = expand(ins.path, state.scope, escape)
    if exp.text is None:
        return _evolve(state, workdir=_text(exp))
    path = exp.text
    current = state.workdir
    if path.startswith("/"):
        return _evolve(state, workdir=path)  # kept as written, not cleaned
    if isinstance(current, Unknown):
        return _evolve(state, workdir=Unknown(f"{path} relative to the {current.reason}"))
    return _evolve(state, workdir=_go_clean(posixpath.join(current or "/", path)) if path else current)


def _go_clean(path: str) -> str:
    """Go's path.Clean for an absolute path (normpath keeps a leading //)."""
    clean = posixpath.normpath(path)
    return "/" + clean.lstrip("/") if clean.startswith("//") else clean


def _user(state, ins, _global, escape):
    return _evolve(state, user=_text(expand(ins.rest, state.scope, escape)))


def _shell(state, ins, _global, escape):
    if not ins.is_exec_form or not ins.value:
        return _evolve(state, shell=Unknown("SHELL needs a non-empty JSON array (BuildKit fails the build)"))
    return _evolve(state, shell=tuple(ins.value))


def _argv(state: StageState, ins: Instruction) -> Argv:
    if ins.is_exec_form:
        return tuple(ins.value)
    text = " ".join(ins.value)  # BuildKit's handleJSONArgs + withShell
    if isinstance(state.shell, Unknown):
        return Unknown(f"{state.shell.reason} running {text!r}")
    return (*state.shell, text)


def _cmd(state, ins, _global, _escape):
    return _evolve(state, cmd=_argv(state, ins), cmd_set=True)


def _entrypoint(state, ins, _global, _escape):
    cmd = state.cmd if state.cmd_set else None  # dispatchEntrypoint: `if !d.cmd.IsSet { Cmd = nil }`
    return _evolve(state, entrypoint=_argv(state, ins), cmd=cmd)


def _expose(state, ins, _global, escape):
    ports = set(state.expose)
    for item in ins.ports:
        exp = expand(item, state.scope, escape)
        if exp.words is None:
            ports.add(_text(exp))
            continue
        for spec in exp.words:
            try:
                ports.update(port_specs(spec))
            except ValueError as e:
                ports.add(Unknown(f"EXPOSE {spec}: {e} (BuildKit fails the build)"))
    return _evolve(state, expose=frozenset(ports))


def _volume(state, ins, _global, escape):
    paths = set(state.volume)
    for item in ins.paths:
        value = _text(expand(item, state.scope, escape))
        paths.add(
            Unknown("VOLUME specified can not be an empty string (BuildKit fails the build)") if value == "" else value
        )
    return _evolve(state, volume=frozenset(paths))


def _label(state, ins, _global, escape):
    labels = list(state.labels)
    for raw_key, raw_value in ins.pairs:
        key = expand(raw_key, state.scope, escape).text or raw_key
        _put(labels, key, _text(expand(raw_value, state.scope, escape)))
    return _evolve(state, labels=tuple(labels))


def _stopsignal(state, ins, _global, escape):
    return _evolve(state, stopsignal=_text(expand(ins.signal, state.scope, escape)))


def _healthcheck(state, ins, _global, _escape):
    return _evolve(state, healthcheck=health_of(ins))


_HANDLERS = {
    Env: _env,
    Arg: _arg,
    Workdir: _workdir,
    User: _user,
    Shell: _shell,
    Cmd: _cmd,
    Entrypoint: _entrypoint,
    Expose: _expose,
    Volume: _volume,
    Label: _label,
    Stopsignal: _stopsignal,
    Healthcheck: _healthcheck,
}


# -- HEALTHCHECK and EXPOSE as BuildKit reads them ---------------------------


def health_of(ins: Healthcheck) -> Health | Unknown:
    """instructions.parseHealthcheck: the test and flags, or why it fails."""
    if not ins.value:
        return Unknown("HEALTHCHECK requires at least one argument (BuildKit fails the build)")
    kind = ins.value[0].upper()
    args = ins.value[1:]
    if kind == "NONE":
        if args:
            return Unknown("HEALTHCHECK NONE takes no arguments (BuildKit fails the build)")
        return Health(("NONE",))
    if kind != "CMD":
        return Unknown(f"unknown type {ins.value[0]!r} in HEALTHCHECK (BuildKit fails the build)")
    command = list(args) if ins.is_exec_form else ([" ".join(args)] if args else [])
    if not command:
        return Unknown("missing command after HEALTHCHECK CMD (BuildKit fails the build)")
    test = ("CMD", *command) if ins.is_exec_form else ("CMD-SHELL", command[0])
    return Health(
        test,
        _interval(ins.flag("interval")),
        _interval(ins.flag("timeout")),
        _interval(ins.flag("start-period")),
        _interval(ins.flag("start-interval")),
        _retries(ins.flag("retries")),
    )


_UNITS = {
    "ns": 1,
    "us": 10**3,
    "\u00b5s": 10**3,
    "\u03bcs": 10**3,
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)([^0-9.]*)")


def go_duration(text: str) -> int | None:
    """Go's time.ParseDuration in nanoseconds, or None where Go refuses it."""
    s = text
    negative = s[:1] == "-"
    if s[:1] in ("-", "+"):
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        return None
    from fractions import Fraction  # exact, as Go's integer arithmetic; rarely needed

    total = Fraction(0)
    pos = 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        number, unit = m.group(1), m.group(2)
        if number in ("", ".") or unit not in _UNITS:
            return None
        total += Fraction(number + ("0" if number.endswith(".") else "")) * _UNITS[unit]
        pos = m.end()
    ns = int(total)  # Go truncates below a nanosecond
    return -ns if negative else ns


def _interval(value: str | None) -> int | str:
    """parseOptInterval: "" is 0 (inherit); under 1ms (but not 0) is refused."""
    if not value:
        return 0
    ns = go_duration(value)
    if ns is None or (ns != 0 and ns < 10**6):
        return value
    return ns


def _retries(value: str | None) -> int | str:
    if not value:
        return 0
    if re.fullmatch(r"[+-]?[0-9]+", value) and 0 <= int(value) < 2**31:
        return int(value)
    return value


def port_specs(spec: str) -> list[str]:
    """dockerfile2llb parsePortSpec: ``[ip:][host:]port[-port][/proto]`` to
    the exposed ports (``8000-8001/UDP`` -> ``8000/udp``, ``8001/udp``).
    Raises ValueError as BuildKit refuses the spec."""
    parts = spec.split(":")
    if len(parts) == 1:
        ip, host, container = "", "", parts[0]
    elif len(parts) == 2:
        ip, host, container = "", parts[0], parts[1]
    elif len(parts) == 3:
        ip, host, container = parts
    else:
        ip, host, container = ":".join(parts[:-2]), parts[-2], parts[-1]
    port, _, proto = container.partition("/")
    proto = (proto or "tcp").lower() if port else ""
    if proto not in ("tcp", "udp", "sctp"):
        raise ValueError(f"invalid proto: {proto}")
    if ip:
        import ipaddress

        try:
            ipaddress.ip_address(ip[1:].partition("]")[0] if ip.startswith("[") else ip)
        except ValueError:
            raise ValueError(f"invalid IP address: {ip}") from None
    if not port:
        raise ValueError(f"no port specified: {spec}<empty>")
    start, end = _port_range(port)
    if host:
        h_start, h_end = _port_range(host)
        if end - start != h_end - h_start and end != start:
            raise ValueError(f"invalid ranges specified for container and host Ports: {port} and {host}")
    return [f"{p}/{proto}" for p in range(start, end + 1)]


def _port_range(text: str) -> tuple[int, int]:
    bounds = text.split("-") if "-" in text else [text, text]
    if len(bounds) != 2 or not all(re.fullmatch(r"[0-9]+", b) and int(b) <= 65535 for b in bounds):
        raise ValueError(f"invalid port range: {text}")
    start, end = int(bounds[0]), int(bounds[1])
    if end < start:
        raise ValueError(f"invalid range specified for port: {text}")
    return start, end
