"""Every error code: one invalid fixture each (code, line, column), and the finer cases."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from blueprint.api import check_file
from blueprint.findings import CODES

from support import check_yaml, codes

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"
ERROR_CODES = [code for code in CODES if code.startswith("E")]


def _expectation(path: Path) -> tuple[str, int, int]:
    match = re.match(r"# expect: (E\d{3}) (\d+):(\d+)", path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} lacks its '# expect: CODE LINE:COL' header"
    return match.group(1), int(match.group(2)), int(match.group(3))


def test_a_fixture_for_every_error_code() -> None:
    covered = {_expectation(path)[0] for path in FIXTURES.glob("*.yaml")}
    assert covered == set(ERROR_CODES)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_fixture_gives_its_error_at_its_place(path: Path) -> None:
    code, line, column = _expectation(path)
    document = check_file(path)
    assert not document.valid
    assert [(f.code, f.line, f.column) for f in document.findings] == [(code, line, column)]
    assert all(f.severity == "error" for f in document.findings)


def test_all_errors_of_a_file_in_one_run() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Many problems
        stages:
          - id: visit
            title: Visit
            steps:
              - id: enter
                emotion: 9
                actions:
                  customer: {text: Walks in, duration: 5 minutes}
                  frontstag: Greets
              - id: enter
                colour: red
                actions:
                  customer: Sits
              - id: leave
                actions:
                  customer: Leaves
        flows:
          - {from: nowhere, to: enter}
        """)
    found = [(f.code, f.line) for f in document.findings]
    assert ("E004", 8) in found
    assert ("E107", 10) in found
    assert ("E003", 13) in found
    # steps with schema errors are left out of the later checks (no E101 for the repeated id, no E103
    # for the reference to it), while the valid step and the flows still are checked
    assert ("E103", 20) in found
    assert len(found) == 4


def test_a_duration_over_100_years_is_e107_saying_so() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Long
        stages:
          - id: visit
            title: Visit
            steps: [{id: enter, actions: {customer: {text: Waits, duration: 40000d}}}]
        """)
    assert [(f.code, f.line, f.column, f.message) for f in document.findings] == [
        ("E107", 6, 69, "'40000d' is longer than 100 years; no step of a service takes that long")]


def test_a_shorthand_value_is_reported_at_its_own_place_under_its_own_key() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Shorthand
        stages:
          - id: visit
            title: Visit
            steps:
              - id: enter
                actions: {customer: true}
                wait: 5 m
        """)
    assert [(f.code, f.line, f.column, f.message) for f in document.findings] == [
        ("E004", 8, 29, 'customer: expected text, got true; quote it: "true"'),
        ("E107", 9, 15, "'5 m' is not a duration; write number-unit pairs without spaces, e.g. 45s, 5m, 1h30m, "
                        "1.5h, 2d")]


def test_unknown_key_suggests_the_close_one() -> None:
    document = check_yaml("""\
        blueprint: 1
        titel: Typo
        stages:
          - id: visit
            title: Visit
            steps: [{id: enter, actions: {customer: Walks in}}]
        """)
    messages = {f.code: f.message for f in document.findings}
    assert "did you mean 'title'" in messages["E003"]
    assert "'title'" in messages["E005"]


def test_unknown_rule_code_is_e003_with_suggestion() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Rules
        rules: {P10: off}
        stages:
          - id: visit
            title: Visit
            steps: [{id: enter, actions: {customer: Walks in}}]
        """)
    assert [(f.code, f.line, f.column) for f in document.findings] == [("E003", 3, 9)]
    assert re.search(r"did you mean 'P10\d'", document.findings[0].message)


def test_threshold_on_a_rule_without_one_is_e004() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Rules
        rules: {P101: 3}
        stages:
          - id: visit
            title: Visit
            steps: [{id: enter, actions: {customer: Walks in}}]
        """)
    assert [(f.code, f.line, f.column) for f in document.findings] == [("E004", 3, 15)]


def test_evidence_action_is_text_only() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Evidence
        stages:
          - id: visit
            title: Visit
            steps:
              - id: enter
                actions:
                  evidence: {text: Door sign, duration: 1m}
                  customer: Walks in
        """)
    assert [(f.code, f.line, f.column, f.lane) for f in document.findings] == [("E004", 9, 21, "evidence")]


def test_channel_outside_channels_is_e004() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Channels
        channels: [web, phone]
        stages:
          - id: visit
            title: Visit
            steps:
              - id: enter
                touchpoint: {name: Shop, channel: webb}
                actions: {customer: Walks in, frontstage: Greets}
        """)
    assert [(f.code, f.line, f.column) for f in document.findings] == [("E004", 9, 43)]
    assert "did you mean 'web'" in document.findings[0].message


