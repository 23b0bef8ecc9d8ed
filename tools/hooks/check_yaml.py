"""Pre-commit hook: every YAML file given parses, with no repeated keys; errors name file and line.

    python -m tools.hooks.check_yaml FILE...

Uses the same reader as `tools check`, so Jinja inside strings is fine and a duplicate key (which
dbt rejects) fails here first. Exit 1 if any file is bad.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from tools.check.yamlload import YamlFileError, load_yaml_file
from tools.hooks import run_hook


def check_files(paths: Sequence[str]) -> list[str]:
    problems = []
    for name in paths:
        try:
            load_yaml_file(Path(name), name)
        except YamlFileError as exc:
            problems.append(str(exc))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(check_files, argv)


if __name__ == "__main__":
    sys.exit(main())
