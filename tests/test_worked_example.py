"""FORMAT.md's complete example and its worked figures, exactly."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprint.api import check_file
from blueprint.metrics import measure, metrics_json

from support import FORMAT_MD

EXAMPLE = Path(__file__).parent / "fixtures" / "format-example.yaml"


def test_fixture_is_formats_example() -> None:
    if not FORMAT_MD.exists():
        pytest.skip("shared/spec/FORMAT.md is not beside this checkout")
    block = re.search(r"```yaml\n(.*?)```", FORMAT_MD.read_text(encoding="utf-8"), re.S)
    assert block and block.group(1) == EXAMPLE.read_text(encoding="utf-8")


def test_findings_are_the_worked_ones() -> None:
    document = check_file(EXAMPLE)
    assert document.valid
    found = [(f.code, f.step, f.lane, f.severity.value) for f in document.findings]
    assert sorted(found) == sorted([
        ("P101", "park", None, "info"),
        ("P102", "queue", None, "warning"),
        ("W301", "queue", None, "warning"),
        ("F201", "verify", "desk", "info"),
        ("F201", "verify", "pms", "info"),
        ("F202", "verify", "pms", "warning"),
    ])


def test_metrics_are_the_worked_ones() -> None:
    document = check_file(EXAMPLE)
    assert document.service is not None
    figures = metrics_json(measure(document.service))
    assert figures["lead_time_s"] == 18 * 60
    assert figures["value_added_s"] == 3 * 60
    assert figures["value_added_ratio"] == 180 / 1080  # 0.167 to people; JSON is unrounded
    assert [{"id": s["id"], "time_s": s["time_s"]} for s in figures["stages"]] == [
        {"id": "arrive", "time_s": 0}, {"id": "check-in", "time_s": 18 * 60}]
    assert [{key: s[key] for key in ("id", "stage", "wait_s", "time_s")} for s in figures["steps"]] == [
        {"id": "park", "stage": "arrive", "wait_s": 0, "time_s": 0},
        {"id": "queue", "stage": "check-in", "wait_s": 480, "time_s": 720},
        {"id": "verify", "stage": "check-in", "wait_s": 0, "time_s": 360},
    ]
    assert figures["fail_points"] == [
        {"step": "verify", "lane": "desk", "what": "Booking not found", "severity": 4, "likelihood": 2,
         "detection": None, "risk": 8, "rpn": None, "mitigation": "Search by phone number"},
        {"step": "verify", "lane": "pms", "what": "Night batch not finished", "severity": None,
         "likelihood": None, "detection": None, "risk": None, "rpn": None, "mitigation": None},
    ]


def test_lines_fall_where_the_kinds_put_them() -> None:
    service = check_file(EXAMPLE).service
    assert service is not None
    assert [(line.name.value, line.above, line.below) for line in service.lines] == [
        ("interaction", "guest", "desk"), ("visibility", "app", "office"), ("internal", "office", "pms")]
