"""The one place that writes output files: atomically, never half a file."""
from __future__ import annotations

import glob
import os
import tempfile
import time
from pathlib import Path

from .findings import UsageError

# A temp file lives for the milliseconds of one write; one older than this was left by a killed run.
STALE_TEMP_S = 600


def check_target(path: Path) -> None:
    """Refuse an output path that cannot hold a file, before any work is done."""
    if path.is_dir() and not path.is_symlink():
        raise UsageError("output path is a directory", file=str(path))


def write_atomic(path: Path, data: bytes | str) -> bool:
    """Write `data` to `path` via a temp file in the same folder, fsync and os.replace.

    Returns False (and writes nothing) when the file already holds exactly `data`.
    A symlink at `path` is replaced by the new file, never followed.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    check_target(path)
    try:
        if not path.is_symlink() and path.is_file() and path.read_bytes() == payload:
            return False
    except OSError:
        pass
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except FileExistsError:
        raise UsageError(f"cannot write: {folder} is not a folder", file=str(path)) from None
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror or exc}", file=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(payload)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException as exc:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write: {exc.strerror or exc}", file=str(path)) from None
        raise
    _remove_stale_temps(path)
    return True


def _remove_stale_temps(path: Path) -> None:
    """Remove the temp files of `path` that a run killed mid-write (SIGKILL, power loss) left behind."""
    oldest_live = time.time() - STALE_TEMP_S
    for temp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if temp.lstat().st_mtime < oldest_live:
                temp.unlink()
        except OSError:
            pass
