"""Process inputs, one result each, in parallel processes when it pays.

An input is a file path, or standard input (an ``Input`` holding the bytes
read once in the parent). ``process_file`` does everything for one input:
read bytes, decode, run the engine, compute the diff; ``settle`` then
verifies (``--verify``) and writes back (``--write``): a file atomically,
standard input to standard output. Workers never settle: their result comes
back to the parent, which settles it, so a worker has no side effects.
``run_files`` feeds inputs to ``-j`` forked workers in order, so output is
deterministic.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator

import attrs

from .engine import FileResult, Status, refactor_text


class Mode(str, enum.Enum):
    DIFF = "diff"
    CHECK = "check"
    WRITE = "write"


@attrs.frozen
class Options:
    mode: Mode = Mode.DIFF
    fmt: str = "text"
    unsafe_fixes: bool = False
    context: str | None = None
    buildkit_syntax: bool = False
    want_diff: bool = True
    stdin_filename: str | None = None
    verify: bool = False  # build original and rewrite before showing or writing the change
    verify_cmd: tuple[str, ...] | None = None  # smoke command run in both images
    verify_env: tuple[tuple[str, str], ...] = ()  # environment of the smoke run
    runtime: str = "distroless"  # --runtime: the kind of base a split's runtime stage gets
    test_stage: bool = False  # --test-stage: a split moves test-only RUNs into a `test` stage
    bind_manifests: bool = False  # --bind-manifests: MSB205 bind-mounts manifests instead of copying them
    runtimes: tuple | None = attrs.field(default=None, eq=False)  # ([tool.msb-refactor.runtimes], its file)


@attrs.frozen
class Input:
    """One Dockerfile to process.

    ``name`` is what messages, diffs and reports call it; ``dockerfile`` is
    the path whose directory is the default build context and, for a file,
    where it is read and written. Standard input has its bytes in ``data``
    (read once, in the parent) and is written back to standard output;
    ``unreadable`` says why it could not be read (then it fails).
    """

    name: str
    dockerfile: str
    data: bytes | None = None  # standard input's bytes; None: read the file
    unreadable: str | None = None  # standard input only: why it could not be read

    @classmethod
    def stdin(cls, stdin_filename: str | None) -> Input:
        """Read standard input now (at most DOCKERFILE_LIMIT bytes);
        ``--stdin-filename`` names it (default: ``-``, with the current
        directory as its build context)."""
        from .files import DOCKERFILE_LIMIT, NotReadable, read_stream_limited

        name = stdin_filename or "-"
        dockerfile = stdin_filename or os.path.join(os.getcwd(), "Dockerfile")
        if sys.stdin is None:  # started with standard input closed (`0<&-`)
            return cls(name, dockerfile, b"", unreadable="standard input is closed")
        try:
            return cls(name, dockerfile, read_stream_limited(sys.stdin.buffer, DOCKERFILE_LIMIT))
        except NotReadable as e:
            return cls(name, dockerfile, b"", unreadable=f"standard input: {e}")
        except (OSError, ValueError) as e:  # ValueError: a closed stream object
            return cls(
                name, dockerfile, b"", unreadable=f"cannot read standard input: {getattr(e, 'strerror', None) or e}"
            )

    @property
    def is_stdin(self) -> bool:
        return self.data is not None

    def read(self) -> bytes:
        """The bytes to process; OSError (NotReadable included) when they
        cannot be read: only a regular file of at most DOCKERFILE_LIMIT
        bytes is read, so a FIFO or a device never blocks or fills memory."""
        if self.unreadable is not None:
            from .files import NotReadable

            raise NotReadable(self.unreadable)
        if self.data is not None:
            return self.data
        from .files import DOCKERFILE_LIMIT, read_limited

        return read_limited(self.dockerfile, DOCKERFILE_LIMIT)


#: what run_files takes: a file's path (cheap to send to a worker) or an Input
Item = str | Input


def as_input(item: Item) -> Input:
    return item if isinstance(item, Input) else Input(item, item)


# Run in-process below this many files: starting workers costs more.
PARALLEL_MIN_FILES = 16


def _build_context(path: str | None, opts: Options):
    from .context import BuildContext

    return BuildContext.for_dockerfile(path, opts.context)


def process_text(text: str, shown: str, ctx_path: str | None, opts: Options, passes) -> FileResult:
    from .files import NotReadable

    build_context = _build_context(ctx_path, opts)
    try:
        build_context.ignore  # noqa: B018 - read now: a .dockerignore that cannot be read fails the file, named
    except NotReadable as e:
        return FileResult(shown, Status.FAILED, error=f"{shown}: build context: {e}; left untouched")
    r = refactor_text(
        text,
        shown,
        passes,
        unsafe_fixes=opts.unsafe_fixes,
        build_context=build_context,
        buildkit_syntax=opts.buildkit_syntax,
        keep_text=False,
        runtime=opts.runtime,
        runtimes=opts.runtimes,
        test_stage=opts.test_stage,
        bind_manifests=opts.bind_manifests,
    )
    if r.status is Status.CHANGED and opts.want_diff:
        from .files import new_file_diff, unified_diff

        diff = unified_diff(r.source, r.output, shown) if r.output != r.source else ""
        for path, old, new in r.extra_files:  # files beside the Dockerfile (.dockerignore)
            diff += unified_diff(old, new, path) if old is not None else new_file_diff(new, path)
        r = attrs.evolve(r, diff=diff)
    return r


def process_file(item: Item, opts: Options, passes, write: bool = True) -> FileResult:
    """Everything for one input; never raises for a problem with the input.

    With ``write=False`` (worker processes) nothing is verified or written:
    a changed result keeps its new text in ``output`` for the parent's
    ``settle``, so a worker has no side effects and a batch can be retried
    after a crash.
    """
    inp = as_input(item)
    r = _process(inp, opts, passes)
    if write:
        return settle(inp, r, opts)
    if r.status is Status.CHANGED and needs_settling(opts):
        return attrs.evolve(r, source=None)  # the parent settles it
    return _light(r)


def _process(inp: Input, opts: Options, passes) -> FileResult:
    from .files import NotReadable, NotText, decode

    name = inp.name
    try:
        data = inp.read()
    except NotReadable as e:
        return FileResult(name, Status.FAILED, error=f"{name}: {e}")
    except OSError as e:
        return FileResult(name, Status.FAILED, error=f"{name}: cannot read: {e.strerror or e}")
    try:
        text = decode(data)
    except NotText as e:
        return FileResult(name, Status.FAILED, error=e.located(name))
    try:
        return process_text(text, name, inp.dockerfile, opts, passes)
    except Exception as e:  # last line of defence: one file never stops a run
        return FileResult(name, Status.FAILED, error=f"{name}: internal error: {type(e).__name__}: {e}")


def needs_settling(opts: Options) -> bool:
    return opts.mode is Mode.WRITE or opts.verify


def _light(r: FileResult) -> FileResult:
    """Drop the texts: only the small result travels on."""
    if r.source is not None or r.output is not None:
        return attrs.evolve(r, source=None, output=None)
    return r


def settle(inp: Input, r: FileResult, opts: Options) -> FileResult:
    """The last steps, in the parent process: with ``--verify`` build both
    versions of a changed input (a rewrite that does not build, or behaves
    differently, fails and is not written); with ``--write`` write back."""
    if r.status is Status.CHANGED and opts.verify and r.output != r.source:
        r = verify_change(inp, r, opts)
    if opts.mode is Mode.WRITE:
        r = write_back(inp, r, opts)
    return _light(r)


def verify_change(inp: Input, r: FileResult, opts: Options) -> FileResult:
    from pathlib import Path

    from .files import decode
    from .verify import EngineUnavailable, verify

    context = Path(opts.context or os.path.dirname(os.path.abspath(inp.dockerfile)))
    try:
        report = verify(
            Path(inp.dockerfile),
            r.output,
            context,
            smoke_cmd=list(opts.verify_cmd) if opts.verify_cmd is not None else None,
            smoke_env=dict(opts.verify_env) or None,
            original_text=decode(inp.data) if inp.is_stdin else None,
        )
    except EngineUnavailable as e:
        return attrs.evolve(
            r, status=Status.FAILED, source=None, output=None, error=f"{r.path}: cannot verify: {e}; not written"
        )
    summary = report.summary()
    if not report.ok:
        if not report.original.built:  # not the rewrite's fault: nothing could be compared
            why = "the original does not build (see its log), so the rewrite could not be checked"
        elif not report.rewritten.built:
            why = "the rewrite does not build"
        else:
            why = "the smoke command's output differs between the original and the rewrite"
        return attrs.evolve(
            r,
            status=Status.FAILED,
            source=None,
            output=None,
            verification=summary,
            error=f"{r.path}: verification failed: {why}; not written",
        )
    return attrs.evolve(r, verification=summary)


def write_back(inp: Input, r: FileResult, opts: Options) -> FileResult:
    """``--write``: a changed file is replaced atomically. Standard input
    comes out on standard output whatever happened to it (the rewrite, or
    the input as it was), for editors and pipes, unless standard output
    carries the JSON or SARIF report."""
    if inp.is_stdin:
        if opts.fmt == "text":
            from .files import encode

            data = encode(r.output) if r.status is Status.CHANGED and r.output is not None else inp.data
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return r
    return write_result(r)


def write_result(r: FileResult) -> FileResult:
    """Write a changed result's output to its file (atomically)."""
    from .files import WriteError, write_atomic, write_side_file

    if r.status is not Status.CHANGED or r.output is None:
        return r
    try:
        if not (r.extra_files and _holds(r.path, r.output)):  # a proposal beside it may leave it as it is
            write_atomic(r.path, r.output)
        for path, old, new in r.extra_files:
            write_side_file(path, old, new)
    except WriteError as e:
        return attrs.evolve(r, status=Status.FAILED, error=str(e), source=None, output=None)
    return attrs.evolve(r, written=True, source=None, output=None)


