"""Design flags (P101-T701): what a reviewer of the blueprint would point at."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from . import humanize
from .findings import CODES, Finding, Severity
from .model import LaneKind, Loc, Service, Step


def threshold(service: Service, code: str) -> float:
    """The rule's threshold: as set in `rules`, else the default (a rule turned off keeps it unused)."""
    value = service.rules.get(code)
    default = CODES[code].threshold
    assert default is not None
    return value if isinstance(value, (int, float)) else default


def flags(service: Service, file: str, strict: bool = False) -> list[Finding]:
    """Every flag the service raises, minus the rules turned off."""
    found = []
    for code, loc, message, step, lane in _raise(service):
        if service.rules.get(code) == "off":
            continue
        severity = CODES[code].severity
        if code == "F203" and strict:
            severity = Severity.ERROR
        found.append(Finding(file, loc.line, loc.column, code, message, severity, step, lane))
    return found


def _raise(service: Service) -> Iterator[tuple[str, Loc, str, str | None, str | None]]:
    kinds = {lane.id: lane.kind for lane in service.lanes}
    handoff_counts = hand_offs(service)
    for step in service.steps:
        for pain in step.pains:
            yield "P101", pain.loc, f"pain point: {pain.text}", step.id, None
        if step.emotions and not step.pains:
            for entry in step.emotions:
                if entry.score <= threshold(service, "P102"):
                    yield ("P102", entry.loc, f"emotion {entry.score} of {service.lane(entry.lane).title} with no "
                           "pain point saying why", step.id, entry.lane)
        elif step.emotion is not None and not step.pains and step.emotion <= threshold(service, "P102"):
            yield ("P102", step.emotion_loc or step.loc,
                   f"emotion {step.emotion} with no pain point saying why", step.id, None)
        for action in step.actions:
            fail = action.fail
            if fail is not None:
                scored = f" (risk {fail.risk})" if fail.risk is not None else ""
                yield "F201", fail.loc, f"fail point: {fail.what}{scored}", step.id, action.lane
                if not fail.mitigation:
                    yield "F202", fail.loc, f"fail point without mitigation: {fail.what}", step.id, action.lane
                if fail.risk is not None and fail.risk >= threshold(service, "F203"):
                    yield ("F203", fail.loc, f"high-risk fail point: {fail.what} (risk {fail.risk} ≥ "
                           f"{threshold(service, 'F203'):g})", step.id, action.lane)
            if action.value is not None and action.value.value == "none":
                yield ("L601", action.value_loc or action.loc, f"waste: '{action.text}' adds no value",
                       step.id, action.lane)
        if step.wait is not None and step.wait.excess_s > 0:
            wait = step.wait
            yield ("W301", wait.loc, f"expected wait {humanize.duration(wait.expected_s)} exceeds the tolerance "
                   f"of {humanize.duration(wait.tolerance_s or 0)}", step.id, None)
        if step.touchpoint is not None and not any(
                kinds[a.lane] in (LaneKind.FRONTSTAGE, LaneKind.EVIDENCE) for a in step.actions) \
                and not _customers_meet(step, kinds):
            yield ("G501", step.touchpoint.loc, f"touchpoint '{step.touchpoint.name}' has no frontstage "
                   "action and no physical evidence", step.id, None)
        if step.touchpoint is not None and step.touchpoint.moment:
            yield from _moment_at_risk(service, step)
        handoffs = handoff_counts.get(step.id, 0)
        if handoffs > threshold(service, "G502"):
            yield ("G502", step.loc, f"{handoffs} hand-offs between lanes (threshold "
                   f"{threshold(service, 'G502'):g})", step.id, None)
    for flow in service.request_flows:
        if kinds[flow.source.lane] is LaneKind.CUSTOMER and kinds[flow.target.lane] in (
                LaneKind.BACKSTAGE, LaneKind.SUPPORT):
            source = service.action(flow.source)
            yield ("V401", source.loc if source else flow.loc,
                   f"flow {flow.source} → {flow.target} goes from the customer straight to "
                   f"{kinds[flow.target.lane]}, with no frontstage contact", flow.source.step, flow.source.lane)


def _customers_meet(step: Step, kinds: dict[str, LaneKind]) -> bool:
    """Two or more customer lanes act, and no lane but customer and evidence lanes: G501 does not apply."""
    acting = [kinds[action.lane] for action in step.actions]
    return acting.count(LaneKind.CUSTOMER) >= 2 and all(
        kind in (LaneKind.CUSTOMER, LaneKind.EVIDENCE) for kind in acting)


def _moment_at_risk(service: Service, step: Step) -> Iterator[tuple[str, Loc, str, str | None, str | None]]:
    """T701: one finding per step, whichever of its customer lanes feels low."""
    touchpoint = step.touchpoint
    assert touchpoint is not None
    bound = threshold(service, "T701")
    reasons = []
    if step.emotion is not None and step.emotion <= bound:
        reasons.append(f"the customer feels {humanize.score(step.emotion)} (at or below {humanize.score(bound)})")
    if touchpoint.csat is not None and touchpoint.csat < 3:
        reasons.append(f"csat {touchpoint.csat:g} is below 3")
    if reasons:
        yield ("T701", touchpoint.loc, f"moment of truth '{touchpoint.name}' at risk: " + " and ".join(reasons),
               step.id, None)


def hand_offs(service: Service) -> Counter[str]:
    """Per step: request flows from its actions into another lane."""
    return Counter(flow.source.step for flow in service.request_flows if flow.source.lane != flow.target.lane)
