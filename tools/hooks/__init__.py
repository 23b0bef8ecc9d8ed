"""Small pre-commit hooks of our own (`language: system`, run from the project's venv)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence


def run_hook(check_files: Callable[[Sequence[str]], list[str]], argv: Sequence[str] | None = None) -> int:
    """What every hook here does with its checker: check the files named, print one problem a line."""
    problems = check_files(list(sys.argv[1:] if argv is None else argv))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0
