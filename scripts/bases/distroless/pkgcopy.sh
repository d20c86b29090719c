#!/bin/sh
# pkgcopy.sh DEST PKG...: copy the files of the installed Debian packages PKG
# and of everything they depend on (Depends/Pre-Depends, recursively, installed
# packages only) into DEST, the way distroless images are assembled from .debs.
# Packages that a distroless image never has (shells, dpkg, apt, perl, ...)
# and docs are left out. Merged-/usr symlinks are created first.
set -eu
dest=$1; shift
skip=" dash bash debconf dpkg apt perl-base coreutils debianutils sed grep tar mawk gzip \
 diffutils findutils util-linux login passwd adduser libc-bin base-passwd init-system-helpers \
 sensible-utils lsb-base readline-common ncurses-base ncurses-bin media-types java-common \
 ca-certificates-java libpam0g libpam-modules libpam-modules-bin libpam-runtime libsemanage2 \
 libaudit1 libcap-ng0 libselinux1 libsystemd0 libdebconfclient0 ${PKGCOPY_SKIP:-} "
mkdir -p "$dest/usr/bin" "$dest/usr/sbin" "$dest/usr/lib" "$dest/usr/lib64"
for l in bin sbin lib lib64; do [ -e "$dest/$l" ] || ln -s "usr/$l" "$dest/$l"; done
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
            --no-breaks --no-replaces --no-enhances "$@" \
          | awk '/^[a-z0-9]/ {print $1}' | sed 's/:amd64$//' | sort -u)
for p in $closure; do
  case "$skip" in *" $p "*) continue;; esac
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || continue
  echo "$p" >> "$dest/.pkgs"
  dpkg -L "$p" | while IFS= read -r f; do
    case "$f" in /usr/share/doc*|/usr/share/man*|/usr/share/lintian*|/usr/share/info*|/.) continue;; esac
    if [ -d "$f" ] && [ ! -L "$f" ]; then mkdir -p "$dest$f"
    elif [ -e "$f" ] || [ -L "$f" ]; then cp -a --parents "$f" "$dest"
    fi
  done
done
