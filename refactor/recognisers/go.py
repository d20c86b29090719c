"""``go build`` and ``go install``: which binaries, where, built how.

Go's rules (``go help build``, ``cmd/go/internal/load.DefaultExecName``):

* ``go build`` of one main package without ``-o`` writes
  ``<last element of its import path>`` in the current directory (a
  ``/vN`` major-version element is skipped in module mode); of ``.go``
  files, the first file's name; of several packages, nothing.
* ``-o PATH`` writes there; when PATH ends in ``/`` or is an existing
  directory, each main package's binary goes into it.
* ``go install`` puts binaries in ``$GOBIN``, else ``$GOPATH/bin`` (the
  first GOPATH entry), each under its default name.
* ``GOFLAGS`` gives default flags; the command line overrides them.

The import path comes from ``go.mod`` (or an earlier ``go mod init``).
Whether cgo is needed: ``CGO_ENABLED`` as set, a scan of the module's Go
files (``vendor/`` included, tests not) for ``import "C"``, and required
modules known to need cgo.
"""

from __future__ import annotations

import posixpath
import re
import weakref

from ..context import BuildContext
from .flags import Options, Parsed, parse
from .images import family, tag
from .model import Artifact, Findings, GoDetails, TestStep
from .site import Arg, Invocation

BUILD_OPTIONS = Options.of(
    valued="o p asmflags buildmode compiler gccgoflags gcflags installsuffix ldflags mod modfile overlay pgo"
    " pkgdir tags toolexec C coverpkg covermode",
    switches="a n race msan asan cover v work x trimpath linkshared modcacherw buildvcs i",
    go_style=True,
)
# Subcommands that check the code without producing anything to ship.
CHECKS = {"test": "test", "vet": "check"}
# The variables of the Go toolchain reported with a build.
ENV_NAMES = ("CGO_ENABLED", "GOOS", "GOARCH", "GOARM", "GOAMD64", "GOFLAGS", "GO111MODULE", "GOEXPERIMENT")
# Build modes whose output is not a program.
LIBRARY_MODES = frozenset({"archive", "c-archive", "c-shared", "shared", "plugin"})
# Modules that only work with cgo (their pure-Go fallback fails at run time, or there is none).
CGO_MODULES = (
    "github.com/mattn/go-sqlite3",
    "github.com/confluentinc/confluent-kafka-go",
    "github.com/google/gopacket",
    "github.com/miekg/pkcs11",
    "github.com/linxGnu/grocksdb",
    "github.com/tecbot/gorocksdb",
    "github.com/DataDog/zstd",
    "github.com/h2non/bimg",
    "github.com/davidbyttow/govips",
    "gopkg.in/gographics/imagick",
    "github.com/libgit2/git2go",
    "github.com/ceph/go-ceph",
    "github.com/go-gl/glfw",
    "github.com/veandco/go-sdl2",
)
_MODULE = re.compile(r'^\s*module\s+"?([^\s"/]+(?:/[^\s"]+)?)"?', re.M)
_PACKAGE = re.compile(r"^package\s+(\w+)", re.M)
_IMPORT_C = re.compile(r'^import\s+"C"|^import\s*\([^)]*^\s*"C"\s*(?://.*)?$', re.M)


def recognise(inv: Invocation) -> Findings | None:
    sub = inv.args[0].value if inv.args else None
    if sub in ("build", "install"):
        return _Build(inv, sub == "install").findings()
    if sub in CHECKS:
        return Findings(tests=(TestStep("go", CHECKS[sub], inv.cwd, inv.cmd),))
    return None


