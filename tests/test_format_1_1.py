"""Format 1.1: the worked example of FORMAT.md exactly, and every new metric against figures computed by hand."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from blueprint.api import Document, check_file
from blueprint.metrics import measure, metrics_json
from blueprint.model import FlowOrigin

from support import FORMAT_MD, check_yaml, run_cli

EXAMPLE = Path(__file__).parent / "fixtures" / "format-1.1-example.yaml"


def _figures(document: Document) -> dict[str, Any]:
    assert document.valid, document.findings
    assert document.service is not None
    return metrics_json(measure(document.service))


def _steps(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["id"]: step for step in figures["steps"]}


def _service(steps: str, head: str = "", lanes: str = "") -> str:
    """A service of one stage: `steps` is the YAML list of its steps (indented as under `steps:`)."""
    return ("blueprint: 1\ntitle: T\n" + head + (f"lanes:\n{lanes}" if lanes else "")
            + "stages:\n  - id: visit\n    title: Visit\n    steps:\n" + steps)


# the worked example ----------------------------------------------------------------------------------------


def test_fixture_is_formats_1_1_example() -> None:
    if not FORMAT_MD.exists():
        pytest.skip("shared/spec/FORMAT.md is not beside this checkout")
    text = FORMAT_MD.read_text(encoding="utf-8")
    section = text[text.index("### The 1.1 example, worked"):]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block and block.group(1) == EXAMPLE.read_text(encoding="utf-8")


def test_worked_schedule() -> None:
    steps = _steps(_figures(check_file(EXAMPLE)))
    # triage 0-6m (patient and nurse together: 6m, not 12m); blood 6m-36m; xray 6m-21m; recall 36m-37m
    assert [(s["id"], s["start_s"], s["finish_s"], s["time_s"]) for s in steps.values()] == [
        ("triage", 0, 360, 360), ("blood", 360, 2160, 1800), ("xray", 360, 1260, 900), ("recall", 2160, 2220, 60)]
    assert {s["id"]: s["critical"] for s in steps.values()} == {
        "triage": True, "blood": True, "xray": False, "recall": True}
    assert {s["id"]: s["chance"] for s in steps.values()} == {"triage": 1, "blood": 1, "xray": 1, "recall": 0.2}


def test_worked_lead_time_critical_path_and_value_added() -> None:
    document = check_file(EXAMPLE)
    figures = _figures(document)
    assert figures["lead_time_s"] == 37 * 60
    assert figures["critical_path"] == ["triage", "blood", "recall"]
    assert figures["value_added_s"] == 6 * 60          # triage's group; blood and recall add none
    assert figures["value_added_ratio"] == 360 / 2220  # 6/37, unrounded
    assert figures["expected_lead_time_s"] == 36 * 60 + 12   # 6m + 30m + 0.2 x 1m
    assert [(s["id"], s["start_s"], s["finish_s"], s["time_s"]) for s in figures["stages"]] == [
        ("visit", 0, 37 * 60, 37 * 60)]
    assert document.service is not None
    xray = next(step for step in measure(document.service).steps if step.id == "xray")
    assert xray.slack_s == 15 * 60


def test_worked_cost() -> None:
    figures = _figures(check_file(EXAMPLE))
    # nurse triage 40 x 0.1 h = 4 + 2 indirect; blood 15 + 12 + 7.5; xray 10 + 20 + 5; recall 0 (no rate)
    assert {s["id"]: s["cost"] for s in figures["steps"]} == {"triage": 6, "blood": 34.5, "xray": 35, "recall": 0}
    assert figures["cost"] == {"currency": "EUR", "total": 75.5, "labour": 29, "direct": 32, "indirect": 14.5,
                               "waste": 0, "expected": 75.5}
    assert figures["stages"][0]["cost"] == 75.5


def test_worked_findings_and_touchpoints() -> None:
    document = check_file(EXAMPLE)
    assert [(f.code, f.step, f.lane, f.severity.value) for f in document.findings] == [
        ("T701", "triage", None, "warning")]
    assert "−1" in document.findings[0].message and "2.8" in document.findings[0].message
    assert _figures(document)["touchpoints"] == [
        {"step": "triage", "name": "Triage desk", "channel": "in-person", "moment": True, "csat": 2.8, "nps": None,
         "emotion": -1}]


def test_worked_flows() -> None:
    service = check_file(EXAMPLE).service
    assert service is not None
    flows = {(str(flow.source), str(flow.target)): flow for flow in service.flows}
    # the patient and the nurse triage together: their support flow is a plain joining line
    assert flows[("triage.patient", "triage.nurse")].alongside
    assert not flows[("triage.nurse", "triage.ehr")].alongside
    # direction: up, so the recall SMS runs up to the patient (no V401)
    assert flows[("recall.ehr", "recall.patient")].origin is FlowOrigin.SUPPORT
    assert ("recall.patient", "recall.ehr") not in flows
    # the patient's chain: triage to recall, across the steps without a patient action
    assert flows[("triage.patient", "recall.patient")].origin is FlowOrigin.TIME
    assert service.uses_after
    assert service.step("triage").members("nurse") == ("patient", "nurse")


# the schedule ----------------------------------------------------------------------------------------------

PARALLEL = """\
      - id: a
        actions: {customer: {text: Starts, duration: 10m}}
      - id: b
        after: a
        actions: {frontstage: {text: Long branch, duration: 30m, value: business}}
      - id: c
        after: a
        actions: {frontstage: {text: Short branch, duration: 5m, value: customer}}
      - id: d
        after: [b, c]
        actions: {customer: {text: Joins, duration: 2m, value: customer}}
