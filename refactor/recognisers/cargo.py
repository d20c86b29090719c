"""``cargo build`` and ``cargo install``: which binaries, where, for which target.

Cargo's rules (the Cargo book, "Cargo Targets", "Build Cache", "cargo
install", "Configuration"):

* Output: ``<target-dir>/[<triple>/]<profile dir>/<bin name>``; the target
  dir is ``--target-dir``, else ``CARGO_TARGET_DIR``, else ``build.target-dir``
  of ``.cargo/config.toml``, else ``target/`` at the workspace root. The
  profile dir is ``debug`` for dev (and test), ``release`` for release (and
  bench), else the profile's name.
* Binaries: ``[[bin]]`` entries, and unless ``autobins = false``
  ``src/main.rs`` (named after the package), ``src/bin/NAME.rs`` and
  ``src/bin/NAME/main.rs``; a bin whose ``required-features`` are not all
  enabled is not built. ``--bin NAME`` picks; ``--lib`` alone builds none.
* Packages: the manifest's own package, or in a virtual workspace its
  ``default-members`` else all ``members``; ``-p`` and ``--workspace`` choose.
* ``cargo install`` builds release by default and copies the binaries to
  ``<root>/bin``: ``--root``, else ``CARGO_INSTALL_ROOT``, else
  ``install.root`` of the config, else ``CARGO_HOME`` (``/usr/local/cargo``
  in the rust images).
"""

from __future__ import annotations

import fnmatch
import posixpath
from typing import Any

from .flags import Options, Parsed, parse
from .images import libc
from .model import Artifact, Findings, RustDetails, TestStep
from .site import Invocation

# Options cargo takes before the subcommand.
GLOBAL_VALUED = frozenset({"--color", "--config", "-Z", "-C"})
BUILD_OPTIONS = Options.of(
    valued="--bin --example --test --bench --package|-p --exclude --target --target-dir --manifest-path --profile"
    " --features|-F --jobs|-j --message-format --color --config -Z --artifact-dir|--out-dir --lockfile-path",
    switches="--release|-r --bins --examples --lib --all-targets --tests --benches --workspace|--all --all-features"
    " --no-default-features --locked --frozen --offline --verbose|-v|-vv --quiet|-q --keep-going"
    " --future-incompat-report --ignore-rust-version --timings --build-plan --unit-graph",
)
INSTALL_OPTIONS = Options.of(
    valued="--version|--vers --git --branch --tag --rev --path --root --index --registry --bin --example --target"
    " --target-dir --profile --features|-F --jobs|-j --config -Z --color --message-format",
    switches="--force|-f --no-track --list --debug --locked --frozen --offline --bins --examples --all-features"
    " --no-default-features --quiet|-q --verbose|-v --ignore-rust-version --keep-going --timings",
)
# Subcommand (and alias) -> the kind of step it is, for those that only check.
CHECKS = {"test": "test", "t": "test", "bench": "test", "nextest": "test", "check": "check", "c": "check"}
CHECKS["clippy"] = "check"
BUILDS = {"build": "build", "b": "build", "install": "install"}
# Profile -> the directory its output goes to.
PROFILE_DIRS = {"dev": "debug", "test": "debug", "release": "release", "bench": "release"}


def recognise(inv: Invocation) -> Findings | None:
    args = list(inv.args)
    # `cargo +nightly --locked build`: toolchain and global options first.
    while args and args[0].value is not None and args[0].value.startswith(("+", "-")):
        takes_value = args[0].value in GLOBAL_VALUED
        args = args[2:] if takes_value else args[1:]
    if args and args[0].value == "auditable":  # cargo-auditable wraps build/install
        args = args[1:]
    sub = args[0].value if args else None
    if sub in CHECKS:
        return Findings(tests=(TestStep("cargo", CHECKS[sub], inv.cwd, inv.cmd),))
    if sub not in BUILDS:
        return None
    build = _Build(inv, BUILDS[sub] == "install", args[1:])
    built = build.artifacts()
    if built == () and not build.reasons:
        return Findings(tests=(TestStep("cargo", "check", inv.cwd, inv.cmd),))
    return Findings(builds=built or (), unknown=tuple(build.reasons))