def _holds(path: str, text: str) -> bool:
    from .files import encode

    try:
        with open(path, "rb") as f:
            return f.read() == encode(text)
    except OSError:
        return False


_WORKER: tuple | None = None


def _init(opts: Options, passes) -> None:
    """Worker start-up. A worker ignores SIGINT: Ctrl-C reaches the whole
    process group, and it is the parent that stops (and then ends) the
    workers, which write nothing, so a worker never prints a traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _WORKER
    _WORKER = (opts, passes)


def run_files(items: Iterable[Item], opts: Options, passes, jobs: int, on_result: Callable[[FileResult], None]) -> None:
    """Process ``items`` (paths or Inputs, any iterable, consumed lazily) in
    order and hand each settled result to ``on_result``. Fewer than
    PARALLEL_MIN_FILES items, or one job, run in this process."""
    with _bulk_gc():
        _run_files(items, opts, passes, jobs, on_result)


@contextlib.contextmanager
def _bulk_gc():
    """Parsing makes many short-lived, acyclic objects: with the default
    thresholds the cycle collector runs constantly and rescans every
    long-lived object (measured: 30-40 % of a bulk run). Freeze what exists
    (imports, the parser; forked workers then share it without copying) and
    collect less often while files are processed."""
    import gc

    old = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _run_files(paths, opts, passes, jobs, on_result) -> None:
    it = iter(paths)
    head = list(itertools.islice(it, PARALLEL_MIN_FILES if jobs > 1 else 0))
    if jobs <= 1 or len(head) < PARALLEL_MIN_FILES:
        for p in itertools.chain(head, it):
            on_result(process_file(p, opts, passes))
        return
    from .syntax.parser import parse

    parse("FROM scratch\n")  # build the parser once; forked workers inherit it
    import gc

    gc.freeze()  # again: the parser objects too
    _run_parallel(itertools.chain(head, it), opts, list(passes), jobs, on_result)


def _work_chunk(items: list[Item]) -> list[FileResult]:
    opts, passes = _WORKER
    return [process_file(p, opts, passes, write=False) for p in items]


def _executor(opts: Options, passes, jobs: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(method), initializer=_init, initargs=(opts, passes)
    )


def _run_parallel(
    paths: Iterator[Item], opts: Options, passes, jobs: int, on_result: Callable[[FileResult], None]
) -> None:
    """Chunks of paths to worker processes, a few in flight per worker,
    results handed on in order. If a worker process dies (a crash no
    ``except`` can catch), its files are retried one by one in fresh
    workers; a file that kills a worker again fails with that message and
    the run goes on."""
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    chunks = iter(lambda: list(itertools.islice(paths, CHUNK)), [])
    pending: deque = deque()  # (paths, future)
    ex = _executor(opts, passes, jobs)

    def deliver(item: Item, r: FileResult) -> None:
        # Settled here, in the parent, with the input it came from.
        on_result(settle(as_input(item), r, opts) if needs_settling(opts) else r)

    try:

        def fill() -> None:
            while len(pending) < jobs * 4:
                chunk = next(chunks, None)
                if chunk is None:
                    return
                pending.append((chunk, _submit(ex, chunk)))

        fill()
        while pending:
            chunk, fut = pending.popleft()
            try:
                results = fut.result()
            except BrokenProcessPool:
                ex.shutdown(wait=True, cancel_futures=True)
                later = list(pending)
                pending.clear()
                ex = _executor(opts, passes, jobs)
                # Batches that finished before the crash keep their results;
                # the others are retried file by file (workers write nothing).
                for c, f in [(chunk, fut)] + later:
                    done = f.done() and not f.cancelled() and f.exception() is None
                    if done:
                        for p, r in zip(c, f.result(), strict=False):
                            deliver(p, r)
                        continue
                    for p in c:
                        result, broken = _one_alone(ex, p)
                        deliver(p, result)
                        if broken:
                            ex.shutdown(wait=True)
                            ex = _executor(opts, passes, jobs)
                fill()
                continue
            for p, r in zip(chunk, results, strict=False):
                deliver(p, r)
            fill()
    except KeyboardInterrupt:
        # Ctrl-C: stop at once. Workers have written nothing (the parent
        # writes), so ending them loses no file; a second Ctrl-C must not
        # break the clean-up into a traceback.
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _stop_workers(ex)
        raise
    finally:
        ex.shutdown(wait=True, cancel_futures=True)


def _submit(ex, items: list[Item]):
    """Submit a chunk. The pool forks its workers inside submit(): SIGINT is
    held meanwhile, so a new worker never gets it before it ignores it."""
    from .files import interrupts_held

    with interrupts_held():
        return ex.submit(_work_chunk, items)


def _stop_workers(ex) -> None:
    """End the workers now (they write nothing). The caller's
    ``shutdown(wait=True)`` then joins the pool's own thread, which sees them
    gone: none of the pool is left running when the interpreter exits (its
    exit hook would write to a pipe that thread closes, and print a traceback)."""
    for proc in list((getattr(ex, "_processes", None) or {}).values()):
        try:
            proc.terminate()
        except (OSError, AttributeError):
            pass


def _one_alone(ex, item: Item) -> tuple[FileResult, bool]:
    """Process one input in a worker; (result, whether the worker died)."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return _submit(ex, [item]).result()[0], False
    except BrokenProcessPool:
        name = as_input(item).name
        return FileResult(
            name, Status.FAILED, error=f"{name}: internal error: the worker process died while processing this file"
        ), True


# Paths per task sent to a worker: large enough that messaging is cheap,
# small enough that both workers stay busy to the end.
CHUNK = 48


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