"""


def test_parallel_branches_by_hand() -> None:
    figures = _figures(check_yaml(_service(PARALLEL)))
    steps = _steps(figures)
    assert [(s["start_s"], s["finish_s"]) for s in steps.values()] == [(0, 600), (600, 2400), (600, 900),
                                                                         (2400, 2520)]
    assert figures["lead_time_s"] == 2520          # 10 + 30 + 2 minutes, not the sum 47
    assert figures["critical_path"] == ["a", "b", "d"]
    assert [s["critical"] for s in steps.values()] == [True, True, False, True]
    assert figures["value_added_s"] == 120         # only d's 2m lies on the critical path
    assert figures["stages"][0]["time_s"] == 2520


def test_slack_is_the_backward_pass() -> None:
    document = check_yaml(_service(PARALLEL))
    assert document.service is not None
    slack = {step.id: step.slack_s for step in measure(document.service).steps}
    assert slack == {"a": 0, "b": 0, "c": 1500, "d": 0}   # c may finish 25m later


def test_critical_path_ties_go_to_value_added_then_file_order() -> None:
    two_equal = """\
      - id: a
        actions: {customer: {text: Starts, duration: 10m}}
      - id: b
        after: a
        actions: {frontstage: {text: Left, duration: 5m, value: business}}
      - id: c
        after: a
        actions: {frontstage: {text: Right, duration: 5m, value: CLASS}}
      - id: d
        after: [b, c]
        actions: {customer: {text: Ends, duration: 1m}}
"""
    # equal length, c adds value: c's path
    figures = _figures(check_yaml(_service(two_equal.replace("CLASS", "customer"))))
    assert figures["critical_path"] == ["a", "c", "d"] and figures["value_added_s"] == 300
    # equal length and equal value-added time: the first differing step in the file (b)
    figures = _figures(check_yaml(_service(two_equal.replace("CLASS", "business"))))
    assert figures["critical_path"] == ["a", "b", "d"] and figures["value_added_s"] == 0
    assert [s["critical"] for s in figures["steps"]] == [True, True, True, True]


def test_after_empty_starts_at_zero_and_a_later_step_may_be_named() -> None:
    steps = """\
      - id: a
        after: b
        actions: {customer: {text: Second, duration: 4m}}
      - id: b
        after: []
        actions: {customer: {text: First, duration: 3m}}
      - id: c
        after: []
        actions: {frontstage: {text: Alone, duration: 1m}}
