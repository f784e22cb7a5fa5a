"""`blueprint diff OLD NEW`: structure, metrics deltas, findings added, resolved and open (format-example.yaml)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support import SAMPLES, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = FIXTURES / "format-example.yaml"


def edit(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "new.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def diff_json(old: Path, new: Path) -> dict[str, Any]:
    result = run_cli("diff", old, new, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_same_file_has_no_differences() -> None:
    result = run_cli("diff", EXAMPLE, EXAMPLE)
    assert result.returncode == 0
    assert result.stdout.splitlines()[2:] == ["no changes"]
    data = diff_json(EXAMPLE, EXAMPLE)
    assert all(data[kind] == {"added": [], "removed": [], "changed": []}
               for kind in ("lanes", "stages", "steps", "actions"))
    assert data["findings"]["added"] == data["findings"]["resolved"] == []
    assert len(data["findings"]["open"]) == 6
    assert all(value["delta"] == 0 for value in data["metrics"].values())


def test_changed_duration_moves_the_metrics_and_names_the_field(tmp_path: Path) -> None:
    new = edit(tmp_path, ("desk: {text: Serves the guest ahead, duration: 4m}",
                          "desk: {text: Serves the guest ahead, duration: 10m}"))
    data = diff_json(EXAMPLE, new)
    assert data["actions"]["changed"] == [{"id": "queue.desk", "changes": {"duration_s": {"old": 240, "new": 600}}}]
    assert data["metrics"]["lead_time_s"] == {"old": 1080, "new": 1440, "delta": 360}
    assert data["metrics"]["stage.check-in.time_s"] == {"old": 1080, "new": 1440, "delta": 360}
    assert data["metrics"]["value_added_s"]["delta"] == 0
    assert data["metrics"]["value_added_ratio"] == {"old": 3 / 18, "new": 3 / 24, "delta": 3 / 24 - 3 / 18}
    text = run_cli("diff", EXAMPLE, new).stdout.splitlines()
    assert "  Duration of Waits in line · Front desk 4m → 10m" in text
    assert "Lead time 18m → 24m (+6m, +33.3 %)" in text
    assert "Value-added ratio 16.7 % → 12.5 % (−4.2 pp)" in text
    fields = ("_s ", "duration_s", "lead_time_s", "value_added", "wait_s", "fail_risk")
    assert not any(name in line for line in text[1:] for name in fields)


def test_added_removed_and_changed_steps_stages_and_actions(tmp_path: Path) -> None:
    new = edit(tmp_path,
               ("  - id: arrive\n    title: Arrive\n", "  - id: arrive\n    title: Get there\n"),
               ("        pain: No free spaces after 22:00\n", ""),
               ("          pms: {text: Looks up booking, fail: Night batch not finished}\n", ""),
               ("flows:                              # optional arrows beyond the automatic ones\n"
                "  - {from: verify.pms, to: verify.desk, label: booking record, kind: data}\n", ""),
               ("        emotion: 0\n", "        emotion: 0\n      - id: keys\n        actions:\n"
                "          guest: Takes the key card\n          app: {text: Sends a digital key, value: none}\n"))
    data = diff_json(EXAMPLE, new)
    assert data["stages"]["changed"] == [{"id": "arrive", "changes": {"title": {"old": "Arrive", "new": "Get there"}}}]
    assert [step["id"] for step in data["steps"]["added"]] == ["keys"]
    assert data["steps"]["changed"] == [{"id": "park", "changes": {"pains": {
        "old": ["No free spaces after 22:00"], "new": []}}}]
    assert [a["id"] for a in data["actions"]["added"]] == ["keys.guest", "keys.app"]
    assert [a["id"] for a in data["actions"]["removed"]] == ["verify.pms"]
    assert data["actions"]["removed"][0]["fail"] == "Night batch not finished"
    added = sorted((f["code"], f["step"], f["lane"]) for f in data["findings"]["added"])
    resolved = sorted((f["code"], f["step"], f["lane"]) for f in data["findings"]["resolved"])
    assert added == [("L601", "keys", "app")]
    assert resolved == [("F201", "verify", "pms"), ("F202", "verify", "pms"), ("P101", "park", None)]
    text = run_cli("diff", EXAMPLE, new).stdout.splitlines()
    for line in ("+ Takes the key card (Check in)", "  Guest: “Takes the key card”",
                 "  Hotel app: “Sends a digital key”", "~ Hands over ID and card (Check in)",
                 "  Action at Hands over ID and card · Booking system removed “Looks up booking”",
                 "  Title of stage Get there “Arrive” → “Get there”",
                 "  Pain points at Parks at the entrance “No free spaces after 22:00” → none"):
        assert line in text
    added = text[text.index("Findings added (1)") + 1]
    assert added.startswith("  ") and "L601" in added


def test_findings_match_across_moved_lines(tmp_path: Path) -> None:
    new = edit(tmp_path, ("summary: A business traveller arrives late and checks in.\n",
                          "summary: >-\n  A business traveller arrives late\n  and checks in.\n"))
    data = diff_json(EXAMPLE, new)
    assert data["findings"]["added"] == data["findings"]["resolved"] == []
    assert [f["line"] - f["old"]["line"] for f in data["findings"]["open"]] == [2] * 6


def test_invalid_version_compares_findings_only_and_exits_1(tmp_path: Path) -> None:
    new = edit(tmp_path, ("        emotion: -1\n", "        emoton: -1\n"))
    result = run_cli("diff", EXAMPLE, new, "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["valid"] == {"old": True, "new": False}
    assert data["steps"] is None and data["metrics"] is None
    assert [f["code"] for f in data["findings"]["added"]] == ["E003"]
    assert len(data["findings"]["resolved"]) == 6
    assert "E003" in result.stderr and str(new) in result.stderr


def test_output_file_and_samples(tmp_path: Path) -> None:
    target = tmp_path / "d.json"
    result = run_cli("diff", SAMPLES / "hotel-stay.yaml", SAMPLES / "bank-account-online.yaml",
                     "--format", "json", "-o", target)
    assert result.returncode == 0 and result.stdout == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert {lane["id"] for lane in data["lanes"]["added"]} == {"customer", "frontstage", "backstage", "support"}
    assert "stage.book.time_s" in data["metrics"] and data["metrics"]["stage.book.time_s"]["new"] is None


@pytest.mark.parametrize("missing", ["old", "new"])
def test_missing_file_is_a_usage_error(tmp_path: Path, missing: str) -> None:
    args = [tmp_path / "nope.yaml", EXAMPLE] if missing == "old" else [EXAMPLE, tmp_path / "nope.yaml"]
    result = run_cli("diff", *args)
    assert result.returncode == 2 and "no such file" in result.stderr
