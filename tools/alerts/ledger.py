"""The open PagerDuty incidents and failing-run counts, kept between runs in a JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tools.errors import ToolError
from tools.fsio import atomic_write, ensure_writable_dir


def load_ledger(path: Path) -> dict[str, dict[str, Any]]:
    """The ledger at `path`; empty when the file does not exist yet."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolError(f"{path}: cannot read the alert ledger: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ToolError(f"{path}: the alert ledger is not JSON ({exc.msg}, line {exc.lineno}); "
                        "remove it to start afresh (open incidents are then resolved by hand)") from None
    if not isinstance(document, dict) or not all(
            isinstance(entry, dict) and type(entry.get("failed_runs")) is int
            and isinstance(entry.get("paged"), bool) for entry in document.values()):
        raise ToolError(f"{path}: not an alert ledger (a mapping of dedup keys to failed_runs and paged)")
    return document


def save_ledger(path: Path, ledger: dict[str, dict[str, Any]]) -> None:
    ensure_writable_dir(path.parent)
    atomic_write(path, json.dumps(ledger, indent=2, sort_keys=True) + "\n")