class _Build:
    def __init__(self, inv: Invocation, install: bool) -> None:
        self.inv = inv
        self.install = install
        self.verb = "go install" if install else "go build"
        self.reasons: list[str] = []

    def fail(self, why: str) -> None:
        self.reasons.append(f"`{self.inv.text}`: {why}")

    def findings(self) -> Findings:
        built = self._artifacts()
        if built is None:
            return Findings(unknown=tuple(self.reasons))
        if built == ():
            return Findings(tests=(TestStep("go", "check", self.inv.cwd, self.inv.cmd),), unknown=tuple(self.reasons))
        return Findings(builds=built, unknown=tuple(self.reasons))

    def _artifacts(self) -> tuple[Artifact, ...] | None:
        inv = self.inv
        if inv.cmd.conditional:
            return self.fail(f"{self.verb} runs only under a condition, so what it builds is not certain")
        opts = self._options()
        if opts is None:
            return None
        mode = _value(opts, "buildmode")
        if mode in LIBRARY_MODES:
            return self.fail(f"-buildmode={mode} builds a library, not a program: say which file to copy")
        cwd = inv.cwd
        chdir = opts.last("C")
        if chdir is not None:
            cwd = None if chdir.value is None or cwd is None else inv.path(chdir.value, cwd)
        if cwd is None:
            return self.fail(inv.cwd_reason())
        written = [a.value for a in opts.operands] or ["."]
        files = all((w or "").endswith(".go") for w in written)
        if not (self.install or files) and opts.last("o") is None and (len(written) > 1 or "..." in str(written)):
            return ()  # several packages without -o: compiled and discarded, a check
        if None in written:
            bad = next(a for a in opts.operands if a.value is None)
            return self.fail(f"cannot tell which package `{bad.raw}` names: {inv.why(bad)}")
        packages = self._packages(written, cwd)  # type: ignore[arg-type]
        if packages is None:
            return None
        many = len(packages) > 1 or any("..." in p for p in written)
        outputs = self._outputs(opts, cwd, packages, many)
        if outputs is None:
            return None
        details = self._details(opts)
        out = []
        for pkg, path, variables in outputs:
            cgo = self._cgo(pkg)
            out.append(
                Artifact(
                    "go-binary",
                    path,
                    posixpath.basename(path),
                    "go",
                    GoDetails(
                        pkg.written,
                        pkg.import_path,
                        installed=self.install,
                        remote=pkg.remote,
                        imports_c=cgo[0],
                        cgo_files=cgo[1],
                        cgo_modules=cgo[2],
                        **details,
                    ),
                    variables,
                    inv.cmd,
                )
            )
        return tuple(out)

    # -- options -------------------------------------------------------------------

    def _options(self) -> Parsed | None:
        inv = self.inv
        opts = parse(inv.args[1:], BUILD_OPTIONS)
        if opts.problem:
            return self.fail(self.inv.problem(opts))
        goflags = inv.env("GOFLAGS")
        if goflags:
            defaults = parse([Arg(w, w) for w in goflags.split()], BUILD_OPTIONS)
            if defaults.problem:
                return self.fail(f"GOFLAGS: {defaults.problem}")
            merged = dict(defaults.values)
            merged.update(opts.values)
            opts = Parsed(merged, opts.operands)
        return opts

    def _details(self, opts: Parsed) -> dict:
        inv = self.inv
        env = []
        for name in ENV_NAMES:
            value = inv.env(name)
            if value != "":
                env.append((name, value))
        cgo_enabled = dict(env).get("CGO_ENABLED", "")
        ldflags = opts.last("ldflags")
        tags = _value(opts, "tags") or ""
        trimpath = opts.last("trimpath")
        return {
            "cgo": {"0": False, "1": True}.get(cgo_enabled or ""),
            "env": tuple(env),
            "ldflags": ldflags.value if ldflags else None,
            "ldflags_raw": ldflags.raw if ldflags else None,
            "tags": tuple(t for t in re.split(r"[,\s]+", tags) if t),
            "trimpath": trimpath is not None and trimpath.value == "true",
            "buildmode": _value(opts, "buildmode"),
        }

    # -- packages ------------------------------------------------------------------

    def _packages(self, written: list[str], cwd: str) -> list[_Package] | None:
        if all(w.endswith(".go") for w in written):
            # `go build main.go util.go`: one package, named after the first file.
            name = posixpath.basename(written[0])[:-3]
            return [_Package(" ".join(written), cwd, None, name, module_root=self._module(cwd)[0])]
        out: list[_Package] = []
        for pkg in written:
            found = self._package(pkg, cwd)
            if found is None:
                return None
            out.extend(found)
        return out

    def _package(self, pkg: str, cwd: str) -> list[_Package] | None:
        inv = self.inv
        if pkg.endswith(".go"):
            return self.fail("mixes .go files and packages")
        if "@" in pkg:
            path = pkg.split("@", 1)[0]
            if not self.install:
                return self.fail("`go build` does not take PKG@VERSION")
            return [_Package(pkg, None, path, exec_name(path), remote=True)]
        if pkg in ("all", "std", "cmd"):
            return self.fail(f"the pattern `{pkg}` is not read")
        modules = inv.env("GO111MODULE") != "off"
        local = pkg.startswith(("./", "../", "/")) or pkg in (".", "..")
        root, module = self._module(cwd)
        if not local:
            if module and (pkg == module or pkg.startswith(module + "/")):
                pkg_rel = pkg[len(module) :].lstrip("/") or "."
                return self._local(pkg, posixpath.normpath(posixpath.join(root, pkg_rel)), root, module)
            if "..." in pkg:
                return self.fail(f"cannot tell which packages `{pkg}` matches outside the module")
            # A dependency's package: named by its import path, built from the module cache.
            return [_Package(pkg, None, pkg, exec_name(pkg, modules))]
        directory = inv.path(pkg.split("/...")[0] if "..." in pkg else pkg, cwd)
        assert directory is not None
        if module is not None and modules:
            return self._local(pkg, directory, root, module)
        # No module: GOPATH mode names a binary after its directory; module mode cannot
        # name it (an explicit `-o FILE` still works).
        gopath = not modules or self._gopath_mode()
        dirs = [directory]
        if "..." in pkg:
            dirs = main_packages(inv, directory, directory)
            if not dirs:
                return self.fail(f"no main package under {directory} in the build context")
        found = [_Package(pkg, d, None, None, module_root=root, pattern="..." in pkg) for d in dirs]
        for p in found:
            p.import_path, p.gopath = (self._gopath_import(p.dir or ""), True) if gopath else (None, False)
        return found

    def _gopath_mode(self) -> bool:
        """``GO111MODULE=auto`` (the default before Go 1.16) without go.mod: GOPATH mode."""
        mode = self.inv.env("GO111MODULE")
        if mode not in ("", "auto"):
            return mode == "off"
        site = self.inv.site
        m = re.match(r"1\.(\d+)", tag(site.base)) if family(site.base) == "golang" else None
        return bool(m) and int(m.group(1)) < 16

    def _gopath_import(self, directory: str) -> str:
        gopath = (self.inv.env("GOPATH") or "").split(":")[0]
        src = posixpath.join(gopath, "src") if gopath else None
        if src and directory.startswith(src + "/"):
            return directory[len(src) + 1 :]
        return "_" + directory  # a directory outside GOPATH: named after its last element too

    def _local(self, pkg: str, directory: str, root: str, module: str) -> list[_Package] | None:
        if directory != root and not directory.startswith(root + "/"):
            return self.fail(f"{directory} is outside the module at {root}")
        if "..." not in pkg:
            return [_Package(pkg, directory, _import_path(module, root, directory), None, module_root=root)]
        mains = main_packages(self.inv, directory, root)
        if not mains:
            return self.fail(f"no main package under {directory} in the build context")
        return [_Package(pkg, d, _import_path(module, root, d), None, module_root=root, pattern=True) for d in mains]

    def _module(self, directory: str) -> tuple[str, str | None]:
        """(module root, module path) for ``directory``; (directory, None) when none is found."""
        files = self.inv.site.files
        inits = {}
        for earlier in self.inv.site.history(self.inv):
            words = [a.value for a in earlier.args]
            if earlier.name == "go" and words[:2] == ["mod", "init"] and earlier.cwd is not None:
                if len(words) > 2 and words[2]:
                    inits[earlier.cwd] = words[2]
        d = directory
        while True:
            if d in inits:
                return d, inits[d]
            text = files.read_text(posixpath.join(d, "go.mod"))
            if text is not None:
                m = _MODULE.search(text)
                return d, m.group(1) if m else None
            if d == "/":
                return directory, None
            d = posixpath.dirname(d)

    # -- outputs -------------------------------------------------------------------

    def _outputs(self, opts: Parsed, cwd: str, packages: list[_Package], many: bool) -> list | None:
        inv = self.inv
        out_arg = opts.last("o")
        for pkg in packages:
            if pkg.name is None and pkg.import_path is not None:
                pkg.name = exec_name(pkg.import_path, not pkg.gopath)
        mains = [p for p in packages if p.remote or p.pattern or self._is_main(p) is not False]
        unnamed = next((p for p in mains if p.name is None), None)
        if unnamed is not None and (self.install or out_arg is None and not many or out_arg is not None and many):
            return self.fail(
                f"no go.mod found for {unnamed.dir} in the build context: cannot tell the module path that names the binary; add `-o NAME`"
            )
        if self.install:
            if out_arg is not None:
                return self.fail("`go install` does not take -o")
            dest = self._install_dir()
            if dest is None:
                return None
            return [(p, posixpath.join(dest[0], p.name), dest[1]) for p in mains]
        if out_arg is None:
            if many:
                return []  # compiled and discarded: a check
            return [(p, posixpath.join(cwd, p.name), ()) for p in mains]
        if out_arg.value is None:
            return self.fail(f"cannot tell where it writes: -o {out_arg.raw}: {inv.why(out_arg)}")
        target = inv.path(out_arg.value, cwd)
        assert target is not None
        variables = inv.variables(out_arg)
        if out_arg.value.endswith("/") or many or self._is_dir(target):
            return [(p, posixpath.join(target, p.name), variables) for p in mains]
        if not mains:
            return self.fail(f"{packages[0].written} is not a main package")
        return [(mains[0], target, variables)]

    def _install_dir(self) -> tuple[str, tuple[str, ...]] | None:
        inv = self.inv
        for name in ("GOOS", "GOARCH"):
            if inv.env(name):
                return self.fail(
                    f"with {name} set, `go install` puts binaries under $GOPATH/bin/GOOS_GOARCH when it is not the build machine's; use `go build -o`"
                )
        gobin = inv.env("GOBIN")
        if gobin is None:
            return self.fail(f"cannot tell where `go install` puts binaries: {inv.site.why_unknown('GOBIN')}")
        if gobin:
            return posixpath.normpath(gobin), ("GOBIN",)
        gopath = inv.env("GOPATH")
        if gopath is None:
            return self.fail(f"cannot tell where `go install` puts binaries: {inv.site.why_unknown('GOPATH')}")
        if not gopath:
            return self.fail("GOPATH and GOBIN are not set, so `go install` uses $HOME/go/bin: set GOBIN")
        return posixpath.join(gopath.split(":")[0], "bin"), ("GOPATH",)

    def _is_dir(self, path: str) -> bool:
        if self.inv.site.files.is_dir(path):
            return True
        return path in made_dirs(self.inv)

    def _is_main(self, pkg: _Package) -> bool | None:
        if pkg.dir is None:
            return None
        names = package_names(self.inv, pkg.dir)
        return None if not names else "main" in names

    # -- cgo -------------------------------------------------------------------------

    def _cgo(self, pkg: _Package) -> tuple[bool | None, tuple[str, ...], tuple[str, ...]]:
        if pkg.module_root is None:
            return None, (), ()
        files = self.inv.site.files.files_under(pkg.module_root)
        sources = [
            (image, rel)
            for image, rel in files.items()
            if image.endswith(".go") and not image.endswith("_test.go") and "/testdata/" not in image
        ]
        if not sources:
            return None, (), ()
        context = self.inv.site.context
        users = tuple(rel for _, rel in sources if imports_c(context, rel))
        gomod = files.get(posixpath.join(pkg.module_root, "go.mod"))
        text = context.read_text(gomod) if gomod else None
        modules = tuple(m for m in CGO_MODULES if text and re.search(rf"^\s*(require\s+)?{re.escape(m)}\s", text, re.M))
        return bool(users), users[:5], modules


