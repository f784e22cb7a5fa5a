"""A valid service of 2,000 lanes through the real command line: measured, never a RecursionError (issue 15)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from support import ROOT, run_cli

sys.path.insert(0, str(ROOT))
from bench.generate import wide_service_yaml  # noqa: E402

LANES = 2000


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wide") / "wide.yaml"
    path.write_text(wide_service_yaml(LANES), encoding="utf-8")
    return path


def test_check(wide: Path) -> None:
    result = run_cli("check", "--format", "json", wide)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # each step's support flows run through all 2,000 lanes: 1,999 hand-offs, G502 in each of the 3 steps
    assert [f["code"] for f in json.loads(result.stdout)] == ["G502"] * 3


def test_metrics_json(wide: Path) -> None:
    result = run_cli("metrics", "--format", "json", wide)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["lead_time_s"] == 3 * LANES * 60      # each step's chain: every lane's 1m, one after another
    assert figures["critical_path"] == ["s0", "s1", "s2"]


def test_metrics_text(wide: Path) -> None:
    result = run_cli("metrics", wide)
    assert result.returncode == 0, result.stderr
    assert "lead time 4d 4h" in result.stdout        # 6,000 minutes


def test_diff(wide: Path) -> None:
    result = run_cli("diff", wide, wide, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["metrics"]["lead_time_s"]["delta"] == 0
