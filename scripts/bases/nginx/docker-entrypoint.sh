#!/bin/sh
# Like the upstream nginx image's entrypoint: when the command is nginx, run
# the scripts in /docker-entrypoint.d/ first (*.envsh are sourced, so they may
# change the environment or exit; *.sh are executed), then exec the command.
set -e
if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    for f in $(find /docker-entrypoint.d/ -follow -type f -print | sort -V); do
        case "$f" in
            *.envsh) if [ -x "$f" ]; then . "$f"; fi ;;
            *.sh) if [ -x "$f" ]; then "$f"; fi ;;
        esac
    done
fi
exec "$@"