class _Package:
    """One package a build names: where its sources are and what its binary is called."""

    def __init__(
        self,
        written: str,
        directory: str | None,
        import_path: str | None,
        name: str | None,
        *,
        remote: bool = False,
        module_root: str | None = None,
        pattern: bool = False,
    ) -> None:
        self.written = written
        self.dir = directory
        self.import_path = import_path
        self.name = name
        self.remote = remote
        self.module_root = module_root
        self.pattern = pattern
        self.gopath = False  # GOPATH mode: no /vN rule in the name


def exec_name(import_path: str, modules: bool = True) -> str:
    """Go's DefaultExecName: the last element, skipping a ``/vN`` (N >= 2) in module mode."""
    head, elem = posixpath.split(import_path)
    if modules and head and _is_version(elem):
        elem = posixpath.basename(head)
    return elem


def _is_version(elem: str) -> bool:
    return bool(re.fullmatch(r"v[0-9]+", elem)) and elem not in ("v0", "v1") and not elem.startswith("v0")


def _import_path(module: str, root: str, directory: str) -> str:
    rel = posixpath.relpath(directory, root)
    return module if rel == "." else f"{module}/{rel}"


def _value(opts: Parsed, name: str) -> str | None:
    arg = opts.last(name)
    return arg.value if arg else None


