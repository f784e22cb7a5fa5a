"""Design flags (P101-L601): what a reviewer of the blueprint would point at."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from . import humanize
from .findings import CODES, Finding, Severity
from .model import LaneKind, Loc, Service


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
        if step.emotion is not None and not step.pains and step.emotion <= threshold(service, "P102"):
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
                kinds[a.lane] in (LaneKind.FRONTSTAGE, LaneKind.EVIDENCE) for a in step.actions):
            yield ("G501", step.touchpoint.loc, f"touchpoint '{step.touchpoint.name}' has no frontstage "
                   "action and no physical evidence", step.id, None)
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


def hand_offs(service: Service) -> Counter[str]:
    """Per step: request flows from its actions into another lane."""
    return Counter(flow.source.step for flow in service.request_flows if flow.source.lane != flow.target.lane)
