"""From the validated spec to the Service: lanes and lines, ids, references, flows (E101-E108)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from .durations import parse_duration
from .findings import CODES, FLAG_CODES, Finding
from .flowgraph import automatic_flows, cycles, grouped, path_between, predecessors
from .i18n import label
from .loader import Locations, Path
from .model import (Action, Direction, Endpoint, FailPoint, Flow, FlowKind, FlowOrigin, Lane, LaneKind,
                    LaneScore, LaneText, Line, LineName, Loc, Note, Persona, Service, Stage, Step, Touchpoint, Wait)
from .schema import ActionSpec, LaneSpec, PainSpec, ServiceSpec, StepSpec
from .validate import Suggester, Validated, closest

_MAX_MISSPELT_CANDIDATES = 10  # unknown lane ids (the most used) compared with the declared lanes
_MISSPELT_USES = 3             # this many uses of one unknown id point at its declaration as the typo
_LINE_PHRASE = {LineName.INTERACTION: "the line of interaction", LineName.VISIBILITY: "the line of visibility",
                LineName.INTERNAL: "the line of internal interaction"}


class _Builder:
    """Builds the model from a checked spec, collecting the semantic findings."""

    def __init__(self, spec: ServiceSpec, validated: Validated, locations: Locations, file: str) -> None:
        self.spec, self.validated, self.locations, self.file = spec, validated, locations, file
        self.findings: list[Finding] = []
        self.hint = Suggester()
        # unknown lane id -> where actions, alongside or emotion/thinks entries name it:
        # (code, loc, step, the lane the finding is about, message)
        self.unknown_lanes: dict[str, list[tuple[str, Loc, str, str, str]]] = {}
        self.misspelt: set[str] = set()   # unknown lane ids reported once, at the declaration
        # step id -> where its `after` stands and the ids it names
        self.afters: dict[str, tuple[Path, list[str]]] = {}
        self.step_ids = {step.id for stage in spec.stages for step in stage.steps}
        # stage -> its first and last step
        self.stage_steps = {stage.id: (stage.steps[0].id, stage.steps[-1].id) for stage in spec.stages}
        self.lane_id_locs: dict[str, Loc] = {}
        self.alongside_locs: dict[Endpoint, Loc] = {}

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
        return name in self.validated.pruned_ids or name in self.misspelt

    # lanes ---------------------------------------------------------------------------------

    def lanes(self) -> tuple[Lane, ...]:
        if self.spec.lanes is None:
            return tuple(Lane(kind.value, label(self.spec.lang, f"lane.{kind.value}"), kind, self.loc(()),
                              self.spec.auto_flows and kind is LaneKind.CUSTOMER)
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
            self.lane_id_locs.setdefault(entry.id, self.loc(path + ("id",)))
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
            if kind is LaneKind.EVIDENCE and entry.chain is not None:
                self.error("E004", f"evidence lane '{entry.id}' takes no 'chain': physical evidence is not "
                           "a sequence of actions; remove it", self.loc(path + ("chain",)), lane=entry.id)
            chain = kind is LaneKind.CUSTOMER if entry.chain is None else entry.chain
            lanes.append(Lane(entry.id, entry.title or entry.id, kind, self.loc(path),
                              self.spec.auto_flows and chain and kind is not LaneKind.EVIDENCE, entry.rate))
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
        self.report_unknown_lanes(lanes, stages)
        return tuple(stages)

    def unique(self, name: str, path: Path, seen: dict[str, Path], what: str) -> None:
        if name in seen:
            first = self.loc(seen[name] + ("id",)).line
            self.error("E101", f"duplicate id '{name}' (first at line {first}); "
                       "stages and steps share one set of ids", self.loc(path + ("id",)),
                       step=name if what == "step" else None)
        else:
            seen[name] = path

    def unknown_lane(self, code: str, name: str, loc: Loc, step: str, message: str, lane: str | None = None) -> None:
        """A use of a lane id that `lanes` does not declare: reported once all uses are known."""
        if not self.ghost(name):
            self.unknown_lanes.setdefault(name, []).append((code, loc, step, lane or name, message))

    def report_unknown_lanes(self, lanes: tuple[Lane, ...], stages: Sequence[Stage]) -> None:
        """Each use of an unknown lane, unless many uses name one id close to a declared lane that nothing uses:
        then that declaration is the typo, and it gets the one finding."""
        known = [lane.id for lane in lanes]
        if self.spec.lanes is not None:
            used = {action.lane for stage in stages for step in stage.steps for action in step.actions}
            unused = [lane for lane in lanes if lane.id not in used]
            by_uses = sorted(((name, uses) for name, uses in self.unknown_lanes.items() if len(uses) >= _MISSPELT_USES),
                             key=lambda item: -len(item[1]))
            for name, uses in by_uses[:_MAX_MISSPELT_CANDIDATES]:
                intended = closest(name, known)
                lane = next((lane for lane in unused if lane.id == intended), None)
                if lane is None:
                    continue
                unused.remove(lane)
                self.misspelt.add(name)
                self.error("E102", f"lane '{lane.id}' is declared but no step uses it, while {len(uses)} places "
                           f"name lane '{name}', which is not declared (did you mean '{name}'?); correct the "
                           f"id here, or those {len(uses)} places if '{lane.id}' is right",
                           self.lane_id_locs[lane.id], lane=lane.id)
        for name, uses in self.unknown_lanes.items():
            if name not in self.misspelt:
                for code, loc, step, lane_id, message in uses:
                    self.error(code, message + self.hint(name, known), loc, step=step, lane=lane_id)

    def step(self, spec: StepSpec, path: Path, stage: str, lanes: tuple[Lane, ...],
             lane_order: dict[str, int], seen: dict[str, Path]) -> Step:
        self.unique(spec.id, path, seen, "step")
        actions = []
        together = False
        for lane_id, action in spec.actions.items():
            a_path = path + ("actions", lane_id)
            if lane_id not in lane_order:
                self.unknown_lane("E102", lane_id, self.key_loc(a_path), spec.id, f"unknown lane '{lane_id}'")
                continue
            together = together or action.alongside is not None
            actions.append(self.action(action, a_path, spec.id, lanes[lane_order[lane_id]]))
        actions.sort(key=lambda action: lane_order[action.lane])
        if together:
            actions = self.alongside(actions, path, spec.id, lanes, lane_order)
        first_customer = next((action.text for action in actions
                               if lanes[lane_order[action.lane]].kind is LaneKind.CUSTOMER), None)
        emotions: tuple[LaneScore, ...] = ()
        thoughts: tuple[LaneText, ...] = ()
        if isinstance(spec.emotion, dict):
            scores = spec.emotion
            emotions = tuple(LaneScore(lane, scores[lane], loc) for lane, loc in
                             self.by_lane(scores, path + ("emotion",), spec.id, lanes, lane_order))
            emotion = min((entry.score for entry in emotions), default=None)
        else:
            emotion = spec.emotion
        if isinstance(spec.thinks, dict):
            texts = spec.thinks
            thoughts = tuple(LaneText(lane, texts[lane]) for lane, _ in
                             self.by_lane(texts, path + ("thinks",), spec.id, lanes, lane_order))
            thinks = None
        else:
            thinks = spec.thinks
        return Step(
            id=spec.id, stage=stage, title=spec.title or first_customer or spec.id, actions=tuple(actions),
            touchpoint=self.touchpoint(spec, path), emotion=emotion, thinks=thinks,
            pains=self.notes(spec.pain if isinstance(spec.pain, list) else [spec.pain], path + ("pain",)),
            opportunities=self.notes(spec.opportunity, path + ("opportunity",)),
            wait=self.wait(spec, path), loc=self.loc(path),
            emotion_loc=self.loc(path + ("emotion",)) if spec.emotion is not None else None,
            after=self.after(spec, path), when=spec.when, chance=spec.chance, direction=spec.direction,
            emotions=emotions, thoughts=thoughts)

    def by_lane(self, mapping: Mapping[str, object], path: Path, step: str, lanes: tuple[Lane, ...],
                lane_order: dict[str, int]) -> list[tuple[str, Loc]]:
        """The lanes (and places) of an `emotion` or `thinks` mapping that are customer lanes, in lane order."""
        kept = []
        what = path[-1]
        for lane_id in mapping:
            loc = self.key_loc(path + (lane_id,))
            if lane_id not in lane_order:
                self.unknown_lane("E102", lane_id, loc, step, f"{what}: unknown lane '{lane_id}'")
            elif lanes[lane_order[lane_id]].kind is not LaneKind.CUSTOMER:
                self.error("E004", f"{what} is given per customer lane, and '{lane_id}' is a "
                           f"{lanes[lane_order[lane_id]].kind} lane; name customer lanes only", loc,
                           step=step, lane=lane_id)
            else:
                kept.append((lane_id, loc))
        return sorted(kept, key=lambda entry: lane_order[entry[0]])

    def alongside(self, actions: list[Action], path: Path, step: str, lanes: tuple[Lane, ...],
                  lane_order: dict[str, int]) -> list[Action]:
        """The actions with each `alongside` checked (E103, E004); one that names nothing valid is dropped."""
        present = {action.lane for action in actions}
        checked = []
        for action in actions:
            other = action.alongside
            if other is not None:
                loc = self.loc(path + ("actions", action.lane, "alongside"))
                if self.alongside_is_valid(action.lane, other, step, loc, present, lanes, lane_order):
                    self.alongside_locs[Endpoint(step, action.lane)] = loc
                else:
                    action = action._replace(alongside=None)
            checked.append(action)
        return checked

    def alongside_is_valid(self, lane: str, other: str, step: str, loc: Loc, present: set[str],
                           lanes: tuple[Lane, ...], lane_order: dict[str, int]) -> bool:
        """Whether `alongside: other` on the action in `lane` names another acting, non-evidence lane of the step."""
        if other not in lane_order:
            self.unknown_lane("E103", other, loc, step, f"alongside '{other}' names no lane", lane)
        elif other == lane:
            self.error("E004", f"alongside '{other}' names the action's own lane; name another lane of this step",
                       loc, step=step, lane=lane)
        elif other not in present:
            self.error("E103", f"alongside '{other}': step '{step}' has no action in lane '{other}'; add that "
                       "action, or name a lane that acts in this step", loc, step=step, lane=lane)
        elif lanes[lane_order[other]].kind is LaneKind.EVIDENCE:
            self.error("E004", f"alongside '{other}' names an evidence lane; physical evidence does not act",
                       loc, step=step, lane=lane)
        else:
            return True
        return False

    def after(self, spec: StepSpec, path: Path) -> tuple[str, ...] | None:
        """The steps `after` names that exist (E103 for the others); None when the step has no `after`."""
        if spec.after is None:
            return None
        a_path = path + ("after",)
        self.afters[spec.id] = (a_path, spec.after)
        if all(name in self.step_ids for name in spec.after):
            return tuple(spec.after)
        for index, name in enumerate(spec.after):
            if name in self.stage_steps:
                first, last = self.stage_steps[name]
                self.error("E103", f"after '{name}' names a stage; after names steps (this stage's first step "
                           f"is '{first}', its last '{last}')", self.after_loc(spec.id, index), step=spec.id)
            elif name not in self.step_ids and not self.ghost(name):
                self.error("E103", f"after '{name}' names no step" + self.hint(name, self.step_ids),
                           self.after_loc(spec.id, index), step=spec.id)
        return tuple(name for name in spec.after if name in self.step_ids)

    def after_loc(self, step: str, index: int) -> Loc:
        """Where item `index` of the step's `after` stands (the whole value when it is one id)."""
        path, _ = self.afters[step]
        return self.loc(path + (index,) if self.written_as_list(path) else path)

    def action(self, spec: ActionSpec, path: Path, step: str, lane: Lane) -> Action:
        loc = self.loc(path)
        if lane.kind is LaneKind.EVIDENCE:
            extra = sorted(spec.given - {"text"})
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
                      self.loc(path + ("value",)) if spec.value is not None else None,
                      spec.alongside, spec.auto, spec.cost)

    def touchpoint(self, spec: StepSpec, path: Path) -> Touchpoint | None:
        if spec.touchpoint is None:
            return None
        touchpoint = spec.touchpoint
        channel = touchpoint.channel
        channels = self.spec.channels
        if channel is not None and channels is not None and channel not in channels:
            self.error("E004", f"channel '{channel}' is not one of channels ({', '.join(channels)})"
                       + self.hint(channel, channels), self.loc(path + ("touchpoint", "channel")), step=spec.id)
        return Touchpoint(touchpoint.name, channel, self.loc(path + ("touchpoint",)), touchpoint.moment,
                          touchpoint.csat, touchpoint.nps)

    def wait(self, spec: StepSpec, path: Path) -> Wait | None:
        if spec.wait is None:
            return None
        tolerance = parse_duration(spec.wait.tolerance) if spec.wait.tolerance else None
        return Wait(parse_duration(spec.wait.expected) or 0, tolerance, self.loc(path + ("wait",)))

    def notes(self, items: Sequence[str | PainSpec], path: Path) -> tuple[Note, ...]:
        """Pain points (text, or text and a dimension) or opportunities, each at its place in the file."""
        if not items:
            return ()
        many = self.written_as_list(path)
        return tuple(Note(item, self.loc(path + (index,) if many else path)) if isinstance(item, str) else
                     Note(item.text, self.loc(path + (index,) if many else path), item.dimension)
                     for index, item in enumerate(items))

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
        automatic = automatic_flows(list(steps.values()), lanes) if self.spec.auto_flows else []
        if explicit:
            given = {(flow.source, flow.target, flow.kind) for flow in explicit}
            automatic = [flow for flow in automatic if (flow.source, flow.target, flow.kind) not in given]
            unique: dict[tuple[Endpoint, Endpoint, FlowKind], Flow] = {}
            for made in automatic + explicit:
                unique.setdefault((made.source, made.target, made.kind), made)
            flows = tuple(unique.values())
        else:  # automatic flows never repeat one another
            flows = tuple(automatic)
        grouped_any = any(_has_alongside(step) for step in steps.values())
        if grouped_any:
            flows = tuple(flow._replace(alongside=True) if flow.source.step == flow.target.step
                          and steps[flow.source.step].together(flow.source.lane, flow.target.lane) else flow
                          for flow in flows)
        self.check_cycles(flows, steps, lanes, grouped_any)
        return flows

    def check_cycles(self, flows: tuple[Flow, ...], steps: dict[str, Step], lanes: tuple[Lane, ...],
                     grouped_any: bool) -> None:
        request = [flow for flow in flows if flow.kind is FlowKind.REQUEST and not flow.alongside]
        plain = not grouped_any and not any(step.direction is Direction.UP for step in steps.values())
        if plain:
            # automatic flows all lead forward in (step, lane) order, so a cycle needs one that doesn't
            explicit = [flow for flow in request if not flow.automatic]
            if not explicit:
                return
            lane_index = {lane.id: index for index, lane in enumerate(lanes)}
            order = {Endpoint(step.id, action.lane): (s_index, lane_index[action.lane])
                     for s_index, step in enumerate(steps.values()) for action in step.actions}
            if all(order[flow.source] < order[flow.target] for flow in explicit):
                return
        # an `alongside` group is one node of its step's chain: a path out of it and back in is a cycle
        edges = [grouped(flow, steps) for flow in request]
        for component in cycles(edges):
            inside = [(request[number], edges[number]) for number in component]
            written = [pair for pair in inside if not pair[0].automatic]
            closing, (start, end) = max(written, key=lambda pair: pair[0].loc, default=inside[-1])
            path = path_between([edge for _, edge in inside], end, start)
            groups = [(node, steps[node.step].members(node.lane)) for node in path]
            shown = " → ".join(f"{node.step}.{'+'.join(members)}" for node, members in groups + groups[:1])
            joined = [Endpoint(node.step, lane) for node, members in groups if len(members) > 1 for lane in members]
            loc, lane = closing.loc, closing.source.lane
            if joined and not written:  # only automatic flows: the alongside made the cycle
                cause = next(endpoint for endpoint in joined if endpoint in self.alongside_locs)
                loc, lane = self.alongside_locs[cause], cause.lane
            self.error("E108", f"request flows form a cycle: {shown}; draw rework as kind: return"
                       + ("; actions joined by alongside count as one (set auto: false on the action between "
                          "them, or drop the alongside)" if joined else ""), loc, step=closing.source.step, lane=lane)

    def check_after(self, steps: Sequence[Step]) -> None:
        """E108 for steps that wait for each other (`after`, and the default: the previous step)."""
        if all(step.after is None for step in steps) or len({step.id for step in steps}) < len(steps):
            return  # without `after` steps run in file order; repeated ids are E101 already
        edges = [(earlier, later) for later, earlier_steps in predecessors(steps).items() for earlier in earlier_steps]
        position = {step.id: index for index, step in enumerate(steps)}
        if all(position[earlier] < position[later] for earlier, later in edges):
            return
        by_id = {step.id: step for step in steps}

        def loc_of(edge: tuple[str, str]) -> Loc:
            earlier, later = edge
            return self.after_loc(later, self.afters[later][1].index(earlier))

        for component in cycles(edges):
            inside = [edges[number] for number in component]
            explicit = [edge for edge in inside if by_id[edge[1]].after is not None
                        and edge[0] in (by_id[edge[1]].after or ())]
            earlier, later = max(explicit, key=loc_of)
            path = path_between(inside, later, earlier) + [later]
            by_default = [step for step in path[1:] if by_id[step].after is None]
            note = (f"; {', '.join(repr(step) for step in dict.fromkeys(by_default))} comes after the step before "
                    "it by default: give it an 'after' of its own" if by_default else "")
            what = "a step after itself never starts" if len(path) == 2 else \
                f"steps wait for each other: {' → '.join(path)} (each must finish before the next starts)"
            self.error("E108", f"after makes a cycle: {what}{note}", loc_of((earlier, later)), step=later)


def _has_alongside(step: Step) -> bool:
    return any(action.alongside is not None for action in step.actions)


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


def build_service(spec: ServiceSpec, validated: Validated, locations: Locations,
                  file: str) -> tuple[Service, list[Finding]]:
    """The Service and the findings of every check that needs more than the schema."""
    builder = _Builder(spec, validated, locations, file)
    lanes = builder.lanes()
    stages = builder.stages(lanes)
    rules = builder.rules()
    flows = builder.flows(stages, lanes)
    builder.check_after([step for stage in stages for step in stage.steps])
    persona = None
    if spec.persona is not None:
        persona = Persona(spec.persona.name, spec.persona.about, tuple(spec.persona.goals), tuple(spec.persona.needs))
    service = Service(
        title=spec.title, stages=stages, lanes=lanes, lines=lines_between(lanes), flows=flows, summary=spec.summary,
        lang=spec.lang, persona=persona, channels=tuple(spec.channels or ()), auto_flows=spec.auto_flows, rules=rules,
        currency=spec.currency, overhead=spec.overhead)
    return service, builder.findings
