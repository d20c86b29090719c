"""C and C++ builds: ``gcc``/``cc``/``g++``/``clang``, ``make``, ``cmake``,
``./configure``, ``ctest``.

* A compiler line that links writes ``-o FILE`` (``a.out`` without one)
  relative to its directory; ``-lNAME`` are the libraries it links.
* ``make`` reads the Makefile the context copied to its directory (or the
  one ``./configure`` or ``cmake`` generated there): the default goal is the
  first target; a target whose recipe links with the compiler is a program
  in the make directory. ``make install`` reads the install rule's
  ``install``/``cp`` lines to name the installed files, and says whether
  they honour ``DESTDIR``; with ``DESTDIR=`` given, the staged tree is the
  artifact.
* ``cmake -S/-B`` records a build directory; ``cmake --build`` builds the
  ``add_executable`` targets of CMakeLists.txt there, ``cmake --install``
  (or ``make install`` in it) installs what ``install()`` names under the
  prefix (``--prefix``, ``-DCMAKE_INSTALL_PREFIX``, else ``/usr/local``).
* ``./configure --prefix=P`` then ``make``: the ``bin_PROGRAMS`` of
  ``Makefile.am``; autotools installs always honour ``DESTDIR``.
"""

from __future__ import annotations

import posixpath
import re

import attrs

from ..analysis.shell import read_shell
from .cmakelists import Project, read_project
from .flags import Options, parse
from .makefile import Makefile, expand
from .model import Artifact, Findings, NativeDetails, TestStep
from .site import Arg, Invocation

_COMPILER = re.compile(r"^(?:[\w.]+-)*(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+|tcc)(?:-[\d.]+)?$")
COMMANDS = frozenset({"gcc", "cc", "g++", "c++", "clang", "clang++", "musl-gcc", "make", "gmake", "cmake"})
COMMANDS |= {"configure", "ctest"}
# Compiler options whose value is the next word.
COMPILER_VALUED = frozenset(
    {"-o", "-I", "-L", "-D", "-U", "-include", "-isystem", "-iquote", "-idirafter", "-x", "-MF", "-MT", "-MQ"}
    | {"-Xlinker", "-l", "-imacros", "-T", "-u", "-e", "-z", "-aux-info", "--param", "-Xpreprocessor"}
)
NO_LINK = frozenset({"-c", "-S", "-E", "-M", "-MM", "-fsyntax-only"})
MAKE_OPTIONS = Options.of(
    valued="-C|--directory -f|--file|--makefile -I|--include-dir -o|--old-file|--assume-old -W|--what-if|--new-file",
    switches="-s|--silent|--quiet -k|--keep-going -B|--always-make -e|--environment-overrides -i|--ignore-errors"
    " -n|--just-print|--dry-run -q|--question -r|--no-builtin-rules -R|--no-builtin-variables -S|--no-keep-going"
    " -t|--touch -w|--print-directory --no-print-directory -d --debug -p|--print-data-base --trace",
)
# make options whose value is optional (`-j`, `-j4`, `-j 4`): dropped before reading the rest.
MAKE_OPTIONAL = ("-j", "--jobs", "-l", "--load-average", "--max-load", "-O", "--output-sync")
INSTALL_OPTIONS = Options.of(
    valued="-m|--mode -o|--owner -g|--group -t|--target-directory -S|--suffix",
    switches="-D -d|--directory -s|--strip -p|--preserve-timestamps -c -v|--verbose -C|--compare -b -T|--no-target-directory",
)
CP_OPTIONS = Options.of(
    valued="-t|--target-directory",
    switches="-r|-R|--recursive -a|--archive -p -f|--force -v|--verbose -L -P -d -u -n -T|--no-target-directory"
    " --preserve",
)
TEST_TARGETS = frozenset({"test", "tests", "check", "unittest", "test-unit"})
INSTALL_TARGETS = frozenset({"install", "install-strip", "install-exec", "install-bin"})
NOTHING_TARGETS = frozenset({"clean", "distclean", "mostlyclean", "maintainer-clean", "uninstall", "fmt", "lint"})
# Recipe commands of an install rule that put no file in place.
INSTALL_NOOPS = frozenset({"echo", "printf", "chmod", "chown", "strip", "true", ":", "test", "[", "rm", "mkdir"})
MULTI_CONFIG = ("Ninja Multi-Config", "Visual Studio", "Xcode")
DEFAULT_PREFIX = "/usr/local"


