"""Format 1.1: its flags (T701, G501's exemption, P102 per lane, G502), its errors' messages and the JSON Schema."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from blueprint.api import Document, check_file
from blueprint.schema import json_schema

from support import check_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "invalid"


def _service(steps: str, head: str = "", lanes: str = "") -> str:
    return ("blueprint: 1\ntitle: T\n" + head + (f"lanes:\n{lanes}" if lanes else "")
            + "stages:\n  - id: visit\n    title: Visit\n    steps:\n"
            + textwrap.indent(textwrap.dedent(steps), "      "))


def _found(document: Document, code: str) -> list[tuple[int, int, str | None, str | None]]:
    assert document.valid, document.findings
    return [(f.line, f.column, f.step, f.lane) for f in document.findings if f.code == code]


TWO_CUSTOMERS = """\
  - {id: patient, kind: customer}
  - {id: carer, kind: customer}
  - {id: nurse, kind: frontstage}
  - {id: records, kind: support}
"""

# T701 ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("touchpoint", "emotion", "rules", "raised"), [
    ("{name: Desk, moment: true}", "-1", "", True),                    # at the default threshold −1
    ("{name: Desk, moment: true}", "0", "", False),
    ("{name: Desk, moment: true}", "-2", "rules: {T701: -2}\n", True),
    ("{name: Desk, moment: true}", "-1", "rules: {T701: -2}\n", False),  # the threshold moves the emotion bound
    ("{name: Desk, moment: true, csat: 2.9}", "2", "rules: {T701: -2}\n", True),  # ... not csat < 3
    ("{name: Desk, moment: true, csat: 3}", "2", "", False),
    ("{name: Desk, csat: 1}", "-2", "", False),                      # not a moment of truth
    ("{name: Desk, moment: true, csat: 1}", "-2", "rules: {T701: off}\n", False),
])
def test_t701(touchpoint: str, emotion: str, rules: str, raised: bool) -> None:
    steps = f"""\
        - id: a
          touchpoint: {touchpoint}
          emotion: {emotion}
          pain: Slow
          actions: {{customer: Waits, frontstage: Serves}}
        """
    found = _found(check_yaml(_service(steps, head=rules)), "T701")
    line = 9 if rules else 8   # the touchpoint's mapping, column 21
    assert found == ([(line, 21, "a", None)] if raised else [])


def test_t701_is_one_finding_whichever_lanes_feel_low() -> None:
    steps = """\
        - id: a
          touchpoint: {name: Ward, moment: true, csat: 2}
          emotion: {patient: -2, carer: -1}
          pain: Nobody explains
          actions: {patient: Waits, carer: Waits, nurse: Comes by}
        """
    document = check_yaml(_service(steps, lanes=TWO_CUSTOMERS))
    assert _found(document, "T701") == [(13, 21, "a", None)]
    message = next(f.message for f in document.findings if f.code == "T701")
    assert "−2" in message and "csat 2 is below 3" in message


# P102 per customer lane ------------------------------------------------------------------------------------------


def test_p102_per_lane_at_its_entry() -> None:
    steps = """\
        - id: a
          emotion: {patient: -2, carer: -2}
          actions: {patient: Waits, carer: Waits, nurse: Comes by}
        - id: b
          emotion: {patient: 0, carer: -2}
          actions: {patient: Waits, carer: Waits, nurse: Comes by}
        """
    document = check_yaml(_service(steps, lanes=TWO_CUSTOMERS))
    assert _found(document, "P102") == [(13, 19, "a", "patient"), (13, 32, "a", "carer"), (16, 31, "b", "carer")]


def test_any_pain_silences_p102_for_every_lane() -> None:
    steps = """\
        - id: a
          emotion: {patient: -2, carer: -2}
          pain: The carer is sent away
          actions: {patient: Waits, carer: Waits, nurse: Comes by}
        """
    assert _found(check_yaml(_service(steps, lanes=TWO_CUSTOMERS)), "P102") == []


# G501's exemption ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("actions", "raised"), [
    ("{patient: Calls the carer, carer: Answers}", False),             # customers meeting each other
    ("{patient: Calls the carer}", True),                              # one customer alone
    ("{patient: Calls the carer, carer: Answers, records: Logs it}", True),  # a support lane acts too
])
def test_g501_exemption(actions: str, raised: bool) -> None:
    steps = f"""\
        - id: a
          touchpoint: Phone
          actions: {actions}
        """
    assert bool(_found(check_yaml(_service(steps, lanes=TWO_CUSTOMERS)), "G501")) is raised


# G502 counting ---------------------------------------------------------------------------------------------------


def test_g502_counts_flows_into_other_lanes_of_any_step() -> None:
    # step a's flows that end in another lane: support flows a.c→a.f, a.f→a.b and the written a.f → b.s,
    # a.f → b.b: 4 > 3; the customer's time flow a.c → b.c stays in its lane and does not count
    steps = """\
        - id: a
          actions:
            customer: Asks
            frontstage: {text: Passes on, to: [b.support, b.backstage]}
            backstage: Prepares
        - id: b
          actions: {customer: Gets it, backstage: Packs, support: Stores}
        """
    document = check_yaml(_service(steps))
    assert _found(document, "G502") == [(7, 9, "a", None)]
    assert "4 hand-offs" in next(f.message for f in document.findings if f.code == "G502")


# errors and their messages ---------------------------------------------------------------------------------------

HINTS = {
    "E108-after-cycle": ["s2 → s3 → s2", "'s3' comes after the step before it by default"],
    "E108-alongside-cycle": ["exam.patient+doctor → exam.nurse", "count as one", "auto: false"],
    "E103-after-stage": ["names a stage", "first step is 'enter'"],
    "E103-after-no-step": ["did you mean 'enter'"],
    "E103-alongside-empty-lane": ["no action in lane 'frontstage'"],
    "E004-chance-zero": ["chance must be a number above 0 and at most 1", "not 0"],
    "E004-currency-euro": ["three capital letters", "not 'euro'"],
    "E004-csat-out-of-range": ["csat must be a number from 1 to 5, not 7"],
    "E004-evidence-chain": ["takes no 'chain'"],
    "E004-evidence-alongside": ["text only", "'alongside'"],
    "E004-evidence-cost": ["text only", "'cost'"],
    "E004-emotion-lane-not-customer": ["'frontstage' is a frontstage lane"],
    "E004-emotion-not-a-number": ["emotion must be a whole number from −2 to 2", "not 'happy'"],
    "E004-actions-as-a-list": ["actions must map lane ids to actions", "not a list"],
    "E102-emotion-unknown-lane": ["did you mean 'customer'"],
    "E102-misspelt-lane-declaration": ["lane 'frontdesk' is declared but no step uses it", "3 places",
                                       "did you mean 'front-desk'"],
    "E003-comma-in-braces": ["quote that text", 'text: "Waits, then pays"'],
}


@pytest.mark.parametrize("name", sorted(HINTS))
def test_new_error_says_what_to_do(name: str) -> None:
    document = check_file(FIXTURES / f"{name}.yaml")
    assert len(document.findings) == 1
    message = document.findings[0].message
    for hint in HINTS[name]:
        assert hint in message


def test_misspelt_lane_used_twice_is_reported_at_the_uses() -> None:
    text = _service("""\
        - id: a
          actions: {guest: Arrives, front-desk: Greets}
        - id: b
          actions: {guest: Leaves, front-desk: Waves}
        """, lanes="  - {id: guest, kind: customer}\n  - {id: frontdesk, kind: frontstage}\n")
    document = check_yaml(text)
    assert [(f.code, f.line, f.lane) for f in document.findings] == [("E102", 11, "front-desk"),
                                                                      ("E102", 13, "front-desk")]
    assert "did you mean 'frontdesk'" in document.findings[0].message


def test_references_to_a_misspelt_lane_are_not_reported_again() -> None:
    text = _service("""\
        - id: a
          actions: {guest: Arrives, front-desk: Greets}
        - id: b
          actions: {guest: Orders, front-desk: {text: Takes it, alongside: guest}}
        - id: c
          actions: {guest: Pays, front-desk: Takes the money}
        """, head="flows:\n  - {from: a.front-desk, to: b.front-desk}\n",
        lanes="  - {id: guest, kind: customer}\n  - {id: frontdesk, kind: frontstage}\n")
    document = check_yaml(text)
    assert [(f.code, f.line, f.column) for f in document.findings] == [("E102", 7, 10)]


def test_a_step_after_itself() -> None:
    document = check_yaml(_service("""\
        - id: a
          after: [a]
          actions: {customer: Waits}
        """))
    assert [(f.code, f.line, f.column, f.step) for f in document.findings] == [("E108", 8, 17, "a")]
    assert "never starts" in document.findings[0].message


def test_after_naming_a_dropped_step_is_not_reported_again() -> None:
    document = check_yaml(_service("""\
        - id: a
          emotion: 7
          actions: {customer: Waits}
        - id: b
          after: a
          actions: {customer: Goes}
        """))
    assert [f.code for f in document.findings] == ["E004"]


BAD_VALUES = [
    ("emotion: 5", "emotion must be a whole number from −2 to 2"),
    ("emotion: {customer: 1.5}", "emotion must be"),
    ("emotion: [1]", "emotion must be"),
    ("thinks: {customer: [a]}", "thinks must be text"),
    ("actions: Walks in", "actions must map lane ids to actions"),
    ("chance: yes", "chance must be a number above 0"),
    ("chance: 1.5", "chance must be a number above 0"),
    ("direction: sideways", "direction must be 'down' or 'up', not 'sideways'"),
    ("after: {a: b}", "after must be a step id or a list of step ids"),
    ("pain: {text: Slow, dimension: speed}", "dimension must be 'tangibles'"),
    ("touchpoint: {name: D, nps: 200}", "nps must be a whole number from −100 to 100, not 200"),
    ("touchpoint: {name: D, moment: maybe}", "moment must be true or false"),
    ("wait: [5m]", "wait must be a duration (5m) or {expected, tolerance}"),
]


@pytest.mark.parametrize(("line", "expected"), BAD_VALUES, ids=[case[0] for case in BAD_VALUES])
def test_type_errors_in_peoples_words(line: str, expected: str) -> None:
    text = _service(f"- id: a\n  {line}\n" + ("" if line.startswith("actions") else "  actions: {customer: A}\n"))
    document = check_yaml(text)
    messages = [f.message for f in document.findings]
    assert len(messages) == 1 and expected in messages[0], messages
    assert not re.search(r"Input should|valid dictionary|instance of", messages[0])


@pytest.mark.parametrize("head", ["currency: euro\n", "overhead: -0.5\n", "overhead: .inf\n", "currency: 12\n"])
def test_cost_keys_out_of_range(head: str) -> None:
    document = check_yaml(_service("- id: a\n  actions: {customer: A}\n", head=head))
    assert [f.code for f in document.findings] == ["E004"]
    assert " must " in document.findings[0].message


@pytest.mark.parametrize("lane", ["{id: desk, kind: frontstage, rate: -1}", "{id: desk, kind: frontstage, chain: 1}"])
def test_lane_keys_out_of_range(lane: str) -> None:
    text = _service("- id: a\n  actions: {customer: A}\n", lanes=f"  - {{id: customer, kind: customer}}\n  - {lane}\n")
    assert [f.code for f in check_yaml(text).findings] == ["E004"]


# the JSON Schema -------------------------------------------------------------------------------------------------


def _properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [("ServiceSpec", name, prop) for name, prop in schema["properties"].items()]
    for model, definition in schema["$defs"].items():
        for variant in [definition, *definition.get("anyOf", [])]:
            found += [(model, name, prop) for name, prop in variant.get("properties", {}).items()]
    return found


def test_every_key_of_the_schema_is_described() -> None:
    undescribed = [f"{model}.{name}" for model, name, prop in _properties(json_schema())
                   if not prop.get("description")]
    assert undescribed == []


def test_schema_has_the_1_1_keys() -> None:
    keys = {f"{model}.{name}" for model, name, _ in _properties(json_schema())}
    assert {"ServiceSpec.currency", "ServiceSpec.overhead", "LaneSpec.chain", "LaneSpec.rate", "StepSpec.after",
            "StepSpec.when", "StepSpec.chance", "StepSpec.direction", "ActionSpec.alongside", "ActionSpec.auto",
            "ActionSpec.cost", "TouchpointSpec.moment", "TouchpointSpec.csat", "TouchpointSpec.nps",
            "PainSpec.dimension"} <= keys


@pytest.mark.parametrize(("alongside", "code", "hint"), [
    ("customer", "E004", "own lane"),
    ("evidence", "E004", "evidence lane"),
    ("frontstge", "E103", "did you mean 'frontstage'"),
    ("backstage", "E103", "no action in lane 'backstage'"),
])
def test_alongside_must_name_another_acting_lane(alongside: str, code: str, hint: str) -> None:
    document = check_yaml(_service(f"""\
        - id: a
          actions:
            evidence: Sign
            customer: {{text: Walks in, alongside: {alongside}}}
            frontstage: Greets
        """))
    assert [(f.code, f.line, f.column, f.lane) for f in document.findings] == [(code, 10, 49, "customer")]
    assert hint in document.findings[0].message
