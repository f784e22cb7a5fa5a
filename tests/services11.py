"""Format 1.1 services for the drawing and report tests: FORMAT.md's worked example and a two-customer visit."""
from __future__ import annotations

import textwrap
from dataclasses import replace

from blueprint.api import check_bytes, load_service
from blueprint.model import Service
from support import ROOT

FAMILY = """\
blueprint: 1
title: Emergency visit with a carer
currency: EUR
overhead: 0.25
lanes:
  - {id: patient, title: Patient, kind: customer}
  - {id: carer, title: Daughter, kind: customer}
  - {id: nurse, title: Triage nurse, kind: frontstage, rate: 48}
  - {id: doctor, title: Doctor, kind: frontstage, rate: 120}
  - {id: lab, title: Lab, kind: backstage, rate: 36}
stages:
  - id: arrive
    title: Arrive
    steps:
      - id: drive
        emotion: {patient: -1, carer: 0}
        actions:
          patient: {text: Is driven to the hospital, duration: 20m}
          carer: {text: Drives her mother in, duration: 20m, alongside: patient}
      - id: triage
        wait: {expected: 40m, tolerance: 15m}
        touchpoint: {name: Triage, channel: in-person, moment: true, csat: 2.1, nps: -40}
        emotion: {patient: -2}
        pain:
          - {text: Forty minutes on a plastic chair, dimension: responsiveness}
          - {text: Nobody says how long it will take, dimension: empathy}
        actions:
          patient: {text: Describes the chest pain, duration: 5m}
          nurse: {text: Triages, duration: 5m, alongside: patient, value: customer}
  - id: treat
    title: Treat
    steps:
      - id: bloods
        after: triage
        actions:
          lab: {text: Runs the blood panel, duration: 45m, cost: 18}
      - id: review
        after: bloods
        wait: 30m
        touchpoint: {name: Doctor's review, channel: in-person, moment: true, csat: 4.2, nps: 30}
        emotion: {patient: 1, carer: 0}
        thinks: {patient: Can I go home today?, carer: Can I cope with her at home?}
        pain:
          - {text: The results are explained in jargon, dimension: assurance}
          - The car park costs more than the visit
        actions:
          patient: {text: Hears the results, duration: 10m}
          carer: {text: Asks about going home, duration: 2m}
          doctor: {text: Explains the results and the plan, duration: 10m, value: customer}
      - id: home
        when: results normal
        chance: 0.7
        emotion: {patient: 2, carer: 1}
        actions:
          patient: {text: Goes home with a leaflet}
          carer: {text: Drives her home}
          nurse: {text: Prints the discharge letter, duration: 6m, value: none, cost: 0.4}
"""


def _load(text: str) -> Service:
    document = check_bytes(textwrap.dedent(text).encode("utf-8"), "t.yaml", False)
    assert document.service is not None, [str(f) for f in document.findings]
    return document.service


def clinic() -> Service:
    """FORMAT.md's "The 1.1 example, worked"."""
    return load_service(ROOT / "tests" / "fixtures" / "format-1.1-example.yaml")


def family() -> Service:
    """Two customer lanes with their own emotions (the carer has none at triage), waits, moments of truth with
    csat and nps, a step with no customer action, SERVQUAL pain points, `after`, a condition and costs."""
    return _load(FAMILY)


def edited(service: Service, changes: dict[str, dict[str, object]]) -> Service:
    """`service` with the steps named in `changes` given those field values (step id -> field -> value)."""
    return replace(service, stages=tuple(replace(stage, steps=tuple(replace(step, **changes.get(step.id, {}))
                                                                    for step in stage.steps))
                                         for stage in service.stages))
