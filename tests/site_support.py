"""Helpers for the documentation-site tests: a Graphviz that counts its calls, a small invalid service."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from support import fake_dot

# `emoton` on line 9, column 9: E003
INVALID = """\
blueprint: 1
title: Unknown key
stages:
  - id: visit
    title: Visit
    steps:
      - id: enter
        actions: {customer: Walks in}
        emoton: 1
"""


def counting_dot(folder: Path) -> tuple[dict[str, str], Path]:
    """An environment whose `dot` (first on PATH) notes each call in a file, then runs the real Graphviz."""
    real = shutil.which("dot")
    assert real is not None
    calls = folder / "dot-calls"
    fake_dot(folder, f'echo call >> "{calls}"\nexec "{real}" "$@"\n')
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}, calls


def dot_calls(calls: Path) -> int:
    return len(calls.read_text().splitlines()) if calls.exists() else 0
