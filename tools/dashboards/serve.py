"""Serving the preview: the Streamlit command, and a server started for as long as a block runs
(the browser test and `tools dashboards screenshot`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tools.errors import ToolError

APP = Path(__file__).with_name("app.py")
STARTUP_SECONDS = 60


def streamlit_command(analytics: Path, compiled: Path, project_root: Path, user: str, host: str,
                      port: int) -> list[str]:
    """`streamlit run` of the app, headless (no browser opened, no usage statistics sent)."""
    streamlit = Path(sys.executable).with_name("streamlit")
    return [str(streamlit), "run", str(APP),
            "--server.headless", "true", "--server.address", host, "--server.port", str(port),
            "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
            "--global.developmentMode", "false", "--client.toolbarMode", "minimal", "--theme.base", "light",
            "--", "--analytics", str(analytics), "--compiled", str(compiled),
            "--project-dir", str(project_root), "--user", user]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def run_foreground(command: list[str], cwd: Path) -> int:
    """Streamlit in this terminal until Ctrl-C, which ends it cleanly: its exit status."""
    try:
        return subprocess.run(command, cwd=cwd, check=False).returncode
    except KeyboardInterrupt:
        return 0


@contextmanager
def serving(analytics: Path, compiled: Path, project_root: Path, user: str, port: int | None = None,
            host: str = "127.0.0.1") -> Iterator[str]:
    """The app served on `host:port` (a free port by default) until the block ends; its address.
    Its output goes to a scratch file (a pipe nobody reads would fill and stall it), whose tail
    explains a server that did not start."""
    port = port or free_port(host)
    command = streamlit_command(analytics, compiled, project_root, user, host, port)
    address = f"http://{host}:{port}"
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(command, cwd=project_root, env=dict(os.environ), stdout=log,
                                  stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                if server.poll() is not None:
                    log.seek(0)
                    raise ToolError(f"streamlit exited with {server.returncode} before serving: "
                                    f"{log.read().strip()[-2000:]}")
                try:
                    if httpx.get(f"{address}/_stcore/health", timeout=2).text.strip() == "ok":
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise ToolError(f"streamlit did not answer on {address} within {STARTUP_SECONDS} s")
                time.sleep(0.25)
            yield address
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
