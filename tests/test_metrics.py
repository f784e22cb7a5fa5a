"""Metrics against figures computed by hand (FORMAT.md's definitions)."""
from __future__ import annotations

from typing import Any

from blueprint.api import check_file
from blueprint.metrics import measure, metrics_json

from support import SAMPLES, check_yaml


def _figures(document: Any) -> dict[str, Any]:
    assert document.valid, document.findings
    return metrics_json(measure(document.service))


def _steps(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["id"]: step for step in figures["steps"]}


def _v1_step(step: dict[str, Any]) -> dict[str, Any]:
    return {key: step[key] for key in ("id", "stage", "wait_s", "time_s")}


def test_online_order_return_by_hand() -> None:
    # auto_flows: false, so only the written request flows count (data and return flows never)
    figures = _figures(check_file(SAMPLES / "online-order-return.yaml"))
    steps = _steps(figures)
    # checkout: shopper 2m -> shop 1s -> oms 1s -> psp 3s (psp -> shop is data) = 125 s
    assert steps["checkout"].items() >= {"id": "checkout", "stage": "order", "wait_s": 0, "time_s": 125}.items()
    # confirmation: shop 30s -> shopper (no duration)
    assert steps["confirmation"]["time_s"] == 30
    # chase: 3d wait + shopper 8m -> care 6m -> returns 5m
    assert steps["chase"].items() >= {"id": "chase", "stage": "refund", "wait_s": 259_200,
                                     "time_s": 259_200 + 1140}.items()
    # refund-paid: oms 1s -> shop 30s -> shopper beats oms 1s -> psp 5s
    assert steps["refund-paid"]["time_s"] == 31
    stages = {stage["id"]: stage["time_s"] for stage in figures["stages"]}
    assert stages["refund"] == 259_200 + 1140 + 31
    assert figures["lead_time_s"] == sum(step["time_s"] for step in figures["steps"])
    returns = next(f for f in figures["fail_points"] if f["step"] == "inspect")
    assert (returns["risk"], returns["rpn"]) == (8, 32)


def test_bank_account_by_hand() -> None:
    # canonical lanes and automatic flows: customer -> next lane down, within each step
    document = check_file(SAMPLES / "bank-account-online.yaml")
    figures = _figures(document)
    steps = _steps(figures)
    assert steps["compare"]["time_s"] == 900            # customer 15m; evidence takes no part
    assert steps["landing"]["time_s"] == 300            # customer 4m -> frontstage 1m
    assert steps["details"]["time_s"] == 363            # 6m -> 2s -> 1s
    assert steps["id-upload"]["time_s"] == 220          # 3m -> support 40s
    assert figures["stages"][0].items() >= {"id": "choose", "time_s": 1200}.items()
    va = {m.id: m.value_added_s for m in measure(document.service).steps}
    assert (va["compare"], va["landing"], va["details"], va["id-upload"]) == (900, 60, 362, 0)


def test_longest_chain_ties_go_to_the_most_value_added() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Ties
        auto_flows: false
        stages:
          - id: s
            title: S
            steps:
              - id: a
                actions:
                  customer: {text: Asks, duration: 1m}
                  frontstage: {text: Answers, duration: 2m, value: business, to: [a.support, a.backstage]}
                  backstage: {text: Checks, duration: 3m, value: customer}
                  support: {text: Logs, duration: 3m}
        flows:
          - {from: a.customer, to: a.frontstage}
        """)
    figures = _figures(document)
    # chains: customer->front->back = 6m (3m value-added); customer->front->support = 6m (0) -> 6m, 3m
    assert figures["lead_time_s"] == 360
    assert figures["value_added_s"] == 180
    assert figures["value_added_ratio"] == 0.5


def test_branches_take_the_longest_and_unjoined_actions_are_chains_of_their_own() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Branches
        auto_flows: false
        stages:
          - id: s
            title: S
            steps:
              - id: a
                wait: 1h30m
                actions:
                  customer: {text: Asks, duration: 1m, value: customer}
                  frontstage: {text: Answers, duration: 2m}
                  backstage: {text: Files, duration: 10m, value: customer}
        flows:
          - {from: a.customer, to: a.frontstage}
        """)
    figures = _figures(document)
    # backstage is joined by no flow: its 10m chain beats customer->frontstage (3m)
    assert [_v1_step(step) for step in figures["steps"]] == [
        {"id": "a", "stage": "s", "wait_s": 5400, "time_s": 5400 + 600}]
    assert figures["value_added_s"] == 600


def test_ratio_is_null_when_nothing_takes_time() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Zero
        stages: [{id: s, title: S, steps: [{id: a, actions: {customer: Looks}}]}]
        """)
    figures = _figures(document)
    assert (figures["lead_time_s"], figures["value_added_ratio"]) == (0, None)


def test_fractional_durations_and_rpn() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Fractions
        stages:
          - id: s
            title: S
            steps:
              - id: a
                actions:
                  customer:
                    text: Waits
                    duration: 1.5s
                    fail: {what: Leaves, severity: 2, likelihood: 3, detection: 4}
        """)
    figures = _figures(document)
    assert figures["lead_time_s"] == 1.5
    assert figures["fail_points"][0] | {} == {
        "step": "a", "lane": "customer", "what": "Leaves", "severity": 2, "likelihood": 3, "detection": 4,
        "risk": 6, "rpn": 24, "mitigation": None}