class _Build:
    def __init__(self, inv: Invocation, install: bool, args: list) -> None:
        self.inv = inv
        self.install = install
        self.args = args
        self.reasons: list[str] = []
        self.opts = Parsed({}, [])

    def fail(self, why: str) -> None:
        self.reasons.append(f"`{self.inv.text}`: {why}")

    def artifacts(self) -> tuple[Artifact, ...] | None:
        inv = self.inv
        if inv.cmd.conditional:
            return self.fail("it runs only under a condition, so what it builds is not certain")
        opts = self.opts = parse(self.args, INSTALL_OPTIONS if self.install else BUILD_OPTIONS)
        if opts.problem:
            return self.fail(self.inv.problem(opts))
        for name, uses in opts.values.items():
            if name in ("--bin", "--example", "--package", "--target", "--target-dir", "--path", "--root", "--profile"):
                bad = next((a for a in uses if a.value is None), None)
                if bad is not None:
                    return self.fail(f"cannot read {name} `{bad.raw}`: {inv.why(bad)}")
        if inv.cwd is None:
            return self.fail(inv.cwd_reason())
        profile = self._profile(opts)
        if self.install:
            dest = self._install_root(opts)
            if dest is None:
                return None
            named = self._install_bins(opts)
            if named is None:
                return None
            outputs = [
                (pkg, name, posixpath.join(dest[0], "bin", name), dest[1], example) for pkg, name, example in named
            ]
            target = opts.last("--target")
            return self._made(outputs, profile, target.value if target else None, opts)
        packages = self._packages(opts)
        if packages is None:
            return None
        target_dir = self._target_dir(opts)
        if target_dir is None:
            return None
        triples = [a.value for a in opts.all("--target")] or [
            self._config_value("CARGO_BUILD_TARGET", "build", "target")
        ]
        built: list[Artifact] = []
        for triple in triples:
            base = posixpath.join(target_dir[0], *([triple] if triple else []), PROFILE_DIRS.get(profile, profile))
            outputs = [
                (
                    pkg,
                    name,
                    posixpath.join(base, "examples", name) if example else posixpath.join(base, name),
                    target_dir[1],
                    example,
                )
                for pkg, name, example in self._selected(packages, opts)
            ]
            built.extend(self._made(outputs, profile, triple, opts))
        return tuple(built)

    def _made(self, outputs: list, profile: str, triple: str | None, opts: Parsed) -> tuple[Artifact, ...]:
        musl = ("musl" in triple) if triple else {"musl": True, "glibc": False}.get(libc(self.inv.site.base) or "")
        features = tuple(f for a in opts.all("--features") if a.value for f in a.value.replace(",", " ").split())
        return tuple(
            Artifact(
                "rust-binary",
                path,
                name,
                "rust",
                RustDetails(pkg, profile, triple, musl, features, self.install, example),
                variables,
                self.inv.cmd,
            )
            for pkg, name, path, variables, example in outputs
        )

    # -- settings ------------------------------------------------------------------

    def _profile(self, opts: Parsed) -> str:
        chosen = opts.last("--profile")
        if chosen is not None and chosen.value:
            return chosen.value
        if self.install:
            return "dev" if opts.has("--debug") else "release"
        return "release" if opts.has("--release") else "dev"

    def _config(self) -> dict[str, Any]:
        """``.cargo/config.toml`` of the cwd or a parent directory (the nearest wins)."""
        files = self.inv.site.files
        d = self.inv.cwd or "/"
        while True:
            for name in ("config.toml", "config"):
                text = files.read_text(posixpath.join(d, ".cargo", name))
                if text is not None:
                    data = _toml(text)
                    if data is not None:
                        data["__dir__"] = d
                        return data
            if d == "/":
                return {}
            d = posixpath.dirname(d)

    def _config_value(self, env: str, table: str, key: str) -> str | None:
        value = self.inv.env(env)
        if value is None:
            self.fail(f"cannot tell which target cargo builds for: {self.inv.site.why_unknown(env)}")
        if value:
            return value
        found = self._config().get(table, {}).get(key)
        return found if isinstance(found, str) else None

    def _target_dir(self, opts: Parsed) -> tuple[str, tuple[str, ...]] | None:
        inv = self.inv
        given = opts.last("--target-dir")
        if given is not None and given.value:
            return inv.path(given.value) or "", inv.variables(given)  # type: ignore[return-value]
        for env in ("CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"):
            value = inv.env(env)
            if value is None:
                return self.fail(f"cannot tell where cargo writes: {inv.site.why_unknown(env)}")
            if value:
                return inv.path(value) or "", (env,)  # type: ignore[return-value]
        config = self._config()
        configured = config.get("build", {}).get("target-dir")
        if isinstance(configured, str):
            return posixpath.normpath(posixpath.join(config["__dir__"], configured)), ()
        root = self._workspace_root()
        return (posixpath.join(root, "target"), ()) if root else None

    def _install_root(self, opts: Parsed) -> tuple[str, tuple[str, ...]] | None:
        inv = self.inv
        given = opts.last("--root")
        if given is not None and given.value:
            return inv.path(given.value) or "", inv.variables(given)  # type: ignore[return-value]
        value = inv.env("CARGO_INSTALL_ROOT")
        if value:
            return inv.path(value) or "", ("CARGO_INSTALL_ROOT",)  # type: ignore[return-value]
        config = self._config()
        configured = config.get("install", {}).get("root")
        if value == "" and isinstance(configured, str):
            return posixpath.normpath(posixpath.join(config["__dir__"], configured)), ()
        home = inv.env("CARGO_HOME") if value == "" else None
        if value is None or home is None:
            name = "CARGO_INSTALL_ROOT" if value is None else "CARGO_HOME"
            return self.fail(f"cannot tell where `cargo install` puts binaries: {inv.site.why_unknown(name)}")
        if not home:
            return self.fail("CARGO_HOME is not set, so `cargo install` uses $HOME/.cargo/bin: add `--root DIR`")
        return inv.path(home) or "", ("CARGO_HOME",)  # type: ignore[return-value]

    # -- manifests -----------------------------------------------------------------

    def _manifest_dir(self, opts: Parsed) -> str | None:
        inv = self.inv
        given = opts.last("--manifest-path")
        if given is not None:
            if given.value is None:
                return self.fail(f"cannot read --manifest-path `{given.raw}`: {inv.why(given)}")
            return posixpath.dirname(inv.path(given.value) or "")
        d = inv.cwd or "/"
        while True:
            if inv.site.files.is_file(posixpath.join(d, "Cargo.toml")):
                return d
            if d == "/":
                return self.fail(f"no Cargo.toml for {inv.cwd} in the build context: cannot name the binaries")
            d = posixpath.dirname(d)

    def _manifest(self, directory: str) -> dict[str, Any] | None:
        text = self.inv.site.files.read_text(posixpath.join(directory, "Cargo.toml"))
        if text is None:
            return self.fail(f"{directory}/Cargo.toml is not in the build context")
        data = _toml(text)
        if data is None:
            return self.fail(f"{directory}/Cargo.toml is not valid TOML")
        return data

    def _workspace_root(self) -> str | None:
        start = self._manifest_dir(self.opts)
        if start is None:
            return None
        d = start
        while True:
            text = self.inv.site.files.read_text(posixpath.join(d, "Cargo.toml"))
            data = _toml(text) if text is not None else None
            if data is not None and "workspace" in data:
                return d
            if d == "/":
                return start
            d = posixpath.dirname(d)

    def _members(self, root: str, workspace: dict[str, Any], key: str = "members") -> list[str]:
        excluded = {posixpath.normpath(posixpath.join(root, e)) for e in workspace.get("exclude", [])}
        out = []
        for pattern in workspace.get(key, []):
            for d in self._glob_dirs(root, pattern):
                if d not in excluded and self.inv.site.files.is_file(posixpath.join(d, "Cargo.toml")):
                    out.append(d)
        return list(dict.fromkeys(out))

    def _glob_dirs(self, root: str, pattern: str) -> list[str]:
        found = [root]
        for segment in posixpath.normpath(pattern).split("/"):
            if segment == ".":
                continue
            if not any(c in segment for c in "*?["):
                found = [posixpath.join(d, segment) for d in found]
                continue
            found = [
                posixpath.join(d, name)
                for d in found
                for name in sorted(self.inv.site.files.list_dirs(d))
                if fnmatch.fnmatchcase(name, segment)
            ]
        return found

    def _packages(self, opts: Parsed) -> list[tuple[str, dict[str, Any]]] | None:
        """(directory, manifest) of each package the build covers."""
        start = self._manifest_dir(opts)
        if start is None:
            return None
        manifest = self._manifest(start)
        if manifest is None:
            return None
        root = self._workspace_root() or start
        root_manifest = manifest if root == start else self._manifest(root)
        workspace = (root_manifest or {}).get("workspace", {})
        members = self._members(root, workspace) if workspace else []
        if root_manifest is not None and "package" in root_manifest and root not in members:
            members.insert(0, root)
        chosen = [a.value for a in opts.all("--package") if a.value]
        if chosen or opts.has("--workspace"):
            pool = [(d, self._manifest(d)) for d in members or [start]]
            if any(m is None for _, m in pool):
                return None
            if opts.has("--workspace"):
                return pool  # type: ignore[return-value]
            names = {c.split("@")[0].split(":")[-1] for c in chosen}
            picked = [(d, m) for d, m in pool if m and m.get("package", {}).get("name") in names]
            if len(picked) < len(names):
                return self.fail(f"cannot find the package {', '.join(sorted(names))} in the workspace at {root}")
            return picked  # type: ignore[return-value]
        if "package" in manifest:
            return [(start, manifest)]
        defaults = self._members(root, workspace, "default-members") if workspace.get("default-members") else members
        if not defaults:
            return self.fail(f"the workspace at {root} has no member in the build context")
        pool = [(d, self._manifest(d)) for d in defaults]
        return None if any(m is None for _, m in pool) else pool  # type: ignore[return-value]

    def _selected(self, packages: list[tuple[str, dict[str, Any]]], opts: Parsed) -> list[tuple[str, str, bool]]:
        """(package, binary name, is an example) for what the options pick."""
        bins = [a.value for a in opts.all("--bin") if a.value]
        examples = [a.value for a in opts.all("--example") if a.value]
        every = opts.has("--bins") or not (bins or examples or opts.has("--lib"))
        out: list[tuple[str, str, bool]] = []
        names = [m.get("package", {}).get("name", posixpath.basename(d)) for d, m in packages]
        for (directory, manifest), package in zip(packages, names, strict=True):
            available = self._bins(directory, manifest, opts)
            # A --bin the manifest does not show is still trusted for a single package.
            out.extend((package, b, False) for b in bins if b in available or len(packages) == 1)
            if every:
                out.extend((package, b, False) for b in available)
        out.extend((names[0], e, True) for e in examples if names)
        return list(dict.fromkeys(out))

    def _install_bins(self, opts: Parsed) -> list[tuple[str | None, str, bool]] | None:
        inv = self.inv
        path = opts.last("--path")
        bins = [a.value for a in opts.all("--bin") if a.value]
        if path is None:
            crates = [a.value or a.raw for a in opts.operands]
            source = crates[0] if crates else (opts.last("--git").value if opts.last("--git") else None)  # type: ignore[union-attr]
            if not source:
                return self.fail("`cargo install` needs `--path DIR` or a crate")
            if not bins:
                return self.fail(f"cannot tell which binaries `cargo install {source}` installs; add `--bin NAME`")
            return [(source.split("@")[0], b, False) for b in bins]
        directory = inv.path(path.value or "")
        manifest = self._manifest(directory or "")
        if manifest is None or directory is None:
            return None
        package = manifest.get("package", {}).get("name")
        available = self._bins(directory, manifest, opts)
        examples = [a.value for a in opts.all("--example") if a.value]
        picked = [(package, b, False) for b in (bins or ([] if examples else available))]
        return picked + [(package, e, True) for e in examples]

    def _bins(self, directory: str, manifest: dict[str, Any], opts: Parsed) -> list[str]:
        """The binaries a package builds with the features in force."""
        files = self.inv.site.files
        package = manifest.get("package", {})
        name = package.get("name", "")
        enabled = self._features(manifest, opts)
        out: list[str] = []
        claimed: set[str] = set()
        for entry in manifest.get("bin", []):
            bin_name = entry.get("name")
            if not bin_name:
                continue
            path = entry.get("path") or ("src/main.rs" if bin_name == name else f"src/bin/{bin_name}.rs")
            claimed.add(posixpath.normpath(path))
            required = entry.get("required-features", [])
            if enabled is not None and not set(required) <= enabled:
                continue
            out.append(bin_name)
        if package.get("autobins", True):
            if "src/main.rs" not in claimed and files.is_file(posixpath.join(directory, "src/main.rs")):
                out.append(name)
            bin_dir = posixpath.join(directory, "src/bin")
            for image in sorted(files.files_under(bin_dir)):
                rel = posixpath.relpath(image, bin_dir)
                if rel.endswith(".rs") and "/" not in rel and posixpath.join("src/bin", rel) not in claimed:
                    out.append(rel[:-3])
                elif rel.endswith("/main.rs") and rel.count("/") == 1:
                    if posixpath.join("src/bin", rel) not in claimed:
                        out.append(rel.split("/")[0])
        return list(dict.fromkeys(out))

    def _features(self, manifest: dict[str, Any], opts: Parsed) -> set[str] | None:
        """Features enabled (None: all of them)."""
        if opts.has("--all-features"):
            return None
        table = manifest.get("features", {})
        todo = [f for a in opts.all("--features") if a.value for f in a.value.replace(",", " ").split()]
        if not opts.has("--no-default-features"):
            todo.extend(table.get("default", []))
        enabled: set[str] = set()
        while todo:
            feature = todo.pop()
            if feature not in enabled:
                enabled.add(feature)
                todo.extend(f for f in table.get(feature, []) if "/" not in f and not f.startswith("dep:"))
        return enabled


def _toml(text: str) -> dict[str, Any] | None:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
