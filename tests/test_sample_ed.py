"""The 1.1 sample (an ED visit), measured and checked against numbers worked by hand."""
from __future__ import annotations

import json

import pytest

from support import SAMPLES, run_cli

SAMPLE = SAMPLES / "ed-visit-older-patient.yaml"
M = 60
H = 3600

# Step time = wait + the longest chain of the step's own request flows; `alongside` groups count once.
# (start, finish) follow `after`: notify-carer and wait-doctor both after handover, bloods and xray both
# after doctor, review after both, admit and discharge both after review.
SCHEDULE = {
    "fall": (0, 6 * M),                                  # patient 0 -> carer 4m -> crew 2m
    "ambulance": (6 * M, 61 * M),                        # wait 25m + crew 30m
    "transport": (61 * M, 81 * M),                       # patient alongside crew: 20m once; carer auto: false
    "handover": (81 * M, 133 * M),                       # wait 40m + crew/nurse group 10m + ehr 2m
    "notify-carer": (133 * M, 133 * M + 5 * M + 10),     # upwards: ehr 10s -> carer 5m
    "wait-doctor": (133 * M, 263 * M),                   # wait 2h + nurse 10m
    "doctor": (263 * M, 285 * M),                        # patient/carer/doctor group 20m + ehr 2m
    "bloods": (285 * M, 350 * M),                        # nurse 5m -> lab 1h
    "xray": (285 * M, 330 * M),                          # wait 30m + patient/radiographer group 15m
    "review": (350 * M, 365 * M),                        # doctor 15m
    "admit": (365 * M, 580 * M),                         # wait 3h + nurse 15m -> beds 20m
    "discharge": (365 * M, 471 * M),                     # wait 1h30m + group 0 -> nurse 15m -> ehr 1m
}
CRITICAL = ["fall", "ambulance", "transport", "handover", "wait-doctor", "doctor", "bloods", "review", "admit"]
# Labour = rate x hours, indirect = 0.4 x labour, plus direct cost; per step:
COST = {
    "fall": 4 * 1.4,                                     # crew 120/h x 2m
    "ambulance": 60 * 1.4,                               # crew 30m
    "transport": 40 * 1.4 + 1350,                        # crew 20m + ambulance fee
    "handover": 20 * 1.4 + 65 / 6 * 1.4,                 # crew 10m + nurse 65/h x 10m
    "notify-carer": 0,
    "wait-doctor": 65 / 6 * 1.4,
    "doctor": 50 * 1.4,                                  # doctor 150/h x 20m
    "bloods": 65 / 12 * 1.4 + 60 * 1.4 + 45,             # nurse 5m + lab 60/h x 1h + test
    "xray": 17.5 * 1.4 + 80,                             # radiographer 70/h x 15m + film
    "review": 37.5 * 1.4,
    "admit": 16.25 * 1.4 + 20 * 1.4 + 1175,              # nurse 15m (waste) + beds 60/h x 20m + inpatient day
    "discharge": 16.25 * 1.4,
}
CHANCE = {"admit": 0.6, "discharge": 0.4}


@pytest.fixture(scope="module")
def metrics() -> dict:
    result = run_cli("metrics", "--format", "json", SAMPLE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_schedule_lead_time_and_critical_path(metrics: dict) -> None:
    assert {s["id"]: (s["start_s"], s["finish_s"]) for s in metrics["steps"]} == SCHEDULE
    assert metrics["lead_time_s"] == 580 * M                     # 9h 40m: the admitted branch
    assert metrics["critical_path"] == CRITICAL
    assert [s["id"] for s in metrics["steps"] if s["critical"]] == CRITICAL
    # value-added on the critical path: crew 30m + 20m, nurse 10m + 10m, doctor 20m
    assert metrics["value_added_s"] == 90 * M
    # expected: admit counts 0.6 x 3h35m = 2h9m after review's 6h5m; discharge 0.4 x 1h46m
    assert metrics["expected_lead_time_s"] == pytest.approx(365 * M + 0.6 * 215 * M)


def test_stage_spans(metrics: dict) -> None:
    spans = {s["id"]: (s["start_s"], s["finish_s"]) for s in metrics["stages"]}
    assert spans == {"call": (0, 81 * M), "arrive": (81 * M, 263 * M), "assess": (263 * M, 365 * M),
                     "leave": (365 * M, 580 * M)}


def test_cost(metrics: dict) -> None:
    assert {s["id"]: s["cost"] for s in metrics["steps"]} == pytest.approx(COST)
    cost = metrics["cost"]
    assert cost["currency"] == "AUD"
    assert cost["total"] == pytest.approx(sum(COST.values()))   # 3,166.02
    assert cost["direct"] == 1350 + 45 + 80 + 1175
    assert cost["indirect"] == pytest.approx(0.4 * cost["labour"])
    assert cost["waste"] == pytest.approx(16.25 * 1.4)
    assert cost["expected"] == pytest.approx(sum(COST[step] * CHANCE.get(step, 1) for step in COST))


def test_findings() -> None:
    result = run_cli("check", "--format", "json", SAMPLE)
    assert result.returncode == 0, result.stdout
    found = sorted((f["code"], f["step"], f["severity"]) for f in json.loads(result.stdout))
    counts = {code: sum(1 for f in found if f[0] == code) for code in {f[0] for f in found}}
    assert counts == {"P101": 5, "F201": 5, "F202": 3, "F203": 1, "W301": 5, "T701": 2, "L601": 1}
    assert [step for code, step, _ in found if code == "T701"] == ["handover", "review"]
    assert {severity for code, _, severity in found if code in ("P101", "F201", "L601")} == {"info"}
    strict = run_cli("check", "--strict", SAMPLE)
    assert strict.returncode == 1                                # F202, F203, W301 and T701 are warnings
