"""Format 1.1 services for the drawing and report tests: FORMAT.md's worked example and a two-customer visit.

Each is loaded by the real loader from its version 1 part, then given its 1.1 keys on the model as semantics
gives them (the `after`, `when`, `chance`, per-lane emotions, costs, customer measures and the alongside and
upward flows)."""
from __future__ import annotations

import textwrap
from dataclasses import replace

from blueprint.api import check_bytes
from blueprint.model import (Dimension, Direction, Endpoint, Flow, LaneScore, Note, Service, Step, Touchpoint)

CLINIC_V1 = """\
blueprint: 1
title: Walk-in clinic
lanes:
  - {id: patient, title: Patient, kind: customer}
  - {id: nurse, title: Nurse, kind: frontstage}
  - {id: lab, title: Lab, kind: backstage}
  - {id: ehr, title: Records system, kind: support}
stages:
  - id: visit
    title: Visit
    steps:
      - id: triage
        touchpoint: {name: Triage desk, channel: in-person}
        emotion: -1
        actions:
          patient: {text: Describes the pain, duration: 6m, value: customer}
          nurse: {text: Triages, duration: 6m, value: customer}
          ehr: Opens a case
      - id: blood
        actions:
          lab: {text: Runs blood test, duration: 30m}
      - id: xray
        actions:
          nurse: {text: Takes an X-ray, duration: 15m, value: customer}
      - id: recall
        actions:
          patient: {text: Gets a call back}
          ehr: {text: Sends a recall SMS, duration: 1m}
"""


def _load(text: str) -> Service:
    document = check_bytes(textwrap.dedent(text).encode("utf-8"), "t.yaml", False)
    assert document.service is not None, document.findings
    return document.service


def _steps(service: Service, changes: dict[str, dict[str, object]]) -> Service:
    stages = tuple(replace(stage, steps=tuple(replace(step, **changes.get(step.id, {})) for step in stage.steps))
                   for stage in service.stages)
    return replace(service, stages=stages)


def _action(step: Step, lane: str, **changes: object) -> tuple[object, ...]:
    return tuple(action._replace(**changes) if action.lane == lane else action for action in step.actions)


def _mark_alongside(service: Service) -> Service:
    flows = tuple(flow._replace(alongside=True)
                  if flow.source.step == flow.target.step
                  and service.step(flow.source.step).together(flow.source.lane, flow.target.lane) else flow
                  for flow in service.flows)
    return replace(service, flows=flows)


def clinic() -> Service:
    """FORMAT.md's "The 1.1 example, worked"."""
    service = _load(CLINIC_V1)
    lanes = tuple(replace(lane, rate={"nurse": 40.0, "lab": 30.0}.get(lane.id)) for lane in service.lanes)
    service = replace(service, lanes=lanes, currency="EUR", overhead=0.5)
    triage, blood, xray = service.step("triage"), service.step("blood"), service.step("xray")
    service = _steps(service, {
        "triage": {"touchpoint": triage.touchpoint._replace(moment=True, csat=2.8),
                   "emotions": (LaneScore("patient", -1),), "actions": _action(triage, "nurse", alongside="patient")},
        "blood": {"actions": _action(blood, "lab", cost=12.0)},
        "xray": {"after": ("triage",), "actions": _action(xray, "nurse", cost=20.0)},
        "recall": {"after": ("blood", "xray"), "when": "results unclear", "chance": 0.2, "direction": Direction.UP},
    })
    up = tuple(Flow(flow.target, flow.source, flow.kind, flow.origin, flow.label, flow.loc)
               if flow.source == Endpoint("recall", "patient") and flow.target == Endpoint("recall", "ehr") else flow
               for flow in service.flows)
    return _mark_alongside(replace(service, flows=up))


FAMILY_V1 = """\
blueprint: 1
title: Emergency visit with a carer
lanes:
  - {id: patient, title: Patient, kind: customer}
  - {id: carer, title: Daughter, kind: customer}
  - {id: nurse, title: Triage nurse, kind: frontstage}
  - {id: doctor, title: Doctor, kind: frontstage}
  - {id: lab, title: Lab, kind: backstage}
stages:
  - id: arrive
    title: Arrive
    steps:
      - id: drive
        actions:
          patient: {text: Is driven to the hospital, duration: 20m}
          carer: {text: Drives her mother in, duration: 20m}
      - id: triage
        wait: {expected: 40m, tolerance: 15m}
        touchpoint: {name: Triage, channel: in-person}
        actions:
          patient: {text: Describes the chest pain, duration: 5m}
          nurse: {text: Triages, duration: 5m}
  - id: treat
    title: Treat
    steps:
      - id: bloods
        actions:
          lab: {text: Runs the blood panel, duration: 45m}
      - id: review
        wait: 30m
        touchpoint: {name: Doctor's review, channel: in-person}
        actions:
          patient: {text: Hears the results, duration: 10m}
          carer: {text: Asks about going home, duration: 2m}
          doctor: {text: Explains the results and the plan, duration: 10m}
      - id: home
        actions:
          patient: {text: Goes home with a leaflet}
          carer: {text: Drives her home}
"""


def family() -> Service:
    """Two customer lanes with their own emotions (the carer feels nothing at triage: no entry), waits, a
    moment of truth with csat and nps, a step with no customer action, SERVQUAL pain points and `after`."""
    service = _load(FAMILY_V1)
    triage, review = service.step("triage"), service.step("review")
    return _steps(service, {
        "drive": {"emotion": -1, "emotions": (LaneScore("patient", -1), LaneScore("carer", 0))},
        "triage": {"emotion": -2, "emotions": (LaneScore("patient", -2),),
                   "touchpoint": triage.touchpoint._replace(moment=True, csat=2.1, nps=-40),
                   "pains": (Note("Forty minutes on a plastic chair", dimension=Dimension.RESPONSIVENESS),
                             Note("Nobody says how long it will take", dimension=Dimension.EMPATHY))},
        "bloods": {"after": ("triage",)},
        "review": {"after": ("bloods",), "emotion": 0, "emotions": (LaneScore("patient", 1), LaneScore("carer", 0)),
                   "touchpoint": review.touchpoint._replace(moment=True, csat=4.2, nps=30),
                   "pains": (Note("The results are explained in jargon", dimension=Dimension.ASSURANCE),
                             Note("The car park costs more than the visit"))},
        "home": {"emotion": 1, "emotions": (LaneScore("patient", 2), LaneScore("carer", 1)),
                 "when": "results normal", "chance": 0.7},
    })