def package_names(inv: Invocation, directory: str) -> set[str]:
    """The package clauses of the non-test Go files directly in ``directory``."""
    context = inv.site.context
    out = set()
    for image, rel in inv.site.files.files_under(directory).items():
        if posixpath.dirname(image) == directory and image.endswith(".go") and not image.endswith("_test.go"):
            text = context.read_text(rel) or ""
            m = _PACKAGE.search(text)
            if m:
                out.add(m.group(1))
    return out


def main_packages(inv: Invocation, base: str, root: str) -> list[str]:
    """Directories under ``base`` that hold a main package, as ``./...`` matches them:
    no ``vendor``, ``testdata``, ``.x`` or ``_x`` directory, no nested module."""
    files = inv.site.files.files_under(base)
    nested = {posixpath.dirname(p) for p in files if p.endswith("/go.mod") and posixpath.dirname(p) != root}
    found = set()
    for image in files:
        if not image.endswith(".go") or image.endswith("_test.go"):
            continue
        directory = posixpath.dirname(image)
        parts = posixpath.relpath(directory, base).split("/")
        if any(p in ("vendor", "testdata") or p.startswith((".", "_")) for p in parts if p != "."):
            continue
        if any(directory == n or directory.startswith(n + "/") for n in nested):
            continue
        found.add(directory)
    return sorted(d for d in found if "main" in package_names(inv, d))


def made_dirs(inv: Invocation) -> set[str]:
    """Directories an earlier ``mkdir`` (this RUN or an earlier one) made."""
    out = set()
    for earlier in inv.site.history(inv):
        if earlier.name == "mkdir" and earlier.cwd is not None:
            for arg in earlier.args:
                if arg.value and not arg.value.startswith("-"):
                    path = earlier.path(arg.value)
                    if path:
                        out.add(path)
    return out


_IMPORTS_C: weakref.WeakKeyDictionary[BuildContext, dict[str, bool]] = weakref.WeakKeyDictionary()


def imports_c(context: BuildContext, rel: str) -> bool:
    """Whether the Go file at ``rel`` imports ``"C"`` (cached per context)."""
    cache = _IMPORTS_C.setdefault(context, {})
    if rel not in cache:
        text = context.read_text(rel) or ""
        cache[rel] = '"C"' in text and bool(_IMPORT_C.search(text))
    return cache[rel]