def is_compiler(name: str | None) -> bool:
    return bool(name) and bool(_COMPILER.match(name or ""))


def recognise(inv: Invocation) -> Findings | None:
    name = inv.name
    if name == "ctest":
        return Findings(tests=(TestStep("ctest", "test", inv.cwd, inv.cmd),))
    if name in ("make", "gmake"):
        return _Make(inv).findings()
    if name == "cmake":
        return _cmake(inv)
    if name == "configure":
        return Findings()  # what it sets up is read when `make` runs
    if is_compiler(name):
        return _compile(inv)
    return None


def _reason(inv: Invocation, why: str) -> Findings:
    return Findings(unknown=(f"`{inv.text}`: {why}",))


# -- the compiler ----------------------------------------------------------------------


def _compile(inv: Invocation) -> Findings:
    if inv.cmd.conditional:
        return _reason(inv, "it runs only under a condition, so what it builds is not certain")
    out: Arg | None = None
    libs: list[str] = []
    reasons = []
    static = shared = False
    args = inv.args
    k = 0
    while k < len(args):
        arg = args[k]
        text = arg.value
        if text is None:
            if arg.raw.startswith("-l") or "$" in arg.raw:
                reasons.append(f"cannot tell which libraries it links: `{arg.raw}`: {inv.why(arg)}")
            k += 1  # else a glob of input files
            continue
        if text in NO_LINK:
            return Findings()  # compiles objects: nothing to ship by itself
        if text in COMPILER_VALUED and k + 1 < len(args):
            if text == "-o":
                out = args[k + 1]
            elif text == "-l" and args[k + 1].value:
                libs.append(args[k + 1].value or "")
            k += 2
            continue
        if text.startswith("-o") and len(text) > 2:
            out = Arg(text[2:], arg.raw, arg.variables)
        elif text.startswith("-l") and len(text) > 2:
            libs.append(text[2:])
        elif text == "-static":
            static = True
        elif text == "-shared":
            shared = True
        k += 1
    if inv.cwd is None:
        return _reason(inv, inv.cwd_reason())
    if out is not None and out.value is None:
        return _reason(inv, f"cannot tell where it writes: -o {out.raw}: {inv.why(out)}")
    path = inv.path(out.value if out and out.value else "a.out") or ""
    details = NativeDetails("gcc", inv.name, tuple(libs), static=static)
    kind = "native-library" if shared else "native-binary"
    variables = inv.variables(out) if out else ()
    artifact = Artifact(kind, path, posixpath.basename(path), "c", details, variables, inv.cmd)
    return Findings(builds=(artifact,), unknown=tuple(f"`{inv.text}`: {r}" for r in reasons))


# -- make ------------------------------------------------------------------------------


@attrs.frozen
class _Installed:
    path: str
    source: str | None
    binary: bool


