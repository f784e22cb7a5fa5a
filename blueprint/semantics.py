"""From the validated spec to the Service: lanes and lines, ids, references, flows (E101-E108)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .durations import parse_duration
from .findings import CODES, FLAG_CODES, Finding
from .i18n import label
from .loader import Locations, Path
from .model import (Action, Endpoint, FailPoint, Flow, FlowKind, FlowOrigin, Lane, LaneKind, Line,
                    LineName, Loc, Note, Persona, Service, Stage, Step, Touchpoint, Wait)
from .schema import ActionSpec, LaneSpec, ServiceSpec, StepSpec
from .validate import Suggester, Validated

_LINE_PHRASE = {LineName.INTERACTION: "the line of interaction", LineName.VISIBILITY: "the line of visibility",
                LineName.INTERNAL: "the line of internal interaction"}


@dataclass
class _Builder:
    spec: ServiceSpec
    validated: Validated
    locations: Locations
    file: str
    findings: list[Finding] = field(default_factory=list)
    hint: Suggester = field(default_factory=Suggester)

    def loc(self, path: Path) -> Loc:
        if self.validated.index_map:  # only after salvage did list items move
            path = self.validated.original(path)
        return self.locations.value(path)

    def key_loc(self, path: Path) -> Loc:
        return self.locations.key(self.validated.original(path))

    def error(self, code: str, message: str, loc: Loc, step: str | None = None, lane: str | None = None) -> None:
        self.findings.append(Finding(self.file, loc.line, loc.column, code, message, step=step, lane=lane))

    def ghost(self, name: str) -> bool:
        """True for an id whose object was dropped as invalid: references to it are not errors again."""
        return name in self.validated.pruned_ids

    # lanes ---------------------------------------------------------------------------------

    def lanes(self) -> tuple[Lane, ...]:
        if self.spec.lanes is None:
            return tuple(Lane(kind.value, label(self.spec.lang, f"lane.{kind.value}"), kind, self.loc(()))
                         for kind in LaneKind)
        has_markers = any(not isinstance(entry, LaneSpec) for entry in self.spec.lanes)
        lanes: list[Lane] = []
        kind_locs: dict[str, Loc] = {}
        markers: list[tuple[LineName, int, Loc]] = []
        region: LineName | None = None
        for index, entry in enumerate(self.spec.lanes):
            path: Path = ("lanes", index)
            if not isinstance(entry, LaneSpec):
                self.marker(entry.line, len(lanes), self.loc(path + ("line",)), markers)
                region = entry.line
                continue
            if any(lane.id == entry.id for lane in lanes):
                self.error("E101", f"duplicate lane id '{entry.id}'", self.loc(path + ("id",)), lane=entry.id)
                continue
            kind = entry.kind
            if kind is None:
                if not has_markers:
                    self.error("E005", f"missing required key 'kind' in lane '{entry.id}' "
                               "(with no line markers in the list, every lane needs its kind)",
                               self.loc(path), lane=entry.id)
                kind = _kind_in_region(region, entry.id)
            else:
                kind_locs[entry.id] = self.loc(path + ("kind",))
            lanes.append(Lane(entry.id, entry.title or entry.id, kind, self.loc(path)))
        self.check_order(lanes, kind_locs)
        for name, position, loc in markers:
            self.check_marker(name, position, loc, lanes)
        if not any(lane.kind is LaneKind.CUSTOMER for lane in lanes):
            self.error("E106", "no lane of kind customer; a blueprint needs at least one", self.loc(("lanes",)))
        return tuple(lanes)

    def marker(self, name: LineName, position: int, loc: Loc, markers: list[tuple[LineName, int, Loc]]) -> None:
        for seen, _, seen_loc in markers:
            if seen is name:
                self.error("E105", f"line marker '{name}' repeats (first at line {seen_loc.line})", loc)
                return
            if seen.rank > name.rank:
                self.error("E105", f"line marker '{name}' stands below '{seen}'; the lines run "
                           "interaction, visibility, internal from top to bottom", loc)
                return
        markers.append((name, position, loc))

    def check_order(self, lanes: list[Lane], kind_locs: dict[str, Loc]) -> None:
        highest: Lane | None = None
        for lane in lanes:
            if highest is not None and lane.kind.rank < highest.kind.rank:
                between = [line for line in LineName if lane.kind.rank <= line.rank < highest.kind.rank]
                where = (f"{lane.kind} lanes belong above {_LINE_PHRASE[between[0]]}" if between
                         else "evidence lanes belong at the top")
                self.error("E104", f"lane '{lane.id}' ({lane.kind}) stands below lane '{highest.id}' "
                           f"({highest.kind}); {where}", kind_locs.get(lane.id, lane.loc), lane=lane.id)
            elif highest is None or lane.kind.rank > highest.kind.rank:
                highest = lane

    def check_marker(self, name: LineName, position: int, loc: Loc, lanes: list[Lane]) -> None:
        above = [lane for lane in lanes[:position] if lane.kind.rank > name.rank]
        below = [lane for lane in lanes[position:] if lane.kind.rank <= name.rank]
        wrong = above[:1] or below[:1]
        if wrong:
            side = "above" if above else "below"
            self.error("E105", f"line marker '{name}' disagrees with the lane kinds: lane '{wrong[0].id}' "
                       f"({wrong[0].kind}) stands {side} it", loc)

    # stages, steps, actions -------------------------------------------------------------------

    def stages(self, lanes: tuple[Lane, ...]) -> tuple[Stage, ...]:
        seen: dict[str, Path] = {}  # id -> where it was first
        lane_order = {lane.id: index for index, lane in enumerate(lanes)}
        stages = []
        for s_index, stage in enumerate(self.spec.stages):
            s_path: Path = ("stages", s_index)
            self.unique(stage.id, s_path, seen, "stage")
            steps = tuple(self.step(step, s_path + ("steps", index), stage.id, lanes, lane_order, seen)
                          for index, step in enumerate(stage.steps))
            stages.append(Stage(stage.id, stage.title, steps, stage.goal, tuple(stage.kpi), self.loc(s_path)))
        return tuple(stages)

    def unique(self, name: str, path: Path, seen: dict[str, Path], what: str) -> None:
        if name in seen:
            first = self.loc(seen[name] + ("id",)).line
            self.error("E101", f"duplicate id '{name}' (first at line {first}); "
                       "stages and steps share one set of ids", self.loc(path + ("id",)),
                       step=name if what == "step" else None)
        else:
            seen[name] = path

    def step(self, spec: StepSpec, path: Path, stage: str, lanes: tuple[Lane, ...],
             lane_order: dict[str, int], seen: dict[str, Path]) -> Step:
        self.unique(spec.id, path, seen, "step")
        actions = []
        for lane_id, action in spec.actions.items():
            a_path = path + ("actions", lane_id)
            if lane_id not in lane_order:
                if not self.ghost(lane_id):
                    self.error("E102", f"unknown lane '{lane_id}'" + self.hint(lane_id, lane_order),
                               self.key_loc(a_path), step=spec.id, lane=lane_id)
                continue
            actions.append(self.action(action, a_path, spec.id, lanes[lane_order[lane_id]]))
        actions.sort(key=lambda action: lane_order[action.lane])
        first_customer = next((action.text for action in actions
                               if lanes[lane_order[action.lane]].kind is LaneKind.CUSTOMER), None)
        return Step(
            id=spec.id, stage=stage, title=spec.title or first_customer or spec.id, actions=tuple(actions),
            touchpoint=self.touchpoint(spec, path), emotion=spec.emotion, thinks=spec.thinks,
            pains=self.notes(spec.pain, path + ("pain",)), opportunities=self.notes(spec.opportunity,
                                                                                   path + ("opportunity",)),
            wait=self.wait(spec, path), loc=self.loc(path),
            emotion_loc=self.loc(path + ("emotion",)) if spec.emotion is not None else None)

    def action(self, spec: ActionSpec, path: Path, step: str, lane: Lane) -> Action:
        loc = self.loc(path)
        if lane.kind is LaneKind.EVIDENCE:
            extra = sorted(spec.model_fields_set - {"text"})
            if extra:
                self.error("E004", f"an action in evidence lane '{lane.id}' is text only; remove "
                           + ", ".join(f"'{key}'" for key in extra), loc, step=step, lane=lane.id)
            return Action(step, lane.id, spec.text, loc=loc)
        fail = None
        if spec.fail is not None:
            f = spec.fail
            fail = FailPoint(f.what, f.severity, f.likelihood, f.detection, f.mitigation, self.loc(path + ("fail",)))
        return Action(step, lane.id, spec.text, parse_duration(spec.duration) if spec.duration else None,
                      spec.value, fail, spec.owner, loc,
                      self.loc(path + ("value",)) if spec.value is not None else None)

    def touchpoint(self, spec: StepSpec, path: Path) -> Touchpoint | None:
        if spec.touchpoint is None:
            return None
        channel = spec.touchpoint.channel
        channels = self.spec.channels
        if channel is not None and channels is not None and channel not in channels:
            self.error("E004", f"channel '{channel}' is not one of channels ({', '.join(channels)})"
                       + self.hint(channel, channels), self.loc(path + ("touchpoint", "channel")), step=spec.id)
        return Touchpoint(spec.touchpoint.name, channel, self.loc(path + ("touchpoint",)))

    def wait(self, spec: StepSpec, path: Path) -> Wait | None:
        if spec.wait is None:
            return None
        tolerance = parse_duration(spec.wait.tolerance) if spec.wait.tolerance else None
        return Wait(parse_duration(spec.wait.expected) or 0, tolerance, self.loc(path + ("wait",)))

    def notes(self, texts: list[str], path: Path) -> tuple[Note, ...]:
        if not texts:
            return ()
        many = self.written_as_list(path)
        return tuple(Note(text, self.loc(path + (index,) if many else path)) for index, text in enumerate(texts))

    def written_as_list(self, path: Path) -> bool:
        """Whether the file wrote a list at `path` (a one-or-many key): its items have places of their own."""
        return self.validated.original(path) + (0,) in self.locations.values

    # rules ---------------------------------------------------------------------------------

    def rules(self) -> dict[str, float | str]:
        rules: dict[str, float | str] = {}
        for code, value in self.spec.rules.items():
            path: Path = ("rules", code)
            if code not in FLAG_CODES:
                self.error("E003", f"unknown rule '{code}'" + self.hint(code, FLAG_CODES), self.key_loc(path))
            elif value != "off" and CODES[code].threshold is None:
                self.error("E004", f"rule {code} has no threshold; it takes only 'off'", self.loc(path))
            else:
                rules[code] = value
        return rules

    # flows ---------------------------------------------------------------------------------

    def resolve(self, ref: str, loc: Loc, steps: dict[str, Step], lanes: tuple[Lane, ...]) -> Endpoint | None:
        step_id, _, lane_id = ref.partition(".")
        step = steps.get(step_id)
        if step is None:
            if not self.ghost(step_id):
                self.error("E103", f"reference '{ref}' names no step" + self.hint(step_id, steps), loc, step=None)
            return None
        if not lane_id:
            kinds = {lane.id: lane.kind for lane in lanes}
            first = next((a for a in step.actions if kinds[a.lane] is not LaneKind.EVIDENCE), None)
            if first is None:
                self.error("E103", f"reference '{ref}': step '{step_id}' has no action outside evidence lanes",
                           loc, step=step_id)
                return None
            return Endpoint(step_id, first.lane)
        if step.action(lane_id) is None:
            if not self.ghost(lane_id):
                known = {lane.id for lane in lanes}
                hint = (f"step '{step_id}' has no action in lane '{lane_id}'" if lane_id in known
                        else f"there is no lane '{lane_id}'" + self.hint(lane_id, known))
                self.error("E103", f"reference '{ref}' points to nothing: {hint}", loc, step=step_id, lane=lane_id)
            return None
        return Endpoint(step_id, lane_id)

    def flows(self, stages: tuple[Stage, ...], lanes: tuple[Lane, ...]) -> tuple[Flow, ...]:
        steps = {step.id: step for stage in stages for step in stage.steps}
        explicit: list[Flow] = []
        for index, flow in enumerate(self.spec.flows):
            path: Path = ("flows", index)
            source = self.resolve(flow.source, self.loc(path + ("from",)), steps, lanes)
            target = self.resolve(flow.to, self.loc(path + ("to",)), steps, lanes)
            if source and target:
                explicit.append(Flow(source, target, flow.kind, FlowOrigin.FLOW, flow.label, self.loc(path)))
        for s_index, stage in enumerate(self.spec.stages):
            for t_index, step in enumerate(stage.steps):
                for lane_id, action in step.actions.items():
                    if not action.to:
                        continue
                    path = ("stages", s_index, "steps", t_index, "actions", lane_id, "to")
                    many = self.written_as_list(path)
                    for r_index, ref in enumerate(action.to):
                        ref_loc = self.loc(path + (r_index,) if many else path)
                        target = self.resolve(ref, ref_loc, steps, lanes)
                        if target and step.id in steps and steps[step.id].action(lane_id):
                            explicit.append(Flow(Endpoint(step.id, lane_id), target, FlowKind.REQUEST,
                                                 FlowOrigin.ACTION, None, ref_loc))
        automatic = _automatic_flows(stages, lanes) if self.spec.auto_flows else []
        if explicit:
            given = {(flow.source, flow.target, flow.kind) for flow in explicit}
            automatic = [flow for flow in automatic if (flow.source, flow.target, flow.kind) not in given]
            unique: dict[tuple[Endpoint, Endpoint, FlowKind], Flow] = {}
            for made in automatic + explicit:
                unique.setdefault((made.source, made.target, made.kind), made)
            flows = tuple(unique.values())
        else:  # automatic flows never repeat one another
            flows = tuple(automatic)
        self.check_cycles(flows, steps, lanes)
        return flows

    def check_cycles(self, flows: tuple[Flow, ...], steps: dict[str, Step], lanes: tuple[Lane, ...]) -> None:
        request = [flow for flow in flows if flow.kind is FlowKind.REQUEST]
        # automatic flows all lead forward in (step, lane) order, so a cycle needs one that doesn't
        explicit = [flow for flow in request if not flow.automatic]
        if not explicit:
            return
        lane_index = {lane.id: index for index, lane in enumerate(lanes)}
        order = {Endpoint(step.id, action.lane): (s_index, lane_index[action.lane])
                 for s_index, step in enumerate(steps.values()) for action in step.actions}
        if all(order[flow.source] < order[flow.target] for flow in explicit):
            return
        for component in _cycles(request):
            inside = [flow for flow in request if flow.source in component and flow.target in component]
            closing = max((flow for flow in inside if not flow.automatic), key=lambda flow: flow.loc,
                          default=inside[-1])
            path = _path_between(inside, closing.target, closing.source)
            shown = " → ".join(str(node) for node in path + [closing.target])
            self.error("E108", f"request flows form a cycle: {shown}; draw rework as kind: return",
                       closing.loc, step=closing.source.step, lane=closing.source.lane)


def _kind_in_region(region: LineName | None, lane_id: str) -> LaneKind:
    """The kind a lane without `kind` takes from the last line marker above it."""
    if region is None:
        return LaneKind.EVIDENCE if lane_id == "evidence" else LaneKind.CUSTOMER
    return {LineName.INTERACTION: LaneKind.FRONTSTAGE, LineName.VISIBILITY: LaneKind.BACKSTAGE,
            LineName.INTERNAL: LaneKind.SUPPORT}[region]


def lines_between(lanes: tuple[Lane, ...]) -> tuple[Line, ...]:
    """Each line lies below the last lane of rank <= its rank, where lanes exist on both sides."""
    lines = []
    for name in LineName:
        boundary = sum(1 for lane in lanes if lane.kind.rank <= name.rank)
        if 0 < boundary < len(lanes):
            lines.append(Line(name, lanes[boundary - 1].id, lanes[boundary].id))
    return tuple(lines)


def _automatic_flows(stages: tuple[Stage, ...], lanes: tuple[Lane, ...]) -> list[Flow]:
    steps = [step for stage in stages for step in stage.steps]
    flows: list[Flow] = []
    for lane in lanes:
        if lane.kind is not LaneKind.CUSTOMER:
            continue
        previous: Action | None = None
        for step in steps:
            action = step.action(lane.id)
            if action is None:
                continue
            if previous is not None:
                flows.append(Flow(Endpoint(previous.step, lane.id), Endpoint(step.id, lane.id),
                                  origin=FlowOrigin.TIME, loc=previous.loc))
            previous = action
    kinds = {lane.id: lane.kind for lane in lanes}
    for step in steps:
        actions = [action for action in step.actions if kinds[action.lane] is not LaneKind.EVIDENCE]
        for upper, lower in zip(actions, actions[1:]):
            flows.append(Flow(Endpoint(step.id, upper.lane), Endpoint(step.id, lower.lane),
                              origin=FlowOrigin.SUPPORT, loc=upper.loc))
    return flows


def _cycles(flows: list[Flow]) -> list[set[Endpoint]]:
    """Strongly connected parts with a cycle (Tarjan's algorithm, iterative)."""
    graph: dict[Endpoint, list[Endpoint]] = {}
    for flow in flows:
        graph.setdefault(flow.source, []).append(flow.target)
        graph.setdefault(flow.target, [])
    index: dict[Endpoint, int] = {}
    low: dict[Endpoint, int] = {}
    on_stack: set[Endpoint] = set()
    stack: list[Endpoint] = []
    found: list[set[Endpoint]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = graph[node]
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _path_between(flows: list[Flow], start: Endpoint, goal: Endpoint) -> list[Endpoint]:
    """A shortest path of flows from start to goal (both in one cycle)."""
    came: dict[Endpoint, Endpoint | None] = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            break
        for flow in flows:
            if flow.source == node and flow.target not in came:
                came[flow.target] = node
                queue.append(flow.target)
    path: list[Endpoint] = []
    back: Endpoint | None = goal
    while back is not None:
        path.append(back)
        back = came.get(back)
    return path[::-1]


def build_service(spec: ServiceSpec, validated: Validated, locations: Locations,
                  file: str) -> tuple[Service, list[Finding]]:
    """The Service and the findings of every check that needs more than the schema."""
    builder = _Builder(spec, validated, locations, file)
    lanes = builder.lanes()
    stages = builder.stages(lanes)
    rules = builder.rules()
    flows = builder.flows(stages, lanes)
    persona = None
    if spec.persona is not None:
        persona = Persona(spec.persona.name, spec.persona.about, tuple(spec.persona.goals), tuple(spec.persona.needs))
    service = Service(
        title=spec.title, stages=stages, lanes=lanes, lines=lines_between(lanes), flows=flows, summary=spec.summary,
        lang=spec.lang, persona=persona, channels=tuple(spec.channels or ()), auto_flows=spec.auto_flows, rules=rules)
    return service, builder.findings
