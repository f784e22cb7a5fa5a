"""Shared fixtures."""
from __future__ import annotations

import signal
from pathlib import Path

import pytest

from support import MINIMAL

# A shell starts background jobs with Ctrl-C ignored, and children inherit that: the tests of Ctrl-C
# (in this process and in the blueprint processes it starts) need it back.
signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def minimal_file(tmp_path: Path) -> Path:
    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path
