"""Current vs future on hand-made pairs (tests/fixtures/compare): every list and delta of `diff`, its words, and the
marks of `render --compare`. Times are hand-computed in the fixtures' comments."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from blueprint.api import check_file
from support import run_cli
from svg_geometry import Picture

PAIRS = Path(__file__).parent / "fixtures" / "compare"
CURRENT = PAIRS / "cafe.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def compare(future: str) -> tuple[dict[str, Any], list[str]]:
    """The JSON and the text lines of `diff cafe.yaml FUTURE`."""
    new = PAIRS / future
    data = run_cli("diff", CURRENT, new, "--format", "json")
    text = run_cli("diff", CURRENT, new)
    assert data.returncode == text.returncode == 0, data.stderr + text.stderr
    return json.loads(data.stdout), text.stdout.splitlines()


def ids(data: dict[str, Any], kind: str, change: str) -> list[str]:
    return [item["id"] for item in data[kind][change]]


def where(findings: list[dict[str, Any]]) -> list[tuple[str, str | None, str | None]]:
    return [(f["code"], f["step"], f["lane"]) for f in findings]


def assert_moved(data: dict[str, Any], expected: dict[str, dict[str, float | None]]) -> None:
    """The metrics whose value changed are `expected`: old, new and delta, unrounded (to float precision)."""
    moved = {name: value for name, value in data["metrics"].items() if value["old"] != value["new"]}
    assert moved.keys() == expected.keys()
    for name, want in expected.items():
        for part in ("old", "new", "delta"):
            got = moved[name][part]
            assert got == (None if want[part] is None else pytest.approx(want[part], abs=1e-9)), (name, part)


def marked(tmp_path: Path, future: str, view: str = "blueprint") -> dict[str, str]:
    """Element id -> its text, of every comparison mark in `render FUTURE --compare cafe.yaml`."""
    result = run_cli("render", PAIRS / future, "--compare", CURRENT, "--view", view, "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    root = ET.parse(tmp_path / f"{future.removesuffix('.yaml')}.{view}.svg").getroot()
    return {g.get("id", ""): " ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))
            for g in root.iter(f"{SVG}g") if g.get("id", "").startswith(("added.", "changed.", "removed"))}


def test_a_waiting_line_removed(tmp_path: Path) -> None:
    data, text = compare("cafe-no-queue.yaml")
    assert ids(data, "stages", "removed") == ["arrive"] and ids(data, "steps", "removed") == ["queue"]
    assert ids(data, "actions", "removed") == ["queue.guest", "queue.waiter"]
    assert all(data[kind]["added"] == data[kind]["changed"] == [] for kind in ("lanes", "stages", "steps", "actions"))
    assert_moved(data, {
        "lead_time_s": {"old": 6300, "new": 5520, "delta": -780},
        "expected_lead_time_s": {"old": 6300, "new": 5520, "delta": -780},      # every step always happens
        "value_added_ratio": {"old": 47 / 105, "new": 47 / 92, "delta": 47 / 92 - 47 / 105},
        "findings.open": {"old": 7, "new": 5, "delta": -2},
        "stage.arrive.time_s": {"old": 780, "new": None, "delta": None},
    })
    assert where(data["findings"]["resolved"]) == [("W301", "queue", None), ("P101", "queue", None)]
    assert data["findings"]["added"] == []
    assert where(data["findings"]["open"]) == [("F201", "order", "waiter"), ("F202", "order", "waiter"),
                                               ("W301", "drinks", None), ("P101", "drinks", None),
                                               ("L601", "pay", "waiter")]
    assert text[2:8] == ["Lead time 1h 45m → 1h 32m (−13m, −12.4 %)", "Value-added ratio 44.8 % → 51.1 % (+6.3 pp)",
                         "Open findings 7 → 5 (−2, −28.6 %)", "Time in stage Arrive 13m → –", "",
                         "Lanes and stages"]
    assert text[8:13] == ["  Stage Arrive removed", "", "− Wait for a table (Arrive)", "  Guest: “Waits at the door”",
                          "  Waiter: “Seats the party ahead”"]
    assert "Findings resolved (2)" in text and "Findings still open (5)" in text
    assert marked(tmp_path, "cafe-no-queue.yaml") == {"removed": "Removed: Wait for a table"}


def test_a_fail_point_mitigated_is_a_change_not_resolved_plus_added(tmp_path: Path) -> None:
    data, text = compare("cafe-mitigated.yaml")
    assert data["actions"]["changed"] == [{"id": "order.waiter", "changes": {
        "fail_risk": {"old": 12, "new": 4}, "fail_mitigation": {"old": None, "new": "Reads the order back"}}}]
    assert all(data[kind][change] == [] for kind in ("lanes", "stages", "steps") for change in ("added", "removed"))
    assert_moved(data, {"fail_points.risk": {"old": 12, "new": 4, "delta": -8},
                        "findings.open": {"old": 7, "new": 6, "delta": -1}})
    assert where(data["findings"]["resolved"]) == [("F202", "order", "waiter")]
    assert data["findings"]["added"] == []
    risk = next(f for f in data["findings"]["open"] if f["code"] == "F201")
    assert (risk["message"], risk["old"]["message"]) == ("fail point: Order misheard (risk 4)",
                                                         "fail point: Order misheard (risk 12)")
    assert text[2:8] == ["Total fail-point risk 12 → 4 (−8, −66.7 %)", "Open findings 7 → 6 (−1, −14.3 %)", "",
                         "~ Order (Dine)", "  Fail-point risk at Order · Waiter 12 → 4",
                         "  Mitigation at Order · Waiter none → “Reads the order back”"]
    assert any(line.endswith("F201 fail point: Order misheard (risk 4)  (← fail point: Order misheard (risk 12))")
               for line in text)
    assert marked(tmp_path, "cafe-mitigated.yaml") == {"changed.order.waiter": ""}
    assert marked(tmp_path, "cafe-mitigated.yaml", "journey") == {}     # the waiter is not on the journey map


def test_a_step_replaced(tmp_path: Path) -> None:
    data, text = compare("cafe-replaced.yaml")
    assert ids(data, "steps", "added") == ["tap"] and ids(data, "steps", "removed") == ["pay"]
    assert ids(data, "actions", "added") == ["tap.guest", "tap.waiter"]
    assert ids(data, "actions", "removed") == ["pay.guest", "pay.waiter"]
    assert data["steps"]["changed"] == data["actions"]["changed"] == data["stages"]["changed"] == []
    assert_moved(data, {
        "lead_time_s": {"old": 6300, "new": 5340, "delta": -960},
        "expected_lead_time_s": {"old": 6300, "new": 5340, "delta": -960},
        "value_added_ratio": {"old": 47 / 105, "new": 47 / 89, "delta": 47 / 89 - 47 / 105},
        "findings.open": {"old": 7, "new": 6, "delta": -1},
        "stage.leave.time_s": {"old": 1140, "new": 180, "delta": -960},
    })
    assert where(data["findings"]["resolved"]) == [("L601", "pay", "waiter")] and data["findings"]["added"] == []
    assert text[2:6] == ["Lead time 1h 45m → 1h 29m (−16m, −15.2 %)", "Value-added ratio 44.8 % → 52.8 % (+8.0 pp)",
                         "Open findings 7 → 6 (−1, −14.3 %)", "Time in stage Leave 19m → 3m (−16m, −84.2 %)"]
    assert text[7:15] == ["− Pay (Leave)", "  Guest: “Pays by card”", "  Waiter: “Fetches the card reader”", "",
                          "+ Pay at the table (Leave)", "  Guest: “Taps the card on the handheld”",
                          "  Waiter: “Confirms the payment”", ""]
    assert marked(tmp_path, "cafe-replaced.yaml") == {"added.tap": "", "removed": "Removed: Pay"}
    assert marked(tmp_path, "cafe-replaced.yaml", "journey") == {"added.tap": "", "removed": "Removed: Pay"}


def test_shorter_waits_in_people_s_words(tmp_path: Path) -> None:
    data, text = compare("cafe-faster.yaml")
    assert data["steps"]["changed"] == [{"id": "drinks", "changes": {"wait_s": {"old": 360, "new": 180}}},
                                        {"id": "pay", "changes": {"wait_s": {"old": 780, "new": 600}}}]
    assert_moved(data, {
        "lead_time_s": {"old": 6300, "new": 5940, "delta": -360},
        "expected_lead_time_s": {"old": 6300, "new": 5940, "delta": -360},
        "value_added_ratio": {"old": 47 / 105, "new": 47 / 99, "delta": 47 / 99 - 47 / 105},
        "findings.open": {"old": 7, "new": 6, "delta": -1},
        "stage.dine.time_s": {"old": 4380, "new": 4200, "delta": -180},
        "stage.leave.time_s": {"old": 1140, "new": 960, "delta": -180},
    })
    assert where(data["findings"]["resolved"]) == [("W301", "drinks", None)]
    assert text[2] == "Lead time 1h 45m → 1h 39m (−6m, −5.7 %)"
    assert ["~ Drinks (Dine)", "  Wait before Drinks 6m → 3m", "", "~ Pay (Leave)",
            "  Wait before Pay 13m → 10m"] == text[8:13]
    assert marked(tmp_path, "cafe-faster.yaml") == {"changed.drinks": "", "changed.pay": ""}


def test_legend_names_added_and_changed(tmp_path: Path) -> None:
    assert run_cli("render", PAIRS / "cafe-replaced.yaml", "--compare", PAIRS / "cafe-faster.yaml",
                   "--view", "blueprint", "-o", tmp_path).returncode == 0
    svg = (tmp_path / "cafe-replaced.blueprint.svg").read_text(encoding="utf-8")
    for ident, words in (("legend.added", "Step added"), ("legend.changed", "Changed")):
        assert f'id="{ident}"' in svg and f">{words}<" in svg
    plain = run_cli("render", PAIRS / "cafe-replaced.yaml", "--view", "blueprint", "-o", tmp_path)
    assert plain.returncode == 0
    svg = (tmp_path / "cafe-replaced.blueprint.svg").read_text(encoding="utf-8")
    assert not any(mark in svg for mark in ('id="added.', 'id="changed.', 'id="removed"', 'id="legend.added"'))


def test_same_file_on_both_sides_has_no_changes(tmp_path: Path) -> None:
    result = run_cli("diff", CURRENT, CURRENT)
    assert result.returncode == 0 and result.stdout.splitlines()[1:] == ["", "no changes"]
    assert marked(tmp_path, "cafe.yaml") == {}


def assert_valid_pair(name: str) -> None:
    """The 1.1 pairs must be valid: an invalid one would only hide what the test checks."""
    assert check_file(PAIRS / name).valid, name


def test_two_steps_made_parallel_with_after(tmp_path: Path) -> None:
    assert_valid_pair("cafe-parallel.yaml")
    data, text = compare("cafe-parallel.yaml")
    assert data["steps"]["changed"] == [{"id": "drinks", "changes": {"after": {"old": None, "new": ["order"]}}},
                                        {"id": "meal", "changes": {"after": {"old": None, "new": ["order"]}}}]
    # queue 0-13m, order 13-21m, drinks 21-29m beside meal 21-78m, pay 78-97m
    assert_moved(data, {
        "lead_time_s": {"old": 6300, "new": 5820, "delta": -480},
        "expected_lead_time_s": {"old": 6300, "new": 5820, "delta": -480},
        "value_added_ratio": {"old": 47 / 105, "new": 47 / 97, "delta": 47 / 97 - 47 / 105},
        "stage.dine.time_s": {"old": 4380, "new": 3900, "delta": -480},
    })
    assert data["findings"]["added"] == data["findings"]["resolved"] == []
    assert text[2:5] == ["Lead time 1h 45m → 1h 37m (−8m, −7.6 %)", "Value-added ratio 44.8 % → 48.5 % (+3.7 pp)",
                         "Time in stage Dine 1h 13m → 1h 5m (−8m, −11.0 %)"]     # expected lead time = lead time
    assert text[6:11] == ["~ Drinks (Dine)", "  Steps before Drinks the step before → “Order”", "",
                          "~ Meal (Dine)", "  Steps before Meal the step before → “Order”"]
    assert marked(tmp_path, "cafe-parallel.yaml") == {"changed.drinks": "", "changed.meal": ""}


def test_costs_chance_and_emotions_per_customer_lane() -> None:
    assert_valid_pair("clinic.yaml")
    new = PAIRS / "clinic-future.yaml"
    data = json.loads(run_cli("diff", PAIRS / "clinic.yaml", new, "--format", "json").stdout)
    assert_moved(data, {
        "expected_lead_time_s": {"old": 2172, "new": 2166, "delta": -6},
        "cost.total": {"old": 75.5, "new": 65.5, "delta": -10},
        "cost.direct": {"old": 32, "new": 22, "delta": -10},
        "cost.expected": {"old": 75.5, "new": 65.5, "delta": -10},
        "findings.open": {"old": 2, "new": 1, "delta": -1},
    })
    assert {name for name in data["metrics"] if name.startswith("cost.")} == {
        "cost.total", "cost.labour", "cost.direct", "cost.indirect", "cost.waste", "cost.expected"}
    assert data["steps"]["changed"] == [
        {"id": "triage", "changes": {"emotion": {"old": -2, "new": -1},
                                     "emotions": {"old": {"patient": -1, "carer": -2},
                                                  "new": {"patient": 0, "carer": -1}}}},
        {"id": "recall", "changes": {"chance": {"old": 0.2, "new": 0.1}}}]
    assert data["actions"]["changed"] == [{"id": "xray.nurse", "changes": {"cost": {"old": 20, "new": 10}}}]
    assert where(data["findings"]["resolved"]) == [("P102", "triage", "carer")]
    assert where(data["findings"]["open"]) == [("T701", "triage", None)] and data["findings"]["added"] == []
    text = run_cli("diff", PAIRS / "clinic.yaml", new).stdout.splitlines()
    assert text[2:7] == ["Expected lead time 36m 12s → 36m 6s (−6s, −0.3 %)",
                         "Cost 75.50 EUR → 65.50 EUR (−10.00 EUR, −13.2 %)",
                         "Direct cost 32.00 EUR → 22.00 EUR (−10.00 EUR, −31.2 %)",
                         "Expected cost 75.50 EUR → 65.50 EUR (−10.00 EUR, −13.2 %)",
                         "Open findings 2 → 1 (−1, −50.0 %)"]
    for line in ("  Emotions at Describes the pain Patient −1, Carer −2 → Patient 0, Carer −1",
                 "  Direct cost of xray · Nurse 20.00 EUR → 10.00 EUR", "  Chance of Gets a call back 20.0 % → 10.0 %"):
        assert line in text


def test_marks_frame_what_they_mark(tmp_path: Path) -> None:
    """The added frame holds its column's heading and boxes; a changed band rings its box; the removed box sits
    below the lanes and the legend, overlapping nothing."""
    result = run_cli("render", PAIRS / "cafe-future.yaml", "--compare", CURRENT, "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    picture = Picture((tmp_path / "cafe-future.blueprint.svg").read_bytes())
    frame = picture.rect("added.tap")
    assert all(frame.contains(picture.rect(ident)) for ident in ("step.tap", "a.tap.guest", "a.tap.waiter"))
    assert not frame.overlaps(picture.rect("a.meal.guest"))
    for ring, box in (("changed.order.waiter", "a.order.waiter"), ("changed.drinks", "step.drinks")):
        outer, inner = picture.rect(ring), picture.rect(box)
        assert outer.contains(inner) and outer.width - inner.width == pytest.approx(8, abs=1)
    removed = picture.rect("removed")
    assert removed.top > picture.rect("legend").bottom > picture.rect("lane.kitchen").bottom
    assert picture.text("removed") == "Removed: Wait for a table · Pay"
    journey = Picture((tmp_path / "cafe-future.journey.svg").read_bytes())
    assert journey.rect("added.tap").contains(journey.rect("step.tap"))
    assert journey.rect("added.tap").contains(journey.rect("action.tap"))
    assert journey.rect("changed.drinks").contains(journey.rect("step.drinks"))


def test_a_step_moved_to_another_stage_is_named_by_titles(tmp_path: Path) -> None:
    moved_file = tmp_path / "moved.yaml"
    stage = "  - id: leave\n    title: Leave\n    steps:\n"
    moved_file.write_text(CURRENT.read_text(encoding="utf-8").replace(stage, ""), encoding="utf-8")
    result = run_cli("diff", CURRENT, moved_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2:10] == [
        "Time in stage Dine 1h 13m → 1h 32m (+19m, +26.0 %)", "Time in stage Leave 19m → –", "",
        "Lanes and stages", "  Stage Leave removed", "", "~ Pay (Dine)", "  Stage of Pay “Leave” → “Dine”"]