"""
    figures = _figures(check_yaml(_service(steps)))
    assert [(s["id"], s["start_s"], s["finish_s"]) for s in figures["steps"]] == [
        ("a", 180, 420), ("b", 0, 180), ("c", 0, 60)]
    assert figures["lead_time_s"] == 420
    assert figures["critical_path"] == ["b", "a"]     # in time order


def test_without_after_the_schedule_is_version_1s_sum() -> None:
    steps = """\
      - id: a
        wait: 5m
        actions: {customer: {text: A, duration: 1m}}
      - id: b
        actions: {customer: {text: B, duration: 2m}}
"""
    figures = _figures(check_yaml(_service(steps)))
    assert [(s["start_s"], s["finish_s"], s["critical"]) for s in figures["steps"]] == [(0, 360, True),
                                                                                          (360, 480, True)]
    assert figures["lead_time_s"] == 480 and figures["critical_path"] == ["a", "b"]


def test_expected_lead_time_weights_the_whole_step_time_by_chance() -> None:
    steps = """\
      - id: a
        actions: {customer: {text: A, duration: 10m}}
      - id: b
        chance: 0.5
        when: the form is wrong
        wait: 4m
        actions: {customer: {text: B, duration: 6m}}
      - id: c
        actions: {customer: {text: C, duration: 1m}}
"""
    figures = _figures(check_yaml(_service(steps)))
    assert figures["lead_time_s"] == 21 * 60
    assert figures["expected_lead_time_s"] == 10 * 60 + 0.5 * 10 * 60 + 60    # b's wait counts too
    assert _steps(figures)["b"]["chance"] == 0.5


def test_stage_spans_with_parallel_stages() -> None:
    text = """\
blueprint: 1
title: Two stages side by side
stages:
  - id: one
    title: One
    steps:
      - id: a
        actions: {customer: {text: A, duration: 10m}}
  - id: two
    title: Two
    steps:
      - id: b
        after: []
        actions: {customer: {text: B, duration: 4m}}
      - id: c
        actions: {customer: {text: C, duration: 2m}}
"""
    figures = _figures(check_yaml(text))
    assert [(s["id"], s["start_s"], s["finish_s"], s["time_s"]) for s in figures["stages"]] == [
        ("one", 0, 600, 600), ("two", 0, 360, 360)]
    assert figures["lead_time_s"] == 600 and figures["critical_path"] == ["a"]


# who acts together ---------------------------------------------------------------------------------------------


def test_alongside_group_counts_once_with_its_longest_member() -> None:
    steps = """\
      - id: drive
        actions:
          customer: {text: Rides along, duration: 40m, value: customer}
          frontstage: {text: Drives, duration: 45m, alongside: customer, value: business}
          backstage: {text: Logs the trip, duration: 2m}
"""
    figures = _figures(check_yaml(_service(steps)))
    # the group is 45m (not 85m), then backstage 2m; its value-added time is its longest customer-value member
    assert figures["lead_time_s"] == 47 * 60
    assert figures["value_added_s"] == 40 * 60


def test_alongside_through_each_other_is_one_group() -> None:
    steps = """\
      - id: meet
        actions:
          customer: {text: Talks, duration: 10m}
          frontstage: {text: Listens, duration: 12m, alongside: customer}
          backstage: {text: Joins the call, duration: 8m, alongside: frontstage}
          support: {text: Records, duration: 1m}
