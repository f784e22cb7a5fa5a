"""The graphs of a service: automatic flows, and cycles among flows and among steps (all iterative, linear)."""
from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from .model import Action, Direction, Endpoint, Flow, FlowOrigin, Lane, LaneKind, Step

Node = TypeVar("Node", bound=Hashable)


def automatic_flows(steps: Sequence[Step], lanes: Sequence[Lane]) -> list[Flow]:
    """FORMAT.md's automatic flows: the time rule along each chained lane, then the support rule in each step
    (down, or up with `direction: up`); actions with `auto: false` take no part, evidence never does."""
    chained: dict[str, list[Flow]] = {lane.id: [] for lane in lanes if lane.chain}   # lane -> its time flows
    previous: dict[str, Action] = {}
    for step in steps:
        for action in step.actions:
            if action.lane in chained and action.auto:
                if action.lane in previous:
                    last = previous[action.lane]
                    chained[action.lane].append(Flow(Endpoint(last.step, action.lane), Endpoint(step.id, action.lane),
                                                     origin=FlowOrigin.TIME, loc=last.loc))
                previous[action.lane] = action
    flows = [flow for lane_flows in chained.values() for flow in lane_flows]
    kinds = {lane.id: lane.kind for lane in lanes}
    for step in steps:
        actions = [action for action in step.actions if kinds[action.lane] is not LaneKind.EVIDENCE and action.auto]
        if step.direction is Direction.UP:
            actions.reverse()
        for first, second in zip(actions, actions[1:]):
            flows.append(Flow(Endpoint(step.id, first.lane), Endpoint(step.id, second.lane),
                              origin=FlowOrigin.SUPPORT, loc=first.loc))
    return flows


def predecessors(steps: Sequence[Step]) -> dict[str, tuple[str, ...]]:
    """Each step's `after`, or by default the previous step in file order (none for the first)."""
    return {step.id: step.after if step.after is not None else ((steps[index - 1].id,) if index else ())
            for index, step in enumerate(steps)}


def topological(nodes: Iterable[Node], successors: Mapping[Node, Sequence[Node]]) -> list[Node]:
    """The nodes, each after every node that leads to it (Kahn's algorithm; ties in the given order).
    Nodes on a cycle are left out."""
    order = list(nodes)
    waiting = dict.fromkeys(order, 0)
    for node in order:
        for target in successors.get(node, ()):
            waiting[target] += 1
    ready = deque(node for node in order if not waiting[node])
    result = []
    while ready:
        node = ready.popleft()
        result.append(node)
        for target in successors.get(node, ()):
            waiting[target] -= 1
            if not waiting[target]:
                ready.append(target)
    return result


def cycles(edges: Sequence[tuple[Node, Node]]) -> list[list[int]]:
    """Per strongly connected part with a cycle, the indices of the edges inside it (Tarjan's algorithm,
    iterative; linear in nodes and edges)."""
    graph: dict[Node, list[Node]] = {}
    for source, target in edges:
        graph.setdefault(source, []).append(target)
        graph.setdefault(target, [])
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    on_stack: set[Node] = set()
    stack: list[Node] = []
    found: list[set[Node]] = []
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
    part = {node: number for number, component in enumerate(found) for node in component}
    inside: list[list[int]] = [[] for _ in found]
    for number, (source, target) in enumerate(edges):
        if source in part and part[source] == part.get(target):
            inside[part[source]].append(number)
    return inside


def path_between(edges: Sequence[tuple[Node, Node]], start: Node, goal: Node) -> list[Node]:
    """A shortest path along edges from start to goal (both in one cycle)."""
    out: dict[Node, list[Node]] = {}
    for source, target in edges:
        out.setdefault(source, []).append(target)
    came: dict[Node, Node | None] = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            break
        for target in out.get(node, ()):
            if target not in came:
                came[target] = node
                queue.append(target)
    path: list[Node] = []
    current: Node | None = goal
    while current is not None:
        path.append(current)
        current = came.get(current)
    return path[::-1]


def grouped(flow: Flow, steps: Mapping[str, Step]) -> tuple[Endpoint, Endpoint]:
    """The flow between the nodes of the steps' chains: each `alongside` group is one node (its first lane)."""
    source, target = flow.source, flow.target
    return (Endpoint(source.step, steps[source.step].groups[source.lane]),
            Endpoint(target.step, steps[target.step].groups[target.lane]))
