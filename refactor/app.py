"""The main command's work, once its arguments are read: resolve settings
(command line over configuration file over defaults), select the passes,
process every input, report, and choose the exit code.

``refactor.cli`` reads the command line into a settings dict
(``refactor.options.unset_settings`` shape) and calls ``execute``.
"""

from __future__ import annotations

import collections
import os
import re
import time

from .options import CONFIG_OPTIONS, resolve

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 123
_BY_DEST = {o.dest: o for o in CONFIG_OPTIONS.values()}  # the settings a configuration file can give


class UsageError(Exception):
    """A command line or configuration the command cannot run with (exit 2)."""


def execute(s: dict) -> int:
    """Run the main command with parsed settings; returns the exit code.
    Raises UsageError before any file is touched."""
    from .passes import SelectionError, select, split_codes
    from .runner import Mode, Options, default_jobs

    paths: list[str] = s["paths"]
    check_command_line(s)
    cfg, cfg_path = load_settings_file(s)
    if cfg_path is not None:
        check_config_settings(cfg, cfg_path, context_given=s["context"] is not None)

    def pick(dest: str):
        return resolve(_BY_DEST[dest], s[dest], cfg)

    fmt, color = pick("fmt"), pick("color")
    unsafe_fixes, buildkit_syntax = bool(pick("unsafe_fixes")), bool(pick("buildkit_syntax"))
    if s["context"] is not None and not os.path.isdir(s["context"]):
        raise UsageError(f"--context: not a directory: {s['context']}")
    context = pick("context")
    # More processes than cores only cost memory; a repository's own
    # configuration must not start hundreds of them.
    wanted_jobs = pick("jobs") or default_jobs()
    jobs = min(wanted_jobs, default_jobs())
    try:
        passes = select(split_codes(pick("select")) or None, split_codes(pick("ignore")) or None)
    except SelectionError as e:
        raise UsageError(str(e)) from None
    verify_cmd, verify_env = verify_settings(s)

    mode = Mode.WRITE if s["write"] else Mode.CHECK if s["check"] else Mode.DIFF
    opts = Options(
        mode=mode,
        fmt=fmt,
        unsafe_fixes=unsafe_fixes,
        context=context,
        buildkit_syntax=buildkit_syntax,
        want_diff=(mode is Mode.DIFF or fmt == "json"),
        stdin_filename=s["stdin_filename"],
        verify=bool(s["verify"]),
        verify_cmd=verify_cmd,
        verify_env=verify_env,
        runtime=pick("runtime"),
        runtimes=cfg.get("runtimes"),
        test_stage=bool(pick("test_stage")),
        bind_manifests=bool(pick("bind_manifests")),
    )
    from .output import Output

    out = Output(opts, quiet=s["quiet"], verbose=s["verbose"], color=color)
    if cfg_path is not None and s["verbose"]:
        out.info(f"using settings from {cfg_path}")
    if wanted_jobs > jobs:
        out.verbose(f"jobs: {wanted_jobs} capped at {jobs}, the number of CPUs")
    return run_paths(paths, pick("exclude"), opts, passes, jobs, out)


def check_command_line(s: dict) -> None:
    """What no configuration can fix: combinations and paths."""
    paths = s["paths"]
    if not paths:
        raise UsageError("no PATH given (try `msb-refactor .` or `msb-refactor --help`)")
    if s["write"] and s["check"]:
        raise UsageError("--write and --check cannot be used together")
    if s["stdin_filename"] is not None and "-" not in paths:
        raise UsageError("--stdin-filename needs `-` among the paths")
    if paths.count("-") > 1:
        raise UsageError("`-` (standard input) can be given once")
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise UsageError(f"path does not exist: {p}")


def load_settings_file(s: dict):
    """(settings from the configuration file, its path), or ({}, None)."""
    from pathlib import Path

    from .config import ConfigError, find_config, load_config

    if s["no_config"]:
        return {}, None
    try:
        if s["config"]:
            cfg_path = Path(s["config"])
            if not os.path.exists(cfg_path) or os.path.isdir(cfg_path):  # a FIFO is refused when read, by name
                raise UsageError(f"--config: no such file: {s['config']}")
        else:
            first = next((p for p in s["paths"] if p != "-"), None)
            start = first if first is not None else (os.path.dirname(s["stdin_filename"] or "") or ".")
            cfg_path = find_config(start)
        if cfg_path is None:
            return {}, None
        return load_config(cfg_path), cfg_path
    except ConfigError as e:
        raise UsageError(str(e)) from None


def check_config_settings(cfg: dict, cfg_path, context_given: bool = False) -> None:
    """What a configuration file sets that its own checks (``config``)
    cannot judge, each error located in the file: pass codes, and a
    ``context`` that must be a directory inside the file's repository
    (``config.repository_root``): one given on the command line may be
    anywhere, one from a repository's file may not reach out of it."""
    from .config import repository_root, where
    from .passes import SelectionError, select, split_codes

    for key in ("select", "ignore"):
        if cfg.get(key):
            try:
                select(split_codes(cfg[key]))
            except SelectionError as e:
                raise UsageError(f"{where(cfg_path, key)}: {key}: {e}") from None
    context = cfg.get("context")
    if context is not None and not context_given:  # --context replaces it: it is not used
        if not os.path.isdir(context):
            raise UsageError(f"{where(cfg_path, 'context')}: context: not a directory: {context}")
        root = repository_root(cfg_path)
        real = os.path.realpath(context)
        if real != str(root) and not real.startswith(str(root) + os.sep):
            raise UsageError(
                f"{where(cfg_path, 'context')}: context {real} is outside the repository ({root});"
                " give it with --context to use it"
            )


