#!/usr/bin/env python3
"""Run a command, passing its output through, and say so when it has been quiet for a while.

    scripts/heartbeat.py [--every SECONDS] [--label TEXT] -- COMMAND [ARG ...]

`make build` runs its long, quiet steps through it (the pinned install, dbt's parse), so that no
stretch of a first build is silent for more than about ten seconds. The standard library only:
it runs before the project's environment exists. Exits with the command's own status.
"""

from __future__ import annotations

import argparse
import os
import selectors
import subprocess
import sys
import time
from typing import TextIO


def run(command: list[str], every: float, label: str, out: TextIO = sys.stdout) -> int:
    started = time.monotonic()
    # a Python child buffers a pipe in blocks: unbuffered, its lines come when it writes them
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=0, env=env)
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    last_output = started
    pending = b""
    while True:
        if not selector.select(timeout=min(every, 1.0)):
            now = time.monotonic()
            if now - last_output >= every:
                out.write(f"  ... {label}: still working ({now - started:.0f} s)\n")
                out.flush()
                last_output = now
            continue
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            out.write(line.decode("utf-8", errors="replace") + "\n")
        out.flush()
        last_output = time.monotonic()
    if pending:
        out.write(pending.decode("utf-8", errors="replace") + "\n")
    return process.wait()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="heartbeat", description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=10.0, help="seconds of quiet before a line (default 10)")
    parser.add_argument("--label", default="working", help="what the line says is under way")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    if args.every <= 0:
        parser.error("--every must be more than 0 seconds")
    try:
        return run(command, args.every, args.label)
    except FileNotFoundError:
        print(f"heartbeat: no such command: {command[0]}", file=sys.stderr)
        return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
