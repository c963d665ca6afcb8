#!/usr/bin/env bash
# Builds the benchmark baseline and the constants printer with the system gcc into native/build/:
#   native/build/tapbridge   single-threaded userspace TAP bridge (the C yardstick of scripts/bench)
#   native/build/tapconsts   prints the kernel's TUN/TAP, socket and libc constants as NAME=value
# Nothing in the main (Maven) build needs this directory. Each binary is compiled to a temporary file
# and renamed into place, so a test and a benchmark building at the same time never see half a file.
# Usage: native/build.sh [--force]     (without --force, up-to-date binaries are kept)
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
out="$here/build"
CC=${CC:-gcc}
CFLAGS=${CFLAGS:--O2 -g -std=gnu11 -Wall -Wextra -Werror}
force=0
[ "${1:-}" = "--force" ] && force=1

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "native/build.sh: no C compiler '$CC' on PATH (Debian: apt-get install gcc libc6-dev)" >&2
    exit 3
fi
mkdir -p "$out"
for prog in tapbridge tapconsts; do
    src="$here/$prog.c"
    bin="$out/$prog"
    if [ "$force" = 0 ] && [ -x "$bin" ] && [ "$bin" -nt "$src" ] && [ "$bin" -nt "$here/build.sh" ]; then
        continue
    fi
    tmp=$(mktemp "$out/.$prog.XXXXXX")
    # shellcheck disable=SC2086 # CFLAGS is a list of flags
    if ! "$CC" $CFLAGS -o "$tmp" "$src"; then
        rm -f "$tmp"
        echo "native/build.sh: compiling $prog.c failed" >&2
        exit 1
    fi
    chmod 755 "$tmp"
    mv -f "$tmp" "$bin"
done
