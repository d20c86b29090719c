#!/bin/sh
# debcopy.sh DEST PKG...: copy the files of the installed Debian packages PKG
# into DEST, as distroless assembles its debian13 images: each listed
# package's own files (dpkg -L), not its dependency closure, so an image has
# exactly the packages its recipe names (libc6 depends on libgcc-s1, yet
# base-debian13 has no libgcc_s: that is what cc adds). Docs, man pages and
# lintian/bug files are left out; directories keep their modes, symlinks stay
# symlinks (base-files ships the merged-/usr ones: /bin -> usr/bin, ...).
set -eu
dest=$1; shift
mkdir -p "$dest"
for p in "$@"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' \
    || { echo "debcopy: $p is not installed" >&2; exit 1; }
  dpkg -L "$p" | while IFS= read -r f; do
    case "$f" in
      /.|/usr/share/doc|/usr/share/doc/*|/usr/share/man|/usr/share/man/*|/usr/share/info/*) continue;;
      /usr/share/lintian|/usr/share/lintian/*|/usr/share/bug|/usr/share/bug/*) continue;;
    esac
    if [ -d "$f" ] && [ ! -L "$f" ]; then
      mkdir -p "$dest$f" && chmod "$(stat -c %a "$f")" "$dest$f"
    elif [ -e "$f" ] || [ -L "$f" ]; then
      cp -a --parents "$f" "$dest"
    fi
  done
done
