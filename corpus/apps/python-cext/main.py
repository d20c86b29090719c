"""Checksums files with a C extension compiled at install time.
SELFTEST=1 checks it against zlib on a known string and prints the result."""

import os
import sys
import zlib

import fastcrc


def main(argv):
    if os.environ.get("SELFTEST") == "1":
        data = b"The quick brown fox jumps over the lazy dog"
        got = fastcrc.crc32(data)
        if got != zlib.crc32(data):
            print(f"mismatch: {got:08x} != {zlib.crc32(data):08x}")
            return 1
        ext = "compiled" if fastcrc.__file__.endswith(".so") else "not compiled"
        print(f"python-cext selftest: crc32={got:08x} ({ext})")
        return 0
    for path in argv[1:]:
        with open(path, "rb") as f:
            print(f"{fastcrc.crc32(f.read()):08x}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
