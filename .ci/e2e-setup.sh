#!/usr/bin/env bash
# e2e-setup.sh: install what the end-to-end suite (tests/e2e) needs and create
# the local base images, so that `pytest` builds and runs real images.
# Idempotent: on a machine where it already ran it takes a few seconds.
# Called by .ci/run before pytest; developers can run it too (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

if [ "$(id -u)" != 0 ]; then
  echo "e2e-setup: needs root (apt-get, debootstrap, buildah's store); not run" >&2
  exit 1
fi

need=()
# patch: tests/test_diff_patch.py applies the printed diffs with `patch -p0`
for tool in buildah podman runc debootstrap patch; do
  command -v "$tool" >/dev/null || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "e2e-setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${need[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null; }
fi

# Builds of earlier runs stay in the store as a layer cache; when the disk
# runs low, drop the layers no tagged image uses (the bases are kept).
store=${MSB_ORACLE_DIR:-/var/lib/msb-refactor/oracle}
if [ -f "$store/env.sh" ]; then
  free_kb=$(df -Pk "$store" | awk 'NR==2 {print $4}')
  if [ "${free_kb:-0}" -lt $((8 * 1024 * 1024)) ]; then
    echo "e2e-setup: less than 8 GB free under $store: pruning dangling images"
    # shellcheck disable=SC1091
    (source "$store/env.sh" && podman image prune -f >/dev/null)
  fi
fi

scripts/make-bases.sh
echo "e2e-setup: ready in $(( $(date +%s) - start )) s"