class _Make:
    def __init__(self, inv: Invocation) -> None:
        self.inv = inv
        self.reasons: list[str] = []
        self.builds: list[Artifact] = []
        self.tests: list[TestStep] = []

    def fail(self, why: str) -> None:
        self.reasons.append(f"`{self.inv.text}`: {why}")

    def findings(self) -> Findings:
        self._run()
        return Findings(builds=tuple(self.builds), tests=tuple(self.tests), unknown=tuple(self.reasons))

    def _run(self) -> None:
        inv = self.inv
        if inv.cmd.conditional:
            return self.fail("it runs only under a condition, so what it builds is not certain")
        opts = parse(_drop_optional(inv.args), MAKE_OPTIONS)
        if opts.problem:
            return self.fail(self.inv.problem(opts))
        directory = inv.cwd
        for chdir in opts.all("-C"):
            directory = None if chdir.value is None or directory is None else inv.path(chdir.value, directory)
        if directory is None:
            return self.fail(inv.cwd_reason())
        self.dir = directory
        self.cmdline: dict[str, str | None] = {}
        targets = []
        for operand in opts.operands:
            assignment = re.match(r"""^["']?([A-Za-z_][\w.]*)=""", operand.raw)
            if operand.value is None and assignment:
                self.cmdline[assignment.group(1)] = None  # set to a value not known here
                continue
            if operand.value is None:
                return self.fail(f"cannot read `{operand.raw}`: {inv.why(operand)}")
            name, eq, value = operand.value.partition("=")
            if eq and re.fullmatch(r"[A-Za-z_][\w.]*", name):
                self.cmdline[name] = value
            else:
                targets.append(operand.value)
        if any(t in TEST_TARGETS for t in targets):
            self.tests.append(TestStep("make", "test", directory, inv.cmd))
        generated = self._generated(directory)
        if generated is not None:
            return generated(targets)
        makefile = self._makefile(opts)
        if makefile is None:
            return None
        self.mk = makefile
        self.value = makefile.variables(self.cmdline, inv.env)
        for goal in targets or [makefile.goal_name]:
            if goal is None:
                return self.fail(f"the Makefile in {directory} has no target")
            if goal in NOTHING_TARGETS:
                continue
            built = self._built(goal, set())
            self.builds.extend(built)
            if goal in INSTALL_TARGETS:
                self._install(goal)
            elif not built and goal not in TEST_TARGETS:
                self.fail(f"cannot tell what `make {goal}` builds: no recipe of it links with a C compiler")

    # -- the Makefile -----------------------------------------------------------

    def _makefile(self, opts) -> Makefile | None:
        files = self.inv.site.files
        given = opts.last("-f")
        if given is not None:
            if given.value is None:
                return self.fail(f"cannot read -f `{given.raw}`: {self.inv.why(given)}")
            names = [given.value]
        else:
            names = ["GNUmakefile", "makefile", "Makefile"]
        for name in names:
            text = files.read_text(self.inv.path(name, self.dir) or "")
            if text is not None:
                return Makefile.parse(text)
        return self.fail(f"no Makefile in {self.dir} in the build context")

    def _built(self, target: str, seen: set[str]) -> list[Artifact]:
        """The programs ``make target`` links, its prerequisites' included."""
        seen.add(target)
        rule = self.mk.rules.get(target)
        if rule is None:
            return []
        out = []
        deps = self._deps(rule.deps)
        link = self._link(target, rule.recipe, deps)
        if link is None and not rule.recipe and f"{target}.o" in deps:
            # make's built-in rule `%: %.o`: $(CC) $(LDFLAGS) n.o $(LOADLIBES) $(LDLIBS)
            link = self._link(target, ["$(CC) $(LDFLAGS) $^ $(LOADLIBES) $(LDLIBS) -o $@"], deps)
        if link is not None:
            libs, compiler, static = link
            path = posixpath.normpath(posixpath.join(self.dir, target))
            details = NativeDetails("make", compiler, libs, static=static)
            out.append(Artifact("native-binary", path, posixpath.basename(path), "c", details, (), self.inv.cmd))
        for dep in deps:
            if dep in self.mk.rules and dep not in seen and len(seen) < 200:
                out.extend(self._built(dep, seen))
        return out

    def _deps(self, deps: list[str]) -> list[str]:
        """Prerequisites with their variables expanded (as written when that fails)."""
        out = []
        for dep in deps:
            text = expand(dep, self.value) if "$" in dep else dep
            out.extend(text.split() if text is not None else [dep])
        return out

    def _link(self, target: str, recipe: list[str], deps: list[str]) -> tuple[tuple[str, ...], str, bool] | None:
        auto = {"@": target, "<": deps[0] if deps else "", "^": " ".join(dict.fromkeys(deps)), "+": " ".join(deps)}
        for line in recipe:
            line = line.lstrip("@-+ \t")
            text = expand(line, self.value, auto)
            if text is None:
                if re.match(r"\$[({](CC|CXX|LINK\.\w+)[)}]", line) and " -c " not in f" {line} ":
                    self.fail(f"cannot tell which libraries {target} links: `{line.strip()[:60]}`")
                continue
            for cmd in read_shell(text).commands:
                words = cmd.words()
                if not words or not is_compiler(posixpath.basename(words[0])) or NO_LINK & set(words):
                    continue
                out = words[words.index("-o") + 1] if "-o" in words[:-1] else "a.out"
                if out != target:
                    continue
                libs = [w[2:] for w in words if w.startswith("-l") and len(w) > 2]
                libs += [words[k + 1] for k, w in enumerate(words[:-1]) if w == "-l"]
                return tuple(libs), posixpath.basename(words[0]), "-static" in words
        return None

    # -- make install -------------------------------------------------------------

    def _install(self, goal: str) -> None:
        rule = self.mk.rules.get(goal)
        if rule is None:
            return self.fail(f"the Makefile in {self.dir} has no `{goal}` target")
        lines = list(rule.recipe)
        for dep in rule.deps:  # install: install-bin install-data
            if dep.startswith("install") and dep in self.mk.rules:
                lines.extend(self.mk.rules[dep].recipe)
        binaries = {a.path for a in self._built(self.mk.goal_name or "", set())} if self.mk.goal_name else set()
        binaries |= {a.path for a in self.builds}
        auto = {"@": goal, "<": rule.deps[0] if rule.deps else "", "^": " ".join(rule.deps)}
        installed: list[_Installed] = []
        made: set[str] = set()
        unread = []
        honours = True
        for line in lines:
            line = line.lstrip("@-+ \t")
            text = expand(line, self.value, auto)
            if text is None:
                unread.append(line)
                continue
            for cmd in read_shell(text).commands:
                words = cmd.words()
                name = posixpath.basename(words[0]) if words else None
                if name in ("install", "cp"):
                    found = self._copies(name, [Arg(w, w) for w in words[1:]], made)  # type: ignore[union-attr]
                    if found is None:
                        unread.append(line)
                        continue
                    honours = honours and "DESTDIR" in line
                    installed.extend(found)
                elif name == "mkdir" and words:
                    made.update(posixpath.normpath(posixpath.join(self.dir, w)) for w in words[1:] if w[:1] != "-")
                elif name not in INSTALL_NOOPS:
                    unread.append(line)
        installed = [attrs.evolve(i, binary=i.binary or i.source in binaries) for i in installed]
        self._installed(installed, unread, honours if installed else None, "make install")

    def _copies(self, tool: str, args: list[Arg], made: set[str]) -> list[_Installed] | None:
        opts = parse(args, INSTALL_OPTIONS if tool == "install" else CP_OPTIONS)
        if opts.problem:
            return None
        paths = [posixpath.normpath(posixpath.join(self.dir, a.value or "")) for a in opts.operands]
        if tool == "install" and opts.has("-d"):
            made.update(paths)
            return []
        into = opts.last("-t")
        if into is not None:
            dest, sources, is_dir = posixpath.join(self.dir, into.value or ""), paths, True
        elif len(paths) < 2:
            return None
        else:
            dest, sources = paths[-1], paths[:-1]
            is_dir = (
                len(sources) > 1
                or (opts.operands[-1].value or "").endswith("/")
                or (not opts.has("-D") and (dest in made or self.inv.site.files.is_dir(dest)))
            )
        if tool == "install" and opts.has("-D") and not is_dir:
            made.add(posixpath.dirname(dest))
        out = []
        for src in sources:
            path = posixpath.join(dest, posixpath.basename(src)) if is_dir else dest
            out.append(_Installed(posixpath.normpath(path), src, "/bin/" in path or "/sbin/" in path))
        return out

    def _installed(self, installed: list[_Installed], unread: list[str], honours: bool | None, source: str) -> None:
        given = "DESTDIR" in self.cmdline
        destdir = self.cmdline["DESTDIR"] if given else self.inv.env("DESTDIR")
        if destdir is None:
            why = "the DESTDIR given to make is not known here" if given else self.inv.site.why_unknown("DESTDIR")
            return self.fail(f"cannot tell where it installs: {why}")
        prefix = self._prefix()
        if destdir:
            root = self.inv.path(destdir, self.dir) or destdir
            details = NativeDetails(source, prefix=prefix, destdir=honours, files=tuple(i.path for i in installed))
            self.builds.append(Artifact("install-tree", root, posixpath.basename(root), "c", details, (), self.inv.cmd))
            return None
        if unread or not installed:
            return self.fail(
                "cannot tell which binary `make install` installs; add `DESTDIR` support or say which file to copy"
            )
        linked = {a.path: a.details for a in self.builds if isinstance(a.details, NativeDetails)}
        for item in installed:
            built = linked.get(item.source or "")
            libraries = built.libraries if built else ()
            compiler = built.compiler if built else None
            details = NativeDetails(source, compiler, libraries, built=item.source, prefix=prefix, destdir=honours)
            kind = "native-binary" if item.binary else "file"
            self.builds.append(Artifact(kind, item.path, posixpath.basename(item.path), "c", details, (), self.inv.cmd))
        return None

    def _prefix(self) -> str | None:
        for name in ("PREFIX", "prefix"):
            raw = self.value(name) if hasattr(self, "value") else None
            if raw:
                return expand(raw, self.value)
        return None

    # -- Makefiles generated by ./configure or cmake ------------------------------------

    def _generated(self, directory: str):
        """A handler for ``make`` in a directory ``./configure`` or ``cmake`` set up, else None."""
        for earlier in reversed(list(self.inv.site.history(self.inv))):
            if earlier.name == "configure" and earlier.cwd == directory:
                return lambda targets: _Autotools(self, earlier).run(targets)
            if earlier.name == "cmake":
                config = cmake_configure(earlier)
                if config is not None and config.build == directory:
                    return lambda targets: _CMakeRun(self.inv, config, self).make(targets, self.cmdline)
        return None


