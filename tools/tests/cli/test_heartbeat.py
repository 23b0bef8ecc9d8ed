"""scripts/heartbeat.py: `make build` is never silent for long, and keeps each command's status."""

from __future__ import annotations

import subprocess
import sys

from tools.tests.conftest import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "heartbeat.py"


def heartbeat(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60,
                          check=False)


def test_a_quiet_stretch_gets_a_line_and_the_output_passes_through_in_order() -> None:
    result = heartbeat("--every", "0.3", "--label", "installing", "--",
                       sys.executable, "-c", "import time; print('first'); time.sleep(1.2); print('second')")
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert lines[0] == "first" and lines[-1] == "second"
    beats = lines[1:-1]
    assert 2 <= len(beats) <= 5 and all(b.startswith("  ... installing: still working (") for b in beats)


def test_a_talkative_command_gets_no_heartbeat() -> None:
    result = heartbeat("--every", "5", "--", sys.executable, "-c", "print('\\n'.join(map(str, range(3))))")
    assert result.stdout.splitlines() == ["0", "1", "2"]


def test_the_commands_status_and_stderr_come_back() -> None:
    result = heartbeat("--every", "5", "--", sys.executable, "-c",
                       "import sys; print('to stderr', file=sys.stderr); sys.exit(3)")
    assert result.returncode == 3 and result.stdout.strip() == "to stderr"


def test_bad_arguments_are_one_message() -> None:
    nothing = heartbeat("--every", "5")
    assert nothing.returncode == 2 and "give the command to run after --" in nothing.stderr
    zero = heartbeat("--every", "0", "--", "true")
    assert zero.returncode == 2 and "--every must be more than 0 seconds" in zero.stderr
    missing = heartbeat("--", "no-such-command-here")
    assert missing.returncode == 127 and missing.stderr.strip() == "heartbeat: no such command: no-such-command-here"
