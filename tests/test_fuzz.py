"""Property-based fuzzing: random valid and near-valid service files; check never raises, metrics add up, SVG parses.

The default run is short; a long session: BLUEPRINT_FUZZ_EXAMPLES=10000 .venv/bin/pytest tests/test_fuzz.py
"""
from __future__ import annotations

import copy
import json
import math
import os
import re
import xml.etree.ElementTree as ET
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blueprint.api import Document, check_bytes
from blueprint.findings import CODES
from blueprint.diff import as_json as diff_json
from blueprint.diff_text import as_text as diff_text
from blueprint.diff import diff_documents
from blueprint.export_mermaid import journey_mermaid
from blueprint.formats import render_findings
from blueprint.metrics import measure, metrics_json
from blueprint.render import render
from blueprint.tables import metrics_table

EXAMPLES = int(os.environ.get("BLUEPRINT_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
RENDERED = settings(max_examples=max(10, EXAMPLES // 50), deadline=None, suppress_health_check=list(HealthCheck))

LANES = ("evidence", "customer", "frontstage", "backstage", "support")
_FINDING = re.compile(r"^[^\n]+:\d+:\d+: [A-Z]\d{3} [^\n]*$")

ids = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,7}", fullmatch=True)
# Any drawable text: letters of every script, emoji, markup and DOT characters; no control characters.
texts = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), min_size=1, max_size=40).filter(
    lambda text: text.strip() != "")
odd_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
durations = st.builds(lambda n, unit, frac: f"{n}{'.5' if frac else ''}{unit}", st.integers(0, 500),
                      st.sampled_from("smhd"), st.booleans())
scores = st.integers(1, 5)


@st.composite
def actions(draw: st.DrawFn, lane: str) -> Any:
    text = draw(texts)
    if lane == "evidence" or draw(st.booleans()):
        return text
    action: dict[str, Any] = {"text": text}
    if draw(st.booleans()):
        action["duration"] = draw(durations)
    if draw(st.booleans()):
        action["value"] = draw(st.sampled_from(["customer", "business", "none"]))
    if draw(st.integers(0, 3)) == 0:
        action["fail"] = draw(st.one_of(texts, st.fixed_dictionaries(
            {"what": texts}, optional={"severity": scores, "likelihood": scores, "detection": scores,
                                       "mitigation": texts})))
    if draw(st.integers(0, 4)) == 0:
        action["owner"] = draw(texts)
    return action


@st.composite
def steps(draw: st.DrawFn, step_id: str) -> dict[str, Any]:
    lanes = draw(st.lists(st.sampled_from(LANES), min_size=1, max_size=5, unique=True))
    step: dict[str, Any] = {"id": step_id, "actions": {lane: draw(actions(lane)) for lane in lanes}}
    optional: dict[str, Any] = {
        "title": texts, "emotion": st.integers(-2, 2), "thinks": texts,
        "pain": st.one_of(texts, st.lists(texts, min_size=1, max_size=3)),
        "opportunity": st.one_of(texts, st.lists(texts, min_size=1, max_size=3)),
        "touchpoint": st.one_of(texts, st.fixed_dictionaries({"name": texts}, optional={"channel": texts})),
        "wait": st.one_of(durations, st.fixed_dictionaries({"expected": durations},
                                                           optional={"tolerance": durations})),
    }
    for key, strategy in optional.items():
        if draw(st.integers(0, 2)) == 0:
            step[key] = draw(strategy)
    return step


@st.composite
def services(draw: st.DrawFn) -> dict[str, Any]:
    """A valid service on the canonical lanes; explicit request flows lead forward, so there is no cycle."""
    all_ids = draw(st.lists(ids, min_size=2, max_size=14, unique=True))
    stage_count = draw(st.integers(1, len(all_ids) // 2))
    stage_ids, step_ids = all_ids[:stage_count], all_ids[stage_count:]
    cuts = sorted(draw(st.lists(st.integers(1, len(step_ids) - 1), min_size=stage_count - 1,
                                max_size=stage_count - 1, unique=True))) if stage_count > 1 else []
    edges = [0, *cuts, len(step_ids)]
    stages = [{"id": stage_id, "title": draw(texts), "steps": [draw(steps(step_id)) for step_id in step_ids[a:b]]}
              for stage_id, a, b in zip(stage_ids, edges, edges[1:])]
    service: dict[str, Any] = {"blueprint": 1, "title": draw(texts), "stages": stages}
    if draw(st.booleans()):
        service["lang"] = draw(st.sampled_from(["en", "zh"]))
    order = {(step["id"], lane): (index, LANES.index(lane)) for index, step in
             enumerate(step for stage in stages for step in stage["steps"]) for lane in step["actions"]}
    flows = []
    for _ in range(draw(st.integers(0, 4))):
        if len(order) < 2:
            break
        source, target = draw(st.lists(st.sampled_from(sorted(order)), min_size=2, max_size=2, unique=True))
        kind = draw(st.sampled_from(["request", "data", "return"]))
        if kind == "request" and order[source] > order[target]:
            source, target = target, source
        if "evidence" in (source[1], target[1]):
            continue
        flows.append({"from": f"{source[0]}.{source[1]}", "to": f"{target[0]}.{target[1]}", "kind": kind,
                      **({"label": draw(texts)} if draw(st.booleans()) else {})})
    if flows:
        service["flows"] = flows
    if draw(st.integers(0, 4)) == 0:
        service["auto_flows"] = False
    return service


amounts = st.one_of(st.integers(0, 500), st.floats(0, 500, allow_nan=False))


def _as_mapping(action: Any) -> dict[str, Any]:
    return action if isinstance(action, dict) else {"text": action}


@st.composite
def services_1_1(draw: st.DrawFn) -> dict[str, Any]:
    """A valid service of `services()` with the 1.1 keys added: `after` naming earlier steps only, chance, when,
    alongside between neighbouring lanes, auto, direction up (on steps no written flow joins inside), cost,
    customer measures, per-lane emotion, pain dimensions; so still without a cycle."""
    service = draw(services())
    service["lanes"] = [{"id": lane, "kind": lane, **({"rate": draw(amounts)} if draw(st.booleans()) else {}),
                         **({"chain": draw(st.booleans())} if lane != "evidence" and draw(st.booleans()) else {})}
                        for lane in LANES]
    if draw(st.booleans()):
        service["currency"] = draw(st.sampled_from(["EUR", "CNY", "USD"]))
        service["overhead"] = draw(amounts)
    inside = {flow["from"].split(".")[0] for flow in service.get("flows", [])
              if flow["from"].split(".")[0] == flow["to"].split(".")[0]}
    earlier: list[str] = []
    for step in (step for stage in service["stages"] for step in stage["steps"]):
        if earlier and draw(st.booleans()):
            step["after"] = draw(st.lists(st.sampled_from(earlier), max_size=3, unique=True))
        earlier.append(step["id"])
        if draw(st.integers(0, 2)) == 0:
            step["chance"] = draw(st.floats(0.01, 1))
            step["when"] = draw(texts)
        acting = [lane for lane in LANES if lane in step["actions"] and lane != "evidence"]
        for lane in acting:
            if draw(st.integers(0, 2)) == 0:
                action = step["actions"][lane] = _as_mapping(step["actions"][lane])
                action.update(draw(st.fixed_dictionaries({}, optional={"auto": st.booleans(), "cost": amounts})))
        joined = len(acting) > 1 and draw(st.booleans())
        if joined:
            at = draw(st.integers(0, len(acting) - 2))
            step["actions"][acting[at + 1]] = {**_as_mapping(step["actions"][acting[at + 1]]), "alongside": acting[at]}
        elif step["id"] not in inside and draw(st.booleans()):
            step["direction"] = "up"
        if isinstance(step.get("touchpoint"), dict):
            step["touchpoint"].update(draw(st.fixed_dictionaries({}, optional={
                "moment": st.booleans(), "csat": st.floats(1, 5), "nps": st.integers(-100, 100)})))
        if "customer" in step["actions"] and draw(st.booleans()):
            step["emotion"] = {"customer": draw(st.integers(-2, 2))}
        if draw(st.integers(0, 3)) == 0:
            step["pain"] = {"text": draw(texts), "dimension": draw(st.sampled_from(
                ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]))}
    return service


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, path + (index,))
    return found


def _steps_in(service: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps still shaped like steps after earlier mutations."""
    stages = service.get("stages")
    return [step for stage in (stages if isinstance(stages, list) else []) if isinstance(stage, dict)
            for step in (stage.get("steps") if isinstance(stage.get("steps"), list) else [])
            if isinstance(step, dict)]


wrong_values = st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
                         st.lists(st.integers(), max_size=2), st.dictionaries(ids, st.integers(), max_size=2),
                         odd_texts, st.just("a b.c"), st.just(""))


@st.composite
def near_valid(draw: st.DrawFn, base: st.SearchStrategy[dict[str, Any]] | None = None
               ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A valid service and a copy with a few mutations: wrong types, missing or unknown keys, bad ids, dangling
    references, cycles (of flows and of `after`), `alongside` to nothing."""
    original = draw(base if base is not None else services())
    service = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        paths = [path for path in _paths(service) if path]
        path = draw(st.sampled_from(paths))
        parent = service
        for part in path[:-1]:
            parent = parent[part]
        mutation = draw(st.sampled_from(["replace", "delete", "unknown-key", "bad-id", "dangling", "cycle",
                                         "duplicate-id", "unknown-lane", "after-cycle", "alongside"]))
        steps_now = _steps_in(service)
        if mutation == "replace":
            parent[path[-1]] = draw(wrong_values)
        elif mutation == "delete":
            del parent[path[-1]]
        elif mutation == "unknown-key" and isinstance(parent, dict):
            parent[draw(ids)] = draw(wrong_values)
        elif mutation == "bad-id" and isinstance(parent, dict) and "id" in parent:
            parent["id"] = draw(st.sampled_from(["1x", "a b", "a.b", "", "é", "x\"]", "-a"]))
        elif mutation == "dangling":
            service["flows"] = [{"from": draw(ids), "to": f"{draw(ids)}.{draw(ids)}"}]
        elif mutation == "cycle" and steps_now:
            first, last = steps_now[0].get("id"), steps_now[-1].get("id")
            service["flows"] = [{"from": first, "to": last}, {"from": last, "to": first}]
        elif mutation == "duplicate-id" and len(steps_now) > 1:
            steps_now[-1]["id"] = steps_now[0].get("id")
        elif mutation == "unknown-lane" and steps_now and isinstance(steps_now[0].get("actions"), dict):
            steps_now[0]["actions"][draw(ids)] = draw(texts)
        elif mutation == "after-cycle" and steps_now:
            steps_now[0]["after"] = [steps_now[-1].get("id")]
        elif mutation == "alongside" and steps_now and isinstance(steps_now[0].get("actions"), dict) \
                and steps_now[0]["actions"]:
            acting = steps_now[0]["actions"]
            lane = draw(st.sampled_from(sorted(acting)))
            acting[lane] = {**_as_mapping(acting[lane]), "alongside": draw(st.sampled_from(LANES))}
    return original, service


def _dump(service: dict[str, Any]) -> bytes:
    return yaml.safe_dump(service, allow_unicode=True, sort_keys=False, width=10**6).encode("utf-8")


def _assert_well_reported(document: Document) -> None:
    assert document.valid == (not any(f.code.startswith("E") for f in document.findings))
    for finding in document.findings:
        assert finding.code in CODES and finding.line >= 1 and finding.column >= 1
        assert _FINDING.match(str(finding)), str(finding)
    for fmt in ("json", "sarif"):
        json.loads(render_findings(document.findings, fmt))
    assert render_findings(document.findings, "github").count("\n") == len(document.findings)


@FUZZ
@given(services())
def test_valid_services_check_clean_and_their_metrics_add_up(service: dict[str, Any]) -> None:
    document = check_bytes(_dump(service), "fuzz.yaml")
    _assert_well_reported(document)
    assert document.service is not None, [str(f) for f in document.findings]
    metrics = measure(document.service)
    assert all(step.time_s >= 0 and step.wait_s >= 0 and step.time_s >= step.wait_s for step in metrics.steps)
    assert math.isclose(metrics.lead_time_s, sum(step.time_s for step in metrics.steps))
    assert math.isclose(metrics.lead_time_s, sum(stage.time_s for stage in metrics.stages))
    assert 0 <= metrics.value_added_s <= metrics.lead_time_s + 1e-9
    ratio = metrics.value_added_ratio
    assert (ratio is None) == (metrics.lead_time_s == 0) and (ratio is None or 0 <= ratio <= 1)
    assert len(metrics.steps) == len(document.service.steps)
    assert json.loads(json.dumps(metrics_json(metrics)))["lead_time_s"] >= 0
    assert metrics_table(document.service, metrics)
    assert journey_mermaid(document.service, "fuzz.yaml").startswith("journey")


@FUZZ
@given(services_1_1())
def test_valid_1_1_services_check_clean_and_their_schedule_holds(service: dict[str, Any]) -> None:
    document = check_bytes(_dump(service), "fuzz.yaml")
    _assert_well_reported(document)
    assert document.service is not None, [str(f) for f in document.findings]
    metrics = measure(document.service)
    by_id = {step.id: step for step in metrics.steps}
    steps = document.service.steps
    close = lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)  # noqa: E731
    for index, step in enumerate(steps):
        before = step.after if step.after is not None else ((steps[index - 1].id,) if index else ())
        figures = by_id[step.id]
        assert close(figures.start_s, max((by_id[earlier].finish_s for earlier in before), default=0))
        assert close(figures.finish_s, figures.start_s + figures.time_s) and figures.slack_s >= 0
    assert close(metrics.lead_time_s, max(step.finish_s for step in metrics.steps))
    path = [by_id[step] for step in metrics.critical_path]
    assert path and all(step.critical for step in path)
    assert close(path[0].start_s, 0) and close(path[-1].finish_s, metrics.lead_time_s)
    assert all(close(first.finish_s, second.start_s) for first, second in zip(path, path[1:]))
    assert 0 <= metrics.value_added_s <= metrics.lead_time_s + 1e-6
    assert metrics.expected_lead_time_s <= metrics.lead_time_s + 1e-6
    assert all(stage.time_s <= metrics.lead_time_s + 1e-6 for stage in metrics.stages)
    cost = metrics.cost.cost
    assert min(cost.labour, cost.direct, cost.indirect, cost.waste) >= 0
    assert cost.waste <= cost.total + 1e-6 and metrics.cost.expected <= cost.total + 1e-6
    assert json.loads(json.dumps(metrics_json(metrics)))["cost"]["total"] >= 0
    assert metrics_table(document.service, metrics)


@FUZZ
@given(near_valid())
def test_near_valid_services_never_raise(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _never_raise(pair)


@FUZZ
@given(near_valid(services_1_1()))
def test_near_valid_1_1_services_never_raise(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    _never_raise(pair)


def _never_raise(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    original, mutated = (check_bytes(_dump(service), "fuzz.yaml") for service in pair)
    _assert_well_reported(mutated)
    difference = diff_documents(original, mutated)
    json.loads(diff_json(difference))
    diff_text(difference)
    same = diff_documents(original, original)
    assert not same.added and not same.resolved and not any((same.sections or {}).values())
    assert all(change["delta"] in (0, None) for change in (same.metrics or {}).values())


@FUZZ
@given(services(), st.data())
def test_damaged_bytes_never_raise(service: dict[str, Any], data: st.DataObject) -> None:
    raw = bytearray(_dump(service))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        damage = data.draw(st.sampled_from(["insert", "delete", "truncate"]))
        if damage == "insert":
            raw[at:at] = data.draw(st.sampled_from([b"\x00", b"\t", b"\xff", b"[", b"{", b"&a ", b"*a", b"!!str ",
                                                    b"\n  ", b": ", b"- ", b"'", b'"', b"#", b"\xe2\x80\xae",
                                                    b"\r", b"%YAML 1.1\n", b"---\n", b"? "]))
        elif damage == "delete":
            del raw[at:at + data.draw(st.integers(1, 8))]
        else:
            del raw[at:]
    _assert_well_reported(check_bytes(bytes(raw), "fuzz.yaml"))


@RENDERED
@given(services())
def test_valid_services_render_to_well_formed_svg(service: dict[str, Any]) -> None:
    document = check_bytes(_dump(service), "fuzz.yaml")
    assert document.service is not None
    for view in ("blueprint", "journey"):
        root = ET.fromstring(render(document.service, view, "svg"))  # well-formed XML, or this raises
        element_ids = {element.get("id") for element in root.iter()}
        assert {f"step.{step.id}" for step in document.service.steps} <= element_ids