def test_lanes_without_kind_and_without_markers_is_e005() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Kinds
        lanes:
          - {id: guest}
          - {id: desk, kind: frontstage}
        stages:
          - {id: visit, title: Visit, steps: [{id: enter, actions: {guest: Walks in}}]}
        """)
    assert [(f.code, f.line, f.column) for f in document.findings] == [("E005", 4, 5)]


def test_kinds_inferred_from_markers() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Inferred
        lanes:
          - id: evidence
          - id: guest
          - line: interaction
          - id: desk
          - line: visibility
          - id: office
          - line: internal
          - id: pms
        stages:
          - {id: visit, title: Visit, steps: [{id: enter, actions: {guest: Walks in, desk: Greets}}]}
        """)
    assert document.valid, document.findings
    kinds = [(lane.id, lane.kind.value) for lane in document.service.lanes]
    assert kinds == [("evidence", "evidence"), ("guest", "customer"), ("desk", "frontstage"),
                     ("office", "backstage"), ("pms", "support")]
    assert [(line.name.value, line.above, line.below) for line in document.service.lines] == [
        ("interaction", "guest", "desk"), ("visibility", "desk", "office"), ("internal", "office", "pms")]


@pytest.mark.parametrize("markers, line", [
    ("  - line: visibility\n  - line: visibility\n", 6),
    ("  - line: visibility\n  - line: interaction\n", 6),
])
def test_marker_repeated_or_out_of_order_is_e105(markers: str, line: int) -> None:
    text = ("blueprint: 1\ntitle: Markers\nlanes:\n  - {id: guest, kind: customer}\n" + markers
            + "  - {id: office, kind: backstage}\nstages:\n"
            + "  - {id: visit, title: Visit, steps: [{id: enter, actions: {guest: Walks in}}]}\n")
    document = check_yaml(text)
    assert [(f.code, f.line) for f in document.findings] == [("E105", line)]


def test_reference_to_a_step_without_actions_outside_evidence_is_e103() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Refs
        stages:
          - id: visit
            title: Visit
            steps:
              - {id: look, actions: {evidence: Sign}}
              - {id: enter, actions: {customer: {text: Walks in, to: look}}}
        """)
    assert [(f.code, f.line) for f in document.findings] == [("E103", 8)]


def test_cycle_through_an_actions_to() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: Cycle
        stages:
          - id: visit
            title: Visit
            steps:
              - id: enter
                actions:
                  customer: Walks in
                  frontstage: {text: Greets, to: enter.customer}
        """)
    assert codes(document) == ["E108"]
    assert (document.findings[0].line, document.findings[0].column) == (10, 42)


def test_return_and_data_flows_make_no_cycle() -> None:
    document = check_yaml("""\
        blueprint: 1
        title: No cycle
        stages:
          - id: visit
            title: Visit
            steps:
              - id: enter
                actions: {customer: Walks in, frontstage: Greets}
        flows:
          - {from: enter.frontstage, to: enter.customer, kind: return}
          - {from: enter.frontstage, to: enter.customer, kind: data}
        """)
    assert document.valid


@pytest.mark.parametrize("value, code", [("'1'", "E010"), ("1.0", "E010"), ("true", "E010")])
def test_version_must_be_the_integer_1(value: str, code: str) -> None:
    document = check_yaml(f"blueprint: {value}\ntitle: V\nstages:\n"
                          "  - {id: s, title: S, steps: [{id: a, actions: {customer: x}}]}\n")
    assert codes(document) == [code]


def test_missing_version_is_e005() -> None:
    document = check_yaml("title: V\nstages:\n  - {id: s, title: S, steps: [{id: a, actions: {customer: x}}]}\n")
    assert [(f.code, f.line, f.column) for f in document.findings] == [("E005", 1, 1)]


@pytest.mark.parametrize("bad_id", ["1st", "a.b", "a b", "-x"])
def test_id_pattern(bad_id: str) -> None:
    document = check_yaml(f"blueprint: 1\ntitle: Ids\nstages:\n"
                          f"  - {{id: s, title: S, steps: [{{id: '{bad_id}', actions: {{customer: x}}}}]}}\n")
    assert codes(document) == ["E004"]
    assert "not a valid id" in document.findings[0].message


def test_empty_lanes_list_is_e004() -> None:
    document = check_yaml("blueprint: 1\ntitle: L\nlanes: []\nstages:\n"
                          "  - {id: s, title: S, steps: [{id: a, actions: {customer: x}}]}\n")
    assert [(f.code, f.line, f.column) for f in document.findings] == [("E004", 3, 8)]


def test_schema_findings_name_their_step_and_lane() -> None:
    document = check_file(FIXTURES / "E107-bad-duration.yaml")
    assert [(f.step, f.lane) for f in document.findings] == [("enter", "customer")]
    top_level = check_yaml("blueprint: 1\ntitle: T\nlang: fr\nstages:\n"
                           "  - {id: s, title: S, steps: [{id: a, actions: {customer: x}}]}\n")
    assert [(f.code, f.line, f.column, f.step, f.lane) for f in top_level.findings] == [("E004", 3, 7, None, None)]
