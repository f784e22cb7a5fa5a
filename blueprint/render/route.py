"""Flow routes on the blueprint grid: straight where nothing is in the way, else through gutters and channels.

Boxes sit centred in their columns, so the gutters between columns are free top to bottom, and
every lane keeps a strip under its boxes free left to right (its channel). A flow that cannot run
straight leaves its box sideways into a gutter, climbs or descends to the target lane's channel,
runs along it to the gutter beside the target, and enters the target from the side. Routes are
computed here, so Graphviz never routes and arrows never pass through boxes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..model import Flow, Service
from .grid import Box, Grid

Point = tuple[float, float]
PARALLEL = 9.0                                   # between flows sharing a straight corridor
CHANNEL_TRACKS = (0.0, -5.0, 5.0)
SIDE_PORTS = (-8.0, 8.0, -14.0, 14.0, -3.0, 3.0)


@dataclass(frozen=True)
class Route:
    index: int                                   # 1-based position in service.flows
    flow: Flow
    points: tuple[Point, ...]                    # a polyline, first at the source box, last at the target box


def _clear(flow: Flow, grid: Grid, steps: list[str], lanes: list[str], column: dict[str, int]) -> bool:
    """Whether `flow` runs along one lane or one column with no box in between."""
    a, b = flow.source, flow.target
    if a.lane == b.lane:
        low, high = sorted((column[a.step], column[b.step]))
        return not any((steps[i], a.lane) in grid.boxes for i in range(low + 1, high))
    if a.step == b.step:
        low, high = sorted((lanes.index(a.lane), lanes.index(b.lane)))
        return not any((a.step, lanes[i]) in grid.boxes for i in range(low + 1, high))
    return False


def _straight(source: Box, target: Box, offset: float) -> tuple[Point, Point]:
    if source.y == target.y:
        y = source.y + offset
        return ((source.right, y), (target.left, y)) if target.x > source.x else ((source.left, y), (target.right, y))
    x = source.x + offset
    return ((x, source.bottom), (x, target.top)) if target.y > source.y else ((x, source.top), (x, target.bottom))


def routes(service: Service, grid: Grid) -> list[Route]:
    """A route for every flow whose two ends are drawn and differ, in the order of `service.flows`."""
    steps = [step.id for step in service.steps]
    lanes = [lane.id for lane in service.lanes]
    column = {step: i for i, step in enumerate(steps)}
    drawn = [(i, flow) for i, flow in enumerate(service.flows, 1)
             if flow.source != flow.target and (flow.source.step, flow.source.lane) in grid.boxes
             and (flow.target.step, flow.target.lane) in grid.boxes]
    clear = {i for i, flow in drawn if _clear(flow, grid, steps, lanes, column)}
    corridors: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, flow in drawn:
        if i in clear:
            corridors[tuple(sorted((flow.source, flow.target)))].append(i)
    offsets = {i: (k - (len(members) - 1) / 2) * PARALLEL
               for members in corridors.values() for k, i in enumerate(members)}
    gutters: dict[int, int] = defaultdict(int)
    channels: dict[str, int] = defaultdict(int)
    ports: dict[tuple[str, str, int], int] = defaultdict(int)

    def port(box: Box, key: tuple[str, str], side: int) -> float:
        count = ports[key[0], key[1], side]
        ports[key[0], key[1], side] += 1
        limit = box.h / 2 - 4
        return max(-limit, min(limit, SIDE_PORTS[count % len(SIDE_PORTS)]))

    def gutter(index: int) -> float:
        """x of the next free track in the gutter left of column `index`."""
        count = gutters[index]
        gutters[index] += 1
        left_column = grid.columns[steps[0]] + grid.spacing.col_w * (index - 0.5)
        tracks = grid.spacing.gutter_tracks
        return left_column + tracks[count % len(tracks)]

    out = []
    for i, flow in drawn:
        a, b = flow.source, flow.target
        source, target = grid.boxes[a.step, a.lane], grid.boxes[b.step, b.lane]
        if i in clear:
            out.append(Route(i, flow, _straight(source, target, offsets[i])))
            continue
        ca, cb = column[a.step], column[b.step]
        rightwards = cb >= ca
        side_a = 1 if rightwards else -1
        side_b = -1 if cb > ca else 1
        start = (source.x + side_a * source.w / 2, source.y + port(source, (a.step, a.lane), side_a))
        end = (target.x + side_b * target.w / 2, target.y + port(target, (b.step, b.lane), side_b))
        gx_a = gutter(ca + 1 if rightwards else ca)
        if abs(cb - ca) <= 1:
            points = [start, (gx_a, start[1]), (gx_a, end[1]), end]
        else:
            gx_b = gutter(cb if cb > ca else cb + 1)
            bottom = grid.bands[b.lane][1]
            track = CHANNEL_TRACKS[channels[b.lane] % len(CHANNEL_TRACKS)]
            channels[b.lane] += 1
            y = bottom - grid.spacing.pad_bottom / 2 + track
            points = [start, (gx_a, start[1]), (gx_a, y), (gx_b, y), (gx_b, end[1]), end]
        out.append(Route(i, flow, tuple(points)))
    return out
