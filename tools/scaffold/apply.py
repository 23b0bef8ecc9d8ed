"""Step 4: write what the plan changes, atomically and in an order an interruption cannot
mislead."""

from __future__ import annotations

from tools.fsio import atomic_write, ensure_writable_dir
from tools.scaffold.folder import Outcome


def write(outcome: Outcome) -> None:
    """Check the folder can be written, then replace each changed file atomically; SQL first,
    YAML next, the manifest last, so an interruption never marks an unwritten file as generated."""
    ensure_writable_dir(outcome.folder)
    for change in outcome.changes:
        if change.writes:
            atomic_write(change.path, change.new)
    if outcome.manifest is not None:
        atomic_write(outcome.manifest.path, outcome.manifest.new)
