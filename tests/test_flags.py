"""Every design flag: raised where it should be, at the right place, and turned off by `rules`."""
from __future__ import annotations

import textwrap

import pytest

from blueprint.api import Document

from support import check_yaml

HEAD = "blueprint: 1\ntitle: Flags\n"


def _service(steps: str, extra: str = "", rules: str = "") -> str:
    return HEAD + (f"rules: {rules}\n" if rules else "") + extra + \
        "stages:\n  - id: visit\n    title: Visit\n    steps:\n" + textwrap.indent(textwrap.dedent(steps), "      ")


def _flags(document: Document, code: str) -> list[tuple[int, int, str | None, str | None]]:
    assert document.valid, document.findings
    return [(f.line, f.column, f.step, f.lane) for f in document.findings if f.code == code]


CASES = {
    # code: (steps, expected [(line, col, step, lane)])
    "P101": ("""\
        - id: a
          actions: {customer: Waits, frontstage: Serves}
          pain: [Too slow, Too loud]
        """, [(9, 16, "a", None), (9, 26, "a", None)]),
    "P102": ("""\
        - id: a
          actions: {customer: Waits, frontstage: Serves}
          emotion: -2
        """, [(9, 18, "a", None)]),
    "F201": ("""\
        - id: a
          actions:
            customer: Waits
            frontstage: {text: Serves, fail: {what: Forgets, mitigation: Checklist}}
        """, [(10, 44, "a", "frontstage")]),
    "F202": ("""\
        - id: a
          actions:
            customer: Waits
            frontstage: {text: Serves, fail: Forgets}
        """, [(10, 44, "a", "frontstage")]),
    "F203": ("""\
        - id: a
          actions:
            customer: Waits
            frontstage: {text: Serves, fail: {what: Forgets, severity: 5, likelihood: 3, mitigation: List}}
        """, [(10, 44, "a", "frontstage")]),
    "W301": ("""\
        - id: a
          wait: {expected: 10m, tolerance: 5m}
          actions: {customer: Waits, frontstage: Serves}
        """, [(8, 15, "a", None)]),
    "V401": ("""\
        - id: a
          actions: {customer: Uploads a photo, backstage: Reviews it}
        """, [(8, 29, "a", "customer")]),
    "G501": ("""\
        - id: a
          touchpoint: Website
          actions: {customer: Browses, support: Serves pages}
        """, [(8, 21, "a", None)]),
    "G502": ("""\
        - id: a
          actions:
            customer: Asks
            frontstage: {text: Passes on, to: a.support}
            backstage: Prepares
            support: Stores
        """, [(7, 9, "a", None)]),
    "L601": ("""\
        - id: a
          actions: {customer: Waits, frontstage: {text: Fills a form twice, value: none}}
        """, [(8, 82, "a", "frontstage")]),
    "T701": ("""\
        - id: a
          touchpoint: {name: Desk, moment: true}
          actions: {customer: Waits, frontstage: Serves}
          emotion: -1
        """, [(8, 21, "a", None)]),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_flag_is_raised_at_its_place(code: str) -> None:
    steps, expected = CASES[code]
    assert _flags(check_yaml(_service(steps)), code) == expected


@pytest.mark.parametrize("code", sorted(CASES))
def test_flag_can_be_turned_off(code: str) -> None:
    steps, _ = CASES[code]
    document = check_yaml(_service(steps, rules=f"{{{code}: off}}"))
    assert _flags(document, code) == []


def test_l601_is_info_and_does_not_fail_strict() -> None:
    document = check_yaml(_service(CASES["L601"][0]), strict=True)
    assert [f.severity.value for f in document.findings] == ["info"]
    assert not document.fails(strict=True)


def test_warnings_fail_only_under_strict() -> None:
    document = check_yaml(_service(CASES["W301"][0]))
    assert not document.fails(strict=False)
    assert document.fails(strict=True)


@pytest.mark.parametrize("code", ["P101", "F201"])
def test_pain_and_fail_points_are_info_and_pass_strict(code: str) -> None:
    document = check_yaml(_service(CASES[code][0]), strict=True)
    assert {f.severity.value for f in document.findings if f.code == code} == {"info"}
    assert not document.fails(strict=True)


def test_f203_is_an_error_under_strict() -> None:
    document = check_yaml(_service(CASES["F203"][0]), strict=True)
    assert [f.severity.value for f in document.findings if f.code == "F203"] == ["error"]
    assert document.valid  # still a valid file: a flag, reported with error severity


def test_p102_threshold() -> None:
    steps = """\
        - id: a
          actions: {customer: Waits, frontstage: Serves}
          emotion: -1
        """
    assert _flags(check_yaml(_service(steps)), "P102") == []
    assert len(_flags(check_yaml(_service(steps, rules="{P102: -1}")), "P102")) == 1


def test_f203_threshold_is_inclusive_and_settable() -> None:
    steps = """\
        - id: a
          actions:
            customer: Waits
            frontstage: {text: Serves, fail: {what: Forgets, severity: 3, likelihood: 4, mitigation: List}}
        """
    assert _flags(check_yaml(_service(steps)), "F203") == []
    assert len(_flags(check_yaml(_service(steps, rules="{F203: 12}")), "F203")) == 1


def test_g502_counts_automatic_and_explicit_request_flows_only() -> None:
    steps = """\
        - id: a
          actions: {customer: Asks, frontstage: Passes on, backstage: Prepares, support: Stores}
        """
    # three automatic hand-offs: at the threshold, not above it
    assert _flags(check_yaml(_service(steps)), "G502") == []
    data_flow = "flows:\n  - {from: a.support, to: a.customer, kind: data}\n"
    document = check_yaml(_service(steps) + data_flow)
    assert _flags(document, "G502") == []
    assert len(_flags(check_yaml(_service(steps, rules="{G502: 2}")), "G502")) == 1


def test_v401_from_an_explicit_flow_is_reported_at_the_source_action() -> None:
    steps = """\
        - id: a
          actions: {customer: Calls, frontstage: Answers, backstage: Files}
        """
    flows = "flows:\n  - {from: a.customer, to: a.backstage}\n"
    assert _flags(check_yaml(_service(steps) + flows), "V401") == [(8, 29, "a", "customer")]
    data = "flows:\n  - {from: a.customer, to: a.backstage, kind: data}\n"
    assert _flags(check_yaml(_service(steps) + data), "V401") == []


def test_no_flags_on_an_invalid_file() -> None:
    document = check_yaml(_service(CASES["P101"][0]).replace("id: a", "id: 1a"))
    assert [f.code for f in document.findings] == ["E004"]
