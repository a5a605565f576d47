"""Functions that callgrind profiles saw run, profile by profile, as the
mangled names lld's --symbol-ordering-file takes; only those the binary
defines (nm), so the list names nothing of libc.

    python3 callgrind_functions.py BINARY PROFILE...  > symbol-order.txt
"""
import re
import subprocess
import sys


def defined_functions(binary):
    out = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True)
    return {p[2] for p in (line.split() for line in out.stdout.splitlines()) if len(p) == 3 and p[1] in "tTwW"}


def functions(profile):
    # callgrind names a function once as `fn=(N) name` (or cfn=), then as `fn=(N)`.
    names = {}
    for line in open(profile, errors="replace"):
        m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line)
        if not m:
            continue
        if m.group(2):
            names[m.group(1)] = m.group(2).strip()
        name = names.get(m.group(1))
        if name:
            yield name


def main():
    binary, profiles = sys.argv[1], sys.argv[2:]
    defined = defined_functions(binary)
    seen = set()
    for profile in profiles:
        # Each profile's new names as one group, sorted: the groups keep start-up code first,
        # and sorting keeps a re-recorded list's diff to the functions that changed (the order
        # callgrind first sees them in varies with thread scheduling).
        group = sorted({n for n in functions(profile) if n in defined} - seen)
        seen.update(group)
        for name in group:
            print(name)


if __name__ == "__main__":
    main()