def verify_settings(s: dict) -> tuple[tuple[str, ...] | None, tuple[tuple[str, str], ...]]:
    """--verify-cmd split as a shell would, --verify-env as (key, value) pairs."""
    verify_cmd = None
    if s["verify_cmd"] is not None:
        import shlex

        if not s["verify"]:
            raise UsageError("--verify-cmd needs --verify")
        try:
            verify_cmd = tuple(shlex.split(s["verify_cmd"]))
        except ValueError as e:
            raise UsageError(f"--verify-cmd: {e}") from None
    verify_env = []
    for item in s["verify_env"] or []:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise UsageError(f"--verify-env takes KEY=VALUE, not {item!r}")
        verify_env.append((key, value))
    if verify_env and not s["verify"]:
        raise UsageError("--verify-env needs --verify")
    return verify_cmd, tuple(verify_env)


_LINE = re.compile(r"\bline \d+")


def declines_of(r) -> list[tuple[str, str]]:
    """(pass, reason) for each pass that declined the file: a note when
    other passes ran, the skip reason when every pass declined."""
    from .engine import Status

    found = [(n.code, n.message[len("declined: ") :]) for n in r.notes if n.message.startswith("declined: ")]
    if r.status is Status.SKIPPED and r.reason and not r.reason.startswith("switched off"):
        for part in r.reason.split("; "):
            code, sep, reason = part.partition(": ")
            if sep and code.startswith("MSB"):
                found.append((code, reason))
    return [(code, _LINE.sub("line N", reason)) for code, reason in found]


def run_paths(paths, exclude, opts, passes, jobs, out) -> int:
    """Process every Dockerfile found under ``paths``; report; the exit code."""
    from .discovery import Found, iter_files
    from .engine import FileResult, Status
    from .runner import Input, run_files

    start = time.perf_counter()
    skipped: list = []
    reported = [0]

    def report_skipped():
        for sk in skipped[reported[0] :]:
            if sk.failed:  # unreadable: nothing below it was checked, which the user must know
                record(FileResult(sk.path, Status.FAILED, error=f"{sk.path}: {sk.reason}; nothing in it was checked"))
            else:
                out.verbose(f"{sk.path}: skipped by discovery: {sk.reason}")
        reported[0] = len(skipped)

    results = []
    counts = {s: 0 for s in Status}
    unsafe = [0]
    out.progress_start(start)

    keep = opts.fmt != "text"  # the text report needs only the counts

    declined: dict[str, collections.Counter] = {}
    sizes: list[dict] = []  # the splits' size estimates

    def record(r):
        if keep:
            results.append(r)
        counts[r.status] += 1
        unsafe[0] += r.unsafe_available
        for code, reason in declines_of(r):
            declined.setdefault(code, collections.Counter())[reason] += 1
        sizes.extend(estimates_of(r))
        out.file_result(r)

    def take(r):
        report_skipped()
        record(r)

    # Inputs are processed as discovery finds them; `-` (standard input)
    # is one more input, in its place among the paths.
    inputs = (Input.stdin(opts.stdin_filename) if f == "-" else f for f in iter_files(paths, exclude, skipped))
    run_files(inputs, opts, passes, jobs, take)
    report_skipped()
    found = Found([r.path for r in results], skipped)
    elapsed = time.perf_counter() - start
    out.progress_end()
    summary = {
        "files": sum(counts.values()),
        "changed": counts[Status.CHANGED],
        "unchanged": counts[Status.UNCHANGED],
        "skipped": counts[Status.SKIPPED],
        "failed": counts[Status.FAILED],
        "unsafe_fixes_available": unsafe[0],
        # pass -> reason -> files it left alone for it (lines blanked, so alike reasons count together)
        "declined": {code: dict(c.most_common()) for code, c in sorted(declined.items())},
        "elapsed_seconds": round(elapsed, 3),
        "mode": opts.mode.value,
    }
    if sizes:
        summary["estimated_size_mb"] = estimated_sizes(sizes)
    out.finish(results, summary, passes, found)
    if counts[Status.FAILED]:
        return EXIT_FAILED
    if opts.mode.value == "check" and counts[Status.CHANGED]:
        return EXIT_CHANGES
    return EXIT_OK


def estimates_of(r) -> list[dict]:
    """The size estimates of a result's splits (MSB101's ``estimated_size``)."""
    return [dict(c.details)["estimated_size"] for c in r.changes if c.details and "estimated_size" in dict(c.details)]


def estimated_sizes(splits: list[dict]) -> dict:
    """The catalog's estimates summed over the splits of a run: base image
    sizes before (the builder) and after (the runtime base), in MB."""
    return {
        "splits": len(splits),
        "before": round(sum(s["before_mb"] for s in splits), 1),
        "after": round(sum(s["after_mb"] for s in splits), 1),
        "source": "the runtime catalog's approximate compressed sizes of the base images (refactor/data/runtimes.toml)",
    }
