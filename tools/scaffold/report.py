"""What `tools scaffold-source` prints of an outcome: notes, diffs, one line per file, a summary."""

from __future__ import annotations

import difflib
from pathlib import Path

from tools.scaffold.folder import ADDED, LEFT_ALONE, UNCHANGED, UPDATED, FileChange, Outcome


def diff(change: FileChange, root: Path) -> str:
    name = _relative(change.path, root)
    old = (change.old or "").splitlines(keepends=True)
    new = change.new.splitlines(keepends=True)
    return "".join(
        difflib.unified_diff(old, new, fromfile=f"a/{name}" if change.old is not None else "/dev/null",
                             tofile=f"b/{name}")
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def report_lines(outcome: Outcome, root: Path) -> list[str]:
    lines = []
    width = max(len(status) for status in (ADDED, UPDATED, UNCHANGED, LEFT_ALONE))
    for change in outcome.changes:
        detail = f"  ({change.detail})" if change.detail else ""
        lines.append(f"{change.status:<{width}}  {_relative(change.path, root)}{detail}")
    counts = {status: sum(1 for c in outcome.changes if c.status == status)
              for status in (ADDED, UPDATED, UNCHANGED, LEFT_ALONE)}
    lines.append(", ".join(f"{count} {status}" for status, count in counts.items()))
    return lines


def outcome_lines(outcome: Outcome, root: Path, *, dry_run: bool = False, check: bool = False) -> list[str]:
    """Everything the command prints: notes and skipped tables, what has gone from the connector,
    the diffs (--dry-run, --check), a line per file and the counts, then the verdict."""
    lines = [f"note: {note}" for note in outcome.notes]
    lines += [f"skipped: {skipped}" for skipped in outcome.skipped]
    lines += [f"gone: {item} is no longer in the connector (left in place: remove it and what uses it, "
              "or enable it again in Fivetran)" for item in outcome.gone]
    if dry_run or check:
        for change in outcome.changes:
            if change.writes or (change.status == LEFT_ALONE and change.old != change.new):
                if change.status == LEFT_ALONE:
                    lines.append(f"# {_relative(change.path, root)} is left alone (edited by hand); "
                                 "the generator would change it:")
                lines.append(diff(change, root).rstrip("\n"))
    lines += report_lines(outcome, root)
    if check:
        lines.append("out of date: run tools scaffold-source to update" if outcome.out_of_date else "up to date")
    elif dry_run:
        lines.append("dry run: nothing was written")
    return lines
