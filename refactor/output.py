"""What the main command prints: standard output gets diffs (or the JSON /
SARIF document, or the rewritten standard input), standard error gets
messages, the progress counter and the summary line."""

from __future__ import annotations

import os
import sys
import time


class Output:
    """Everything the main command prints but the rewritten standard input
    (``runner.write_back``): stdout gets diffs (or the JSON / SARIF
    document), stderr gets messages."""

    def __init__(self, opts, quiet: bool, verbose: int, color: str):
        self.opts = opts
        self.quiet = quiet
        self.level = verbose
        self.stdout = sys.stdout
        self.stderr = sys.stderr
        tty = self.stdout.isatty()
        if color == "always" or (color == "auto" and tty and not os.environ.get("NO_COLOR")):
            self.color = True
        else:
            self.color = bool(color == "auto" and os.environ.get("FORCE_COLOR"))
        self._bar = None

    # progress ------------------------------------------------------------
    def progress_start(self, start: float) -> None:
        if not self.quiet and self.stderr.isatty() and os.environ.get("TERM") != "dumb":
            self._bar = Progress(self.stderr, start)

    def progress_end(self) -> None:
        if self._bar is not None:
            self._bar.clear()
            self._bar = None

    def _say(self, text: str) -> None:
        if self._bar is not None:
            self._bar.clear()
        self.stderr.write(text.rstrip("\n") + "\n")
        self.stderr.flush()

    def info(self, text: str) -> None:
        if not self.quiet:
            self._say(text)

    def verbose(self, text: str) -> None:
        if self.level and not self.quiet:
            self._say(text)

    # one file ---------------------------------------------------------------
    def file_result(self, r) -> None:
        from .engine import Status

        text_mode = self.opts.fmt == "text"
        if r.verification and text_mode:
            self.info("\n".join(f"{r.path}: verify: {ln}" for ln in r.verification.splitlines()))
        if r.status is Status.FAILED:
            if text_mode:
                self._say(r.error)
        elif r.status is Status.SKIPPED:
            if text_mode:
                self.info(f"{r.path}: skipped: {r.reason}")
        elif r.status is Status.CHANGED and text_mode:
            mode = self.opts.mode.value
            if mode == "diff" and r.diff:
                if self._bar is not None:
                    self._bar.clear()
                self._write_diff(r.diff)
            verb = {"diff": "would change", "check": "would change", "write": "wrote"}[mode]
            if mode == "write" and not r.written:  # standard input: it went to stdout
                verb = "changed"
            if mode == "write" or mode == "check" or self.level:
                self.info(f"{verb} {r.path} ({len(r.changes)} change{'s' if len(r.changes) != 1 else ''})")
            if self.level or mode == "check":
                for c in r.changes:
                    extra = f" [unsafe: {c.reason}]" if c.applicability == "unsafe" else ""
                    self.info(f"  {r.path}:{c.line}: {c.code} {c.message}{extra}")
        if text_mode and self.level:
            for n in r.notes:
                self.verbose(f"{r.path}:{n.line}: {n.code} note: {n.message}")
        if self._bar is not None:
            self._bar.advance()

    def _write_diff(self, diff: str) -> None:
        from .files import colour_diff, encode

        text = colour_diff(diff) if self.color else diff
        self.stdout.flush()
        try:
            self.stdout.buffer.write(encode(text))
        except AttributeError:  # a text-only stream (tests)
            self.stdout.write(text)
        self.stdout.flush()

    # the end ------------------------------------------------------------------
    def finish(self, results, summary: dict, passes, found) -> None:
        if self.opts.fmt == "json":
            from .report import to_json

            summary = dict(summary, discovery_skipped=[{"path": s.path, "reason": s.reason} for s in found.skipped])
            self.stdout.write(to_json(results, summary))
        elif self.opts.fmt == "sarif":
            from .report import to_sarif

            self.stdout.write(to_sarif(results, passes))
        self.stdout.flush()
        if self.quiet:
            return
        parts = [
            f"{summary['changed']} {'would change' if summary['mode'] != 'write' else 'changed'}",
            f"{summary['unchanged']} unchanged",
            f"{summary['skipped']} skipped",
            f"{summary['failed']} failed",
        ]
        files = summary["files"]
        line = f"{files} file{'s' if files != 1 else ''}: {', '.join(parts)} in {summary['elapsed_seconds']:.2f}s"
        if summary["unsafe_fixes_available"] and not self.opts.unsafe_fixes:
            n = summary["unsafe_fixes_available"]
            line += f"; {n} unsafe fix{'es' if n != 1 else ''} available with --unsafe-fixes"
        if files == 0:
            line = "no Dockerfiles found" + (" (run with -v to see what was skipped)" if found.skipped else "")
        if summary["mode"] == "diff" and summary["changed"]:
            line += " (dry run: nothing written; use --write to apply)"
        sizes = summary.get("estimated_size_mb")
        if sizes:
            n = sizes["splits"]
            self._say(
                f"{n} split{'s' if n != 1 else ''}: base images ~{sizes['before']:g} MB -> ~{sizes['after']:g} MB"
                " (the runtime catalog's estimates; --verify builds and measures)"
            )
        self._say(line)
        if self.level:
            for code, reasons in summary.get("declined", {}).items():
                total = sum(reasons.values())
                self._say(f"{code} left {total} file{'s' if total != 1 else ''} alone:")
                for reason, n in list(reasons.items())[:10]:
                    self._say(f"  {n:5d}  {reason}")
                if len(reasons) > 10:
                    self._say(f"  ({len(reasons) - 10} more reasons: --format json lists them all)")


class Progress:
    """A one-line progress counter on stderr, shown once a run passes 1
    second. Files are processed while discovery is still finding them, so
    the total is not known in advance: it shows a count, the rate and a
    spinner."""

    SPIN = "|/-\\"
    AFTER = 1.0  # seconds before it shows (tests/test_cli_tty.py sets 0)

    def __init__(self, stream, start: float):
        self.stream, self.start = stream, start
        self.after = self.AFTER
        self.done = 0
        self.shown = False
        self.last = 0.0

    def advance(self) -> None:
        self.done += 1
        now = time.perf_counter()
        if now - self.start < self.after or now - self.last < 0.1:
            return
        self.last = now
        rate = self.done / max(1e-9, now - self.start)
        spin = self.SPIN[int(now * 8) % 4]
        self.stream.write(f"\r{spin} {self.done:,} files ({rate:,.0f}/s, {now - self.start:.1f}s)\033[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