"""
    document = check_yaml(_service(steps))
    figures = _figures(document)
    assert figures["lead_time_s"] == 13 * 60
    assert document.service is not None
    step = document.service.step("meet")
    assert step.members("backstage") == ("customer", "frontstage", "backstage")
    assert step.together("customer", "backstage") and not step.together("customer", "support")


def test_alongside_flows_count_as_hand_offs_and_for_v401() -> None:
    steps = """\
      - id: a
        actions:
          customer: {text: Shows the parcel, duration: 1m}
          backstage: {text: Checks it, duration: 1m, alongside: customer}
"""
    document = check_yaml(_service(steps))
    assert document.valid
    # a customer lane straight to backstage, even joined: V401 (FORMAT.md: alongside flows count for V401, G502)
    assert [(f.code, f.step, f.lane) for f in document.findings if f.code == "V401"] == [("V401", "a", "customer")]
    assert _figures(document)["lead_time_s"] == 60


# automatic flows ---------------------------------------------------------------------------------------------


def _flow_pairs(document: Document) -> set[tuple[str, str]]:
    assert document.service is not None, document.findings
    return {(str(flow.source), str(flow.target)) for flow in document.service.flows}


def test_auto_false_is_skipped_by_chain_and_support_rule() -> None:
    steps = """\
      - id: a
        actions: {customer: One, frontstage: {text: Two, auto: false}, backstage: Three}
      - id: b
        actions: {customer: {text: Skipped, auto: false}}
      - id: c
        actions: {customer: Four}
"""
    pairs = _flow_pairs(check_yaml(_service(steps)))
    assert pairs == {("a.customer", "a.backstage"), ("a.customer", "c.customer")}


def test_chain_on_a_frontstage_lane_and_off_on_a_customer_lane() -> None:
    lanes = """\
  - {id: guest, kind: customer, chain: false}
  - {id: truck, kind: frontstage, chain: true}
"""
    steps = """\
      - id: a
        actions: {guest: Waits, truck: Loads}
      - id: b
        actions: {guest: Waits more, truck: Drives}
"""
    pairs = _flow_pairs(check_yaml(_service(steps, lanes=lanes)))
    assert pairs == {("a.guest", "a.truck"), ("b.guest", "b.truck"), ("a.truck", "b.truck")}


def test_auto_flows_false_turns_chain_off_too() -> None:
    lanes = "  - {id: guest, kind: customer}\n  - {id: truck, kind: frontstage, chain: true}\n"
    steps = """\
      - id: a
        actions: {guest: Waits, truck: Loads}
      - id: b
        actions: {guest: Waits more, truck: Drives}
"""
    assert _flow_pairs(check_yaml(_service(steps, head="auto_flows: false\n", lanes=lanes))) == set()


def test_direction_up_runs_upwards_and_never_ends_at_evidence() -> None:
    steps = """\
      - id: remind
        direction: up
        actions: {evidence: Text message, customer: Reads it, frontstage: {text: Sends, auto: false}, support: Texts}
"""
    document = check_yaml(_service(steps))
    assert _flow_pairs(document) == {("remind.support", "remind.customer")}
    assert "V401" not in {f.code for f in document.findings}


# cost --------------------------------------------------------------------------------------------------------


def test_cost_by_hand() -> None:
    lanes = """\
  - {id: customer, kind: customer, rate: 20}
  - {id: clerk, kind: frontstage, rate: 60}
  - {id: post, kind: support}
"""
    steps = """\
      - id: a
        actions:
          customer: {text: Fills the form, duration: 30m}
          clerk: {text: Retypes it, duration: 15m, value: none}
          post: {text: Posts a letter, cost: 1.5}
      - id: b
        chance: 0.25
        actions: {clerk: {text: Calls back, duration: 6m, cost: 2}}
