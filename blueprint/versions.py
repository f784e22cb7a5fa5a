"""Where a version of a service comes from: a file, or `REV:path` read with `git show` (a file that exists wins)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .api import Document, check_bytes, read_source
from .external import run_program
from .findings import UsageError

GIT_TIMEOUT_S = 30.0


def git_spec(spec: str) -> tuple[str, str] | None:
    """(REV, PATH) when `spec` reads `REV:PATH` and names no existing file; None for a file."""
    if ":" not in spec or Path(spec).exists():
        return None
    rev, path = spec.split(":", 1)
    return rev, path


def read_git(rev: str, path: str, timeout: float = GIT_TIMEOUT_S) -> bytes:
    """The content of `path` at revision `rev` (`git show REV:PATH` in the current folder), or a usage error
    carrying git's own message."""
    spec = f"{rev}:{path}"
    if not path or path.endswith("/"):
        raise UsageError("names no file inside the revision (REV:path)", file=spec)
    git = shutil.which("git")
    if git is None:
        raise UsageError("git was not found on PATH, so REV:path cannot be read; install it: sudo apt-get install git",
                         file=spec)
    try:
        done = run_program([git, "show", "--no-textconv", "--end-of-options", spec], None, timeout)
    except OSError as error:
        raise UsageError(f"cannot run git: {error}", file=spec) from error
    except subprocess.TimeoutExpired:
        raise UsageError(f"git show took longer than {timeout:g} s and was stopped", file=spec) from None
    if done.returncode != 0:
        raise UsageError(f"git show failed: {done.err or f'exit {done.returncode}'}", file=spec)
    if done.out.startswith(f"tree {spec}\n\n".encode("utf-8")):
        raise UsageError("is a folder in that revision, not a file", file=spec)
    return done.out


def read_version(spec: str) -> bytes:
    """The bytes of the version `spec` names: a file, else REV:PATH from git."""
    found = git_spec(spec)
    return read_source(Path(spec)) if found is None else read_git(*found)


def check_version(spec: str) -> Document:
    """The checked version `spec` names; its findings carry `spec` (a path, or REV:PATH) as their file."""
    return check_bytes(read_version(spec), spec)
