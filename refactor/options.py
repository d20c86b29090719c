"""Every option of the main command, declared once.

``OPTIONS`` is the one list. From it come

* the fast argument reader (``refactor.cli.fast_args``, ``FAST_OPTIONS``),
* the typer command and its ``--help`` (``refactor.cli._main_app``),
* the configuration keys and how their values are checked
  (``refactor.config``: ``CONFIG_OPTIONS``),
* the settings a command line yields (``unset_settings``) and the value in
  force when neither the command line nor the configuration gives one
  (``Option.default``, ``resolve``).

Kinds (what the option takes, and its value when not given):

======== ===================================== ==================
kind     command line                           not given
======== ===================================== ==================
flag     no value; sets True                    False
switch   ``--x`` True, ``--no-x`` False          None
count    no value, repeatable (``-vv`` is 2)     0
value    one string (one of ``choices``)        None
int      an integer >= 1                        None
multi    a string, repeatable                   None
version  prints the version and exits           (not a setting)
======== ===================================== ==================

A configuration key takes the same values: ``switch`` a bool, ``multi`` a
list of strings (or one string), ``int`` an integer >= 1, ``value`` a
string (one of ``choices``). ``check_value`` holds the rules both share,
so a value is refused with the same words wherever it is given.

This module is imported on every run, before anything else: it imports
nothing.
"""

from __future__ import annotations

from typing import NamedTuple

KINDS = ("flag", "switch", "count", "value", "int", "multi", "version")


class Option(NamedTuple):
    dest: str  # the key in the settings dict
    flags: tuple[str, ...]  # "-w", "--write"
    kind: str  # one of KINDS
    help: str
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    config_key: str | None = None  # the key in [tool.msb-refactor]; None: command line only
    default: object = None  # in force when neither the command line nor the configuration sets it
    off_flags: tuple[str, ...] = ()  # switch: the flags that set False
    config_adds: bool = False  # multi: command-line entries are added to the configuration's
    relative_path: bool = False  # a configuration value is relative to the configuration file

    @property
    def takes_value(self) -> bool:
        return self.kind in ("value", "int", "multi")

    @property
    def display(self) -> str:
        """How messages name it: ``-j/--jobs``, ``--format``."""
        return "/".join(self.flags)

    @property
    def value_name(self) -> str | None:
        """The placeholder ``--help`` shows after the flags."""
        if self.choices:
            return "|".join(self.choices)
        return self.metavar

    def unset(self) -> object:
        """What the command line yields when the option is not given."""
        return {"flag": False, "count": 0}.get(self.kind)


PATHS_HELP = "Dockerfiles or directories to search; `-` reads standard input."