def _drop_optional(args: list[Arg]) -> list[Arg]:
    out = []
    k = 0
    while k < len(args):
        text = args[k].value if args[k].value is not None else args[k].raw  # `-j$(nproc)`
        bare = text.split("=")[0]
        if bare in MAKE_OPTIONAL or (text[:2] in ("-j", "-l", "-O") and not text.startswith("--")):
            following = args[k + 1] if k + 1 < len(args) else None
            # `-j 4`, `-j "$nproc"`, `-j $(nproc)`: the count is the next word.
            if text in MAKE_OPTIONAL and following is not None:
                if re.fullmatch(r"[\d.]+", following.value or "") or following.value is None and "$" in following.raw:
                    k += 1
            k += 1
            continue
        out.append(args[k])
        k += 1
    return out


# -- autotools -------------------------------------------------------------------------

_PROGRAMS = re.compile(r"^(bin|sbin|libexec|noinst)_PROGRAMS\s*\+?=\s*(.*)$", re.M)
_SUBDIRS = re.compile(r"^SUBDIRS\s*\+?=\s*(.*)$", re.M)


class _Autotools:
    """``make`` after ``./configure``: programs from Makefile.am."""

    def __init__(self, make: _Make, configure: Invocation) -> None:
        self.make = make
        self.configure = configure
        script = configure.cmd.argv[0].literal or ""
        self.srcdir = posixpath.dirname(configure.path(script) or "")
        words = {}
        for arg in configure.args:
            key, _, value = (arg.value or "").partition("=")
            words[key] = value
        self.prefix = words.get("--prefix") or DEFAULT_PREFIX
        exec_prefix = words.get("--exec-prefix") or self.prefix
        self.dirs = {
            "bin": words.get("--bindir") or f"{exec_prefix}/bin",
            "sbin": words.get("--sbindir") or f"{exec_prefix}/sbin",
            "libexec": words.get("--libexecdir") or f"{exec_prefix}/libexec",
        }

    def run(self, targets: list[str]) -> None:
        make = self.make
        programs = self._programs("", 0)
        if programs is None:
            return make.fail(f"cannot tell what `make` builds after ./configure: no Makefile.am in {self.srcdir}")
        builddir = make.dir
        goals = targets or ["all"]
        for goal in goals:
            if goal in TEST_TARGETS or goal in NOTHING_TARGETS:
                continue
            for _, sub, prog in programs:
                path = posixpath.normpath(posixpath.join(builddir, sub, prog))
                details = NativeDetails("make")
                make.builds.append(Artifact("native-binary", path, prog, "c", details, (), make.inv.cmd))
            if goal in INSTALL_TARGETS:
                installed = [
                    _Installed(posixpath.join(self.dirs[where], prog), posixpath.join(builddir, sub, prog), True)
                    for where, sub, prog in programs
                    if where in self.dirs
                ]
                make.value = lambda name: self.prefix if name in ("prefix", "PREFIX") else None  # type: ignore[attr-defined]
                make._installed(installed, [], True, "make install")

    def _programs(self, sub: str, depth: int) -> list[tuple[str, str, str]] | None:
        text = self.make.inv.site.files.read_text(posixpath.join(self.srcdir, sub, "Makefile.am"))
        if text is None:
            return None
        text = re.sub(r"\\\r?\n", " ", text)
        out = []
        for m in _PROGRAMS.finditer(text):
            for prog in m.group(2).split():
                out.append((m.group(1), sub, prog.replace("$(EXEEXT)", "")))
        for m in _SUBDIRS.finditer(text):
            for child in m.group(1).split():
                if child != "." and depth < 5 and "$" not in child:
                    out.extend(self._programs(posixpath.join(sub, child), depth + 1) or [])
        return out