"""
    figures = _figures(check_yaml(_service(steps, head="currency: CNY\noverhead: 0.2\n", lanes=lanes)))
    # a: customer 20 x 0.5 = 10 labour + 2 indirect; clerk 60 x 0.25 = 15 + 3 (waste 18); post 1.5 direct
    # b: clerk 60 x 0.1 = 6 + 1.2 indirect + 2 direct = 9.2
    steps_cost = {s["id"]: s["cost"] for s in figures["steps"]}
    assert steps_cost == {"a": 31.5, "b": pytest.approx(9.2)}
    cost = figures["cost"]
    assert cost["currency"] == "CNY"
    assert cost["labour"] == pytest.approx(31) and cost["direct"] == 3.5 and cost["indirect"] == pytest.approx(6.2)
    assert cost["total"] == pytest.approx(40.7) and cost["waste"] == 18
    assert cost["expected"] == pytest.approx(31.5 + 0.25 * 9.2)
    assert figures["stages"][0]["cost"] == pytest.approx(40.7)     # stages are plain sums


def test_no_cost_given_is_zero_and_currency_null() -> None:
    figures = _figures(check_yaml(_service("      - id: a\n        actions: {customer: {text: A, duration: 1m}}\n")))
    assert figures["cost"] == {"currency": None, "total": 0, "labour": 0, "direct": 0, "indirect": 0, "waste": 0,
                               "expected": 0}


# more than one customer ------------------------------------------------------------------------------------------


TWO_CUSTOMERS = """\
  - {id: patient, kind: customer}
  - {id: carer, title: Carer, kind: customer}
  - {id: nurse, kind: frontstage}
"""


def test_emotion_mapping_keeps_each_lane_and_the_lowest() -> None:
    steps = """\
      - id: a
        touchpoint: {name: Ward, moment: true, nps: -20}
        emotion: {carer: -2, patient: 1}
        thinks: {carer: Who do I ask?}
        pain: {text: Nobody explains, dimension: empathy}
        actions: {patient: Lies in bed, carer: Waits, nurse: Checks}
"""
    document = check_yaml(_service(steps, lanes=TWO_CUSTOMERS))
    assert document.service is not None
    step = document.service.step("a")
    assert [(entry.lane, entry.score) for entry in step.emotions] == [("patient", 1), ("carer", -2)]
    assert step.emotion == -2 and step.thinks is None
    assert [(entry.lane, entry.text) for entry in step.thoughts] == [("carer", "Who do I ask?")]
    assert [(note.text, note.dimension) for note in step.pains] == [("Nobody explains", "empathy")]
    assert _figures(document)["touchpoints"][0]["emotion"] == -2
    assert _figures(document)["touchpoints"][0]["nps"] == -20


# the metrics text ----------------------------------------------------------------------------------------------


def test_metrics_text_is_in_peoples_units() -> None:
    result = run_cli("metrics", EXAMPLE)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    rows = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert "triage *" in text and "blood *" in text and "recall *" in text and "xray *" not in text
    assert "0s–6m" in rows["triage"] and "6m–36m" in text and "36m–37m" in text
    assert "15m" in rows["xray"]                                       # its slack
    assert "20.0 % when results unclear" in text
    assert "lead time 37m · value-added 6m · ratio 16.2 %" in text
    assert "expected lead time 36m 12s" in text
    assert "critical path triage → blood → recall" in text
    assert ("cost 75.50 EUR · labour 29.00 EUR · direct 32.00 EUR · indirect 14.50 EUR · waste 0.00 EUR · "
            "expected 75.50 EUR") in text
    assert re.search(r"Triage desk\s+triage\s+in-person\s+yes\s+2\.8\s+−1", text)
    assert not re.search(r"\bmin\b|0\.162|\b0\.2\b|\b2220\b|\b360\b", text)   # no minutes, fractions or seconds


def test_metrics_text_of_a_version_1_file_has_no_schedule_marks_or_cost() -> None:
    result = run_cli("metrics", Path(__file__).parent / "fixtures" / "format-example.yaml")
    assert result.returncode == 0, result.stderr
    assert "lead time 18m · value-added 3m · ratio 16.7 %" in result.stdout
    assert "*" not in result.stdout and "cost" not in result.stdout and "critical path" not in result.stdout
