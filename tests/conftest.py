"""Shared fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest

from support import MINIMAL


@pytest.fixture
def minimal_file(tmp_path: Path) -> Path:
    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path