# -- cmake -----------------------------------------------------------------------------


@attrs.frozen
class CMakeConfig:
    source: str
    build: str
    cache: dict = attrs.field(hash=False)
    generator: str | None = None


def cmake_configure(inv: Invocation) -> CMakeConfig | None:
    """What a configuring ``cmake`` call sets up, or None for another mode."""
    words = [a.value for a in inv.args]
    if None in words or inv.cwd is None:
        return None
    if any(w in ("--build", "--install", "-E", "-P", "--version", "--help", "--preset") for w in words):
        return None
    source = build = generator = None
    positional = None
    cache: dict[str, str] = {}
    k = 0
    while k < len(words):
        w = words[k] or ""
        nxt = words[k + 1] if k + 1 < len(words) else None
        for flag in ("-S", "-B", "-D", "-G"):
            if w == flag and nxt is not None:
                value, k = nxt, k + 1
                break
            if w.startswith(flag) and len(w) > 2:
                value = w[2:]
                break
        else:
            flag, value = "", ""
        if flag == "-S":
            source = value
        elif flag == "-B":
            build = value
        elif flag == "-G":
            generator = value
        elif flag == "-D":
            key, _, val = value.partition("=")
            cache[key.split(":")[0]] = val
        elif w in ("-C", "-T", "-A", "--toolchain", "--install-prefix") and nxt is not None:
            if w == "--install-prefix":
                cache["CMAKE_INSTALL_PREFIX"] = nxt
            k += 1
        elif not w.startswith("-"):
            positional = w
        k += 1
    cwd = inv.cwd
    source_dir = inv.path(source or positional or ".", cwd) or cwd
    build_dir = inv.path(build, cwd) if build else cwd
    return CMakeConfig(source_dir, build_dir or cwd, cache, generator)


