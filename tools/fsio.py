"""Writing files so that an interrupted run leaves either the old file or the new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from tools.errors import ToolError


def _probe_write(directory: Path, folder: Path) -> None:
    """Create and remove a file in `directory`; ToolError naming `folder` if that fails.

    A real probe file, not os.access: access checks say yes to root on read-only mounts.
    """
    try:
        handle, probe = tempfile.mkstemp(dir=directory, prefix=".write-probe-", suffix=".tmp")
    except OSError as exc:
        raise ToolError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    os.close(handle)
    os.unlink(probe)


def check_writable_dir(folder: Path) -> None:
    """Raise ToolError unless `folder` (or, when it does not exist yet, its nearest existing parent)
    is a folder in which a file can be created. Creates nothing that outlives the call."""
    probe_in = folder
    while not probe_in.exists():
        if probe_in.parent == probe_in:
            break
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        raise ToolError(f"cannot write to {folder}: {probe_in} is a file, not a folder")
    _probe_write(probe_in, folder)


def ensure_writable_dir(folder: Path) -> None:
    """Create `folder` if needed and prove a file can be created in it, before anything is written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ToolError(f"cannot write to {folder}: a file is in the way of the folder") from None
    except OSError as exc:
        raise ToolError(f"cannot create folder {folder}: {exc.strerror or exc}") from None
    if not folder.is_dir():
        raise ToolError(f"cannot write to {folder}: not a folder")
    _probe_write(folder, folder)


def atomic_write(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then os.replace it over `path`.

    Only over a regular file (or none): os.replace would put a file where a device, a pipe or a
    folder was (`/dev/full` replaced by a text file, as root)."""
    if path.exists() and not path.is_file():
        raise ToolError(f"cannot write {path}: it is not a regular file")
    data = text.encode("utf-8")
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.chmod(temp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def read_text(path: Path) -> str | None:
    """The file's text exactly as stored (no newline translation), or None when it does not exist."""
    try:
        return path.read_bytes().decode("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except UnicodeDecodeError:
        raise ToolError(f"{path} is not UTF-8 text") from None
    except OSError as exc:
        raise ToolError(f"cannot read {path}: {exc.strerror or exc}") from None