OPTIONS: tuple[Option, ...] = (
    Option("write", ("--write", "-w"), "flag", "Apply the changes to the files (atomically)."),
    Option("check", ("--check",), "flag", "Show no diff; exit 1 if any file would change."),
    Option(
        "fmt",
        ("--format",),
        "value",
        "Output: text (diffs), json, or sarif.",
        choices=("text", "json", "sarif"),
        config_key="format",
        default="text",
    ),
    Option(
        "select",
        ("--select",),
        "multi",
        "Run only these passes (codes or prefixes, comma-separated).",
        metavar="CODES",
        config_key="select",
    ),
    Option(
        "ignore",
        ("--ignore",),
        "multi",
        "Do not run these passes (codes or prefixes).",
        metavar="CODES",
        config_key="ignore",
        config_adds=True,
    ),
    Option(
        "unsafe_fixes",
        ("--unsafe-fixes",),
        "switch",
        "Also apply edits marked unsafe.",
        off_flags=("--no-unsafe-fixes",),
        config_key="unsafe-fixes",
        default=False,
    ),
    Option(
        "context",
        ("--context",),
        "value",
        "Build context directory (default: each Dockerfile's directory).",
        metavar="DIR",
        config_key="context",
        relative_path=True,
    ),
    Option(
        "exclude",
        ("--exclude",),
        "multi",
        "Leave out paths matching this gitignore-style pattern.",
        metavar="GLOB",
        config_key="exclude",
        config_adds=True,
    ),
    Option(
        "stdin_filename",
        ("--stdin-filename",),
        "value",
        "Name of the file read from `-` (messages, config, context).",
        metavar="PATH",
    ),
    Option("jobs", ("-j", "--jobs"), "int", "Parallel processes (default: all cores).", metavar="N", config_key="jobs"),
    Option("quiet", ("-q", "--quiet"), "flag", "Print only errors (and diffs in a dry run)."),
    Option("verbose", ("-v", "--verbose"), "count", "Also print notes, what discovery skipped, and applied changes."),
    Option(
        "config", ("--config",), "value", "Read settings from this file instead of searching for one.", metavar="FILE"
    ),
    Option("no_config", ("--no-config",), "flag", "Ignore configuration files."),
    Option(
        "buildkit_syntax",
        ("--buildkit-syntax",),
        "switch",
        "Allow passes to introduce BuildKit-only syntax (heredocs, RUN --mount, COPY --link) in files "
        "without a `# syntax=` line.",
        off_flags=("--no-buildkit-syntax",),
        config_key="buildkit-syntax",
        default=False,
    ),
    Option(
        "runtime",
        ("--runtime",),
        "value",
        "Base kind for the runtime stage of a split: distroless (where safe, else slim), slim, alpine.",
        choices=("distroless", "slim", "alpine"),
        config_key="runtime",
        default="distroless",
    ),
    Option(
        "test_stage",
        ("--test-stage",),
        "switch",
        "Move the RUN steps that only test out of a split's builder into a `test` stage (`--target test`).",
        off_flags=("--no-test-stage",),
        config_key="test-stage",
        default=False,
    ),
    Option(
        "bind_manifests",
        ("--bind-manifests",),
        "switch",
        "Where BuildKit syntax is allowed, bind-mount dependency manifests into their install's RUN "
        "instead of copying them first (MSB205).",
        off_flags=("--no-bind-manifests",),
        config_key="bind-manifests",
        default=False,
    ),
    Option(
        "color",
        ("--color",),
        "value",
        "Colour diffs: auto (on a terminal), always, never.",
        choices=("auto", "always", "never"),
        config_key="color",
        default="auto",
    ),
    Option(
        "verify",
        ("--verify",),
        "flag",
        "Build the original and the rewrite (docker or buildah) and compare them; "
        "a rewrite that does not build is not written.",
    ),
    Option(
        "verify_cmd",
        ("--verify-cmd",),
        "value",
        "With --verify: run CMD in both images and compare the output.",
        metavar="CMD",
    ),
    Option(
        "verify_env",
        ("--verify-env",),
        "multi",
        "With --verify: set this variable for the smoke run (repeatable); alone, runs the image's own command.",
        metavar="KEY=VALUE",
    ),
    Option("version", ("--version",), "version", "Print the version and exit."),
)

#: options that are settings (everything but --version)
SETTINGS: tuple[Option, ...] = tuple(o for o in OPTIONS if o.kind != "version")
#: configuration key -> option
CONFIG_OPTIONS: dict[str, Option] = {o.config_key: o for o in OPTIONS if o.config_key}


def unset_settings() -> dict:
    """The settings of a command line that gives only paths (none yet)."""
    out: dict = {"paths": []}
    for o in SETTINGS:
        out[o.dest] = o.unset()
    return out


def resolve(option: Option, given: object, config: dict) -> object:
    """The value in force: the command line's (``given``) unless it is
    unset, then the configuration's, then the default. ``config_adds``
    options take both lists."""
    from_config = config.get(option.config_key) if option.config_key else None
    if option.config_adds:
        return list(from_config or []) + list(given or [])
    if given is not None and given != []:
        return given
    if from_config is not None:
        return from_config
    return option.default


def check_config_value(option: Option, value: object) -> tuple[object, str | None]:
    """(the value, normalised) or (None, what is wrong with it) for a
    configuration key."""
    kind = option.kind
    if kind == "multi":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, "must be a list of strings"
    elif kind == "switch":
        if not isinstance(value, bool):
            return None, "must be true or false"
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return None, "must be an integer"
    elif kind == "value":
        if not isinstance(value, str):
            return None, "must be a string"
    else:  # pragma: no cover - a table error, caught by tests/test_options.py
        raise AssertionError(f"{option.dest}: a {kind} option cannot be a configuration key")
    return value, check_value(option, value)


def read_command_line_value(option: Option, text: str) -> tuple[object, str | None]:
    """(the value, None) or (None, what is wrong with it) for the text an
    option was given on the command line. An integer is written in plain
    digits (``-j 2``; not ``+2``, ``2.0`` or ``1_0``)."""
    if option.kind == "int":
        if not (text.isascii() and text.isdigit()):
            return None, f"must be a whole number, not {text!r}"
        value: object = int(text)
    else:
        value = text
    return value, check_value(option, value)


def check_value(option: Option, value: object) -> str | None:
    """What is wrong with a value of the right type, wherever it came from
    (command line or configuration file), or None: one rule, one message."""
    if option.kind == "int" and isinstance(value, int) and value < 1:
        return f"must be at least 1, not {value}"
    if option.choices and value not in option.choices:
        return f"must be one of {', '.join(option.choices)}, not {value!r}"
    return None