def _cmake(inv: Invocation) -> Findings | None:
    words = [a.value for a in inv.args]
    if "--build" in words or "--install" in words:
        mode = "--build" if "--build" in words else "--install"
        k = words.index(mode)
        target = inv.args[k + 1] if k + 1 < len(inv.args) else None
        if target is None or target.value is None or inv.cwd is None:
            return _reason(inv, f"cannot tell which build directory `cmake {mode}` uses")
        directory = inv.path(target.value) or ""
        config = None
        for earlier in inv.site.history(inv):
            if earlier.name == "cmake":
                found = cmake_configure(earlier)
                if found is not None and found.build == directory:
                    config = found
        if config is None:
            return _reason(inv, f"no `cmake` configure step for {directory} earlier in this stage")
        run = _CMakeRun(inv, config)
        if mode == "--build":
            targets = [w for i, w in enumerate(words) if i and words[i - 1] in ("--target", "-t") and w]
            run.make(targets or ["all"], {})
        else:
            prefix = words[words.index("--prefix") + 1] if "--prefix" in words[:-1] else None
            run.install(prefix, inv.env("DESTDIR"))
        return Findings(builds=tuple(run.builds), tests=tuple(run.tests), unknown=tuple(run.reasons))
    if "--preset" in words:
        return _reason(inv, "cmake presets are not read: say the build directory with -B")
    if None in words:
        return _reason(inv, "cannot read its arguments")
    return Findings()  # configure (or -E, -P): nothing built yet


class _CMakeRun:
    """What ``cmake --build``/``--install`` (or ``make`` in the build directory) produce."""

    def __init__(self, inv: Invocation, config: CMakeConfig, make: _Make | None = None) -> None:
        self.inv = inv
        self.config = config
        self.builds = make.builds if make else []
        self.tests = make.tests if make else []
        self.reasons = make.reasons if make else []

    def fail(self, why: str) -> None:
        self.reasons.append(f"`{self.inv.text}`: {why}")

    def project(self) -> Project | None:
        files = self.inv.site.files
        source = self.config.source
        project = read_project(lambda rel: files.read_text(posixpath.join(source, rel)), self.config.cache)
        if project is None:
            return self.fail(f"no CMakeLists.txt in {source} in the build context")
        self.reasons.extend(f"`{self.inv.text}`: {p}" for p in project.problems)
        if self.config.generator and self.config.generator.startswith(MULTI_CONFIG):
            return self.fail(f"the {self.config.generator} generator writes under a per-configuration directory")
        return project

    def make(self, targets: list[str], cmdline: dict[str, str | None]) -> None:
        for target in targets or ["all"]:
            if target in TEST_TARGETS:
                self.tests.append(TestStep("cmake", "test", self.config.build, self.inv.cmd))
            elif target in INSTALL_TARGETS:
                self._build("all")
                self.install(None, cmdline["DESTDIR"] if "DESTDIR" in cmdline else self.inv.env("DESTDIR"))
            elif target not in NOTHING_TARGETS:
                self._build(target)

    def _build(self, target: str) -> None:
        project = self.project()
        if project is None:
            return None
        for exe in project.executables.values():
            if target == "all" and exe.excluded or target not in ("all", exe.name):
                continue
            if exe.conditional:
                self.fail(f"cannot tell whether {exe.name} is built: add_executable() is under an if()")
                continue
            path = self._output(exe)
            details = NativeDetails("cmake --build", libraries=tuple(exe.libraries), packages=tuple(project.packages))
            self.builds.append(
                Artifact("native-binary", path, posixpath.basename(path), "c", details, (), self.inv.cmd)
            )
        return None

    def _output(self, exe) -> str:
        name = exe.output_name or exe.name
        directory = exe.output_dir or posixpath.join("@BUILD@", exe.subdir)
        return posixpath.normpath(posixpath.join(directory.replace("@BUILD@", self.config.build), name))

    def install(self, prefix: str | None, destdir: str | None) -> None:
        project = self.project()
        if project is None:
            return None
        prefix = prefix or self.config.cache.get("CMAKE_INSTALL_PREFIX") or DEFAULT_PREFIX
        if destdir is None:
            return self.fail(f"cannot tell where it installs: {self.inv.site.why_unknown('DESTDIR')}")
        installed: list[tuple[str, str | None, str]] = []
        for entry in project.installs:
            if entry.conditional:
                self.fail(
                    f"cannot tell whether install({entry.kind.upper()} {' '.join(entry.items)}) runs: it is under an if()"
                )
                continue
            base = posixpath.join(prefix, entry.destination or "")
            for item in entry.items:
                if entry.kind == "targets":
                    exe = project.executables.get(item)
                    if exe is not None:
                        name = exe.output_name or exe.name
                        installed.append((posixpath.join(base, name), self._output(exe), "native-binary"))
                else:
                    src = posixpath.join(self.config.source, item)
                    name = posixpath.basename(item.rstrip("/"))
                    path = base if entry.kind == "directory" and item.endswith("/") else posixpath.join(base, name)
                    installed.append((path, src, "file"))
        if destdir:
            root = self.inv.path(destdir, self.config.build) or destdir
            files = tuple(posixpath.normpath(root + p) for p, _, _ in installed)
            details = NativeDetails("cmake --install", prefix=prefix, destdir=True, files=files)
            self.builds.append(Artifact("install-tree", root, posixpath.basename(root), "c", details, (), self.inv.cmd))
            return None
        if not installed:
            return self.fail("CMakeLists.txt installs no program: say which file to copy")
        for path, src, kind in installed:
            details = NativeDetails("cmake --install", built=src, prefix=prefix, destdir=True)
            path = posixpath.normpath(path)
            self.builds.append(Artifact(kind, path, posixpath.basename(path), "c", details, (), self.inv.cmd))
        return None
