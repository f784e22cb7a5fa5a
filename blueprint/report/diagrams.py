"""The diagrams laid out on paper: windows of whole step runs (and, for a tall blueprint, lane groups), one per page
and filling it; a flow that leaves a window is an off-page connector naming the page of its other end."""
from __future__ import annotations

import base64
import math
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup

from ..graphviz import run_dot
from ..i18n import label
from ..model import Service
from ..render import Marks, grid as bp_grid, journey_view, legend_items, render, tidy_svg
from ..render.blueprint_view import CONNECTOR_ROW, CONNECTOR_W, GRAPH
from ..render.dot import PAD_INCHES, Canvas
from ..render.legend import draw_legend, legend_size
from ..render.theme import SMALL_SIZE
from ..render.schedule import timings
from ..render.window import Exit, Window, render_window, window_service
from .paper import MIN_TEXT_PT, Paper
from .svgcut import Geometry, crop, geometry, stretch

MAX_SCALE = 1.5         # a small diagram grows to fill its page, its text up to 15 pt
STRETCH = 1.0           # bands grow by at most their own height to fill a page
SHARED = 0.8            # a journey figure shares its page with the cover when it keeps this much of its scale
UNDER_FIGURE = 8.0      # between a figure and the cover under it (report.css: .cover.below)
MIN_SCALE = MIN_TEXT_PT / SMALL_SIZE    # the smallest text drawn lands on MIN_TEXT_PT
PAD = 2 * 72 * PAD_INCHES               # Graphviz's margin, both sides
BELOW_BANDS = 4.0       # room kept under the last lane (row) when the legend is cut off
MIN_LANES = 4           # a lane group is never smaller (unless the blueprint has fewer lanes)
# Denser than the renderer's paper spacings: wide boxes (fewer lines, lower lanes) in narrow gutters and lower
# pads, so a tall blueprint's lane groups of at least MIN_LANES fit a page (online-order-return: 8 pages to 6);
# at several column widths (boxes 5/6 of a column), because which one needs the fewest pages depends on where
# the text wraps and on the paper (outpatient-visit.zh on A4: 6 pages at 144, 4 at 112; big-60 on Letter: 15 at
# 144, 12 at 132).
DENSE = bp_grid.PRINT._replace(title_w=88.0, box_w=120.0, col_w=144.0, edge=10.0, pad_top=18.0, pad_bottom=12.0)
SPACINGS = (*bp_grid.PAPER_SPACINGS, *(DENSE._replace(box_w=float(round(col_w * 5 / 6)), col_w=col_w)
                                       for col_w in (112.0, 120.0, 132.0, 144.0)))
ARROWS = {("right", True): "→", ("right", False): "←", ("left", True): "←", ("left", False): "→",
          ("up", True): "↑", ("up", False): "↓", ("down", True): "↓", ("down", False): "↑"}


@dataclass(frozen=True)
class Image:
    """A picture for an `<img>`: its data URL and its size on paper (points)."""

    src: str
    width: float
    height: float


@dataclass(frozen=True)
class Tile:
    """What one page of a diagram shows: one or two stacked pictures (repeated headings, then a strip)."""

    images: tuple[Image, ...]
    stages: tuple[str, ...]        # the stage titles it covers
    lanes: tuple[str, ...]         # the first and last lane title, when it shows only some lanes
    part: int
    parts: int

    @property
    def continued(self) -> bool:
        return self.part > 1

    @property
    def continues(self) -> bool:
        return self.part < self.parts


@dataclass(frozen=True)
class Section:
    """A diagram on paper: its legend (printed on the cover) and its figures, one page each; or, for the
    HTML report, the whole diagram as inline SVG."""

    legend: Image | None
    tiles: tuple[Tile, ...]
    inline: Markup | None = None
    cover_with: int | None = None   # the figure whose page also holds the cover: 1 under it, a later one over it


def inline_section(service: Service, view: str) -> Section:
    """The whole `view` as SVG markup for inside HTML: Graphviz escaped every user text in it; the XML
    prolog and doctype are dropped."""
    svg = render(service, view, "svg").decode("utf-8")
    return Section(None, (), Markup(svg[svg.index("<svg"):]))


def _image(svg: bytes, width: float, height: float, scale: float) -> Image:
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return Image(src, math.ceil(width * scale * 100) / 100, math.ceil(height * scale * 100) / 100)


def even_runs(count: int, parts: int) -> list[range]:
    """Positions 0..count-1 in `parts` runs as even as can be."""
    bounds = [round(i * count / parts) for i in range(parts + 1)]
    return [range(a, b) for a, b in zip(bounds, bounds[1:])]


def lane_groups(count: int, height: Callable[[int, int], float], at_line: list[bool], limit: float,
                floor: Callable[[int, int], float] | None = None) -> list[range]:
    """Lanes 0..count-1 cut into the fewest groups whose `height(start, stop)` fits `limit`, each of at least
    MIN_LANES lanes (or all), preferring cuts at the lines (`at_line[i]`: a line runs above lane i), then the
    lowest tallest group. Fewer lanes per group only when MIN_LANES never fit. `floor(start, stop)`, a part of
    the height that grows with every lane added, lets a long search stop early (thousands of lanes)."""
    floor = floor or height
    if count <= 1 or height(0, count) <= limit:
        return [range(count)]
    for least in range(min(MIN_LANES, count), 0, -1):
        best: list[tuple[int, int, float, tuple[int, ...]] | None] = [None] * (count + 1)
        best[0] = (0, 0, 0.0, ())
        for end in range(1, count + 1):
            for start in range(end - least, -1, -1) if end >= least else ():
                if floor(start, end) > limit:
                    break
                before = best[start]
                if before is None:
                    continue
                tall = height(start, end)
                if tall > limit:
                    continue
                off_line = before[1] + (1 if start and not at_line[start] else 0)
                option = (before[0] + 1, off_line, max(before[2], tall), before[3] + (start,))
                known = best[end]
                if known is None or option[:3] < known[:3]:
                    best[end] = option
        done = best[count]
        if done is not None:
            cuts = list(done[3][1:]) + [count]
            return [range(a, b) for a, b in zip([0] + cuts[:-1], cuts)]
    return [range(i, i + 1) for i in range(count)]


def _legend(service: Service, view: str, page: Paper, scale: float, marks: Marks | None) -> Image | None:
    """The renderer's legend for the whole `view`, laid out as wide as the page allows."""
    keys = legend_items(service, view, marks)
    if not keys:
        return None
    width, height = legend_size(keys, service.lang, page.content_width / scale - 8)
    canvas = Canvas(width + 8, height + 1, {**GRAPH, "pad": 0})
    canvas.anchor(0, 0)
    canvas.anchor(canvas.width, canvas.height)
    draw_legend(canvas, keys, service.lang, 7, 0.5, width)
    svg = run_dot(canvas.source("legend"), "svg")
    drawn = geometry(svg)  # Graphviz's margin makes the picture larger than the canvas, and rounds its size
    return _image(crop(svg, drawn, 0, drawn.height), drawn.width, drawn.height,
                  max(scale, MIN_TEXT_PT / drawn.smallest_font))


def _windows(service: Service, page: Paper) -> tuple[list[Window], bp_grid.Spacing]:
    """The blueprint's windows in reading order, step runs left to right, each cut into lane groups top down,
    and the spacing they are drawn with: of the paper spacings, the plan with no group under MIN_LANES lanes
    (where one exists) and the fewest pages, then the widest spacing (it fills a page that has room to spare best)."""
    plans = [(_plan(service, page, spacing), spacing) for spacing in (bp_grid.fitted(s, service) for s in SPACINGS)]
    least = min(MIN_LANES, len(service.lanes))
    return min(plans, key=lambda plan: (any(len(w.lanes) < least for w in plan[0]), len(plan[0]), -plan[1].col_w))


def _plan(service: Service, page: Paper, spacing: bp_grid.Spacing) -> list[Window]:
    """The windows of the cut into step runs (of any lengths that fit the width) with the fewest lane groups, none
    under MIN_LANES lanes where that can be; the most even such cut on a tie."""
    steps = [step.id for step in service.steps]
    lanes = [lane.id for lane in service.lanes]
    count = len(steps)
    fixed = 2 * bp_grid.MARGIN + spacing.title_w + 2 * spacing.edge + PAD
    widest = page.content_width / MIN_SCALE
    limit = page.figure_height / MIN_SCALE
    at_line = [any(line.below == lane for line in service.lines) for lane in lanes]
    least = min(MIN_LANES, len(lanes))

    def fits(length: int, left: bool, right: bool) -> bool:
        return fixed + length * spacing.col_w + (CONNECTOR_W - spacing.edge) * (left + right) <= widest

    middle = max([length for length in range(1, count + 1) if fits(length, True, True)], default=1)
    shortest = min(count, max(1, math.ceil(middle / 2)))   # longer runs always make a cut; shorter ones never help
    cuts: dict[tuple[int, int], list[Window]] = {}

    def windows(start: int, stop: int) -> list[Window]:
        if (start, stop) not in cuts:
            cuts[start, stop] = _lane_windows(service, tuple(steps[start:stop]), spacing, at_line, limit)
        return cuts[start, stop]

    for strict in (True, False):        # groups under MIN_LANES lanes only when no cut avoids them
        best: list[tuple[int, int, tuple[Window, ...]] | None] = [None] * (count + 1)
        best[0] = (0, 0, ())
        for stop in range(1, count + 1):
            for start in range(stop - shortest, -1, -1):
                length = stop - start
                if length > 1 and not fits(length, start > 0, stop < count):
                    break
                before, run = best[start], windows(start, stop)
                if before is None or strict and any(len(w.lanes) < least for w in run):
                    continue
                option = (before[0] + len(run), before[1] + length * length, before[2] + tuple(run))
                known = best[stop]
                if known is None or option[:2] < known[:2]:
                    best[stop] = option
        done = best[count]
        if done is not None:
            return list(done[2])
    raise AssertionError("a cut into single steps always exists")


def _lane_windows(service: Service, shown: tuple[str, ...], spacing: bp_grid.Spacing, at_line: list[bool],
                  limit: float) -> list[Window]:
    """The steps `shown` cut into lane groups that fit `limit` (natural points) with their headings and the rows
    their up and down connectors take."""
    lanes = [lane.id for lane in service.lanes]
    whole = window_service(service, Window(shown, tuple(lanes)))
    grid = bp_grid.layout(whole, timings(service), spacing)
    tops = [grid.bands[lane][0] for lane in lanes] + [grid.bands[lanes[-1]][1]]
    head = tops[0] + bp_grid.MARGIN + PAD

    @cache
    def lower_head() -> float:
        """The headings of a lower lane group: the stage and step rows alone (render.window.holds_first_lane);
        laid out only when the lanes must be cut."""
        return bp_grid.layout(whole, None, spacing, step_marks=False).bands[lanes[0]][0] + bp_grid.MARGIN + PAD

    order = {lane: index for index, lane in enumerate(lanes)}
    inside = set(shown)
    crossing: list[list[tuple[int, str, int, str]]] = [[] for _ in range(len(lanes) + 1)]   # per cut
    for flow in service.flows:
        ends = (flow.source, flow.target)
        if any(end.step not in inside or service.action(end) is None for end in ends):
            continue
        (low, low_step), (high, high_step) = sorted((order[end.lane], end.step) for end in ends)
        for cut in range(low + 1, high + 1):
            crossing[cut].append((low, low_step, high, high_step))

    def bands(start: int, stop: int) -> float:
        return (lower_head() if start else head) + tops[stop] - tops[start]

    def height(start: int, stop: int) -> float:
        """With a row per tag in the busiest column above (flows up out of the group) and below."""
        above = Counter(high_step for _, _, high, high_step in crossing[start] if high < stop) if start else {}
        below = Counter(low_step for low, low_step, _, _ in crossing[stop] if low >= start) \
            if stop < len(lanes) else {}
        return bands(start, stop) + (max(above.values(), default=0) + max(below.values(), default=0)) * CONNECTOR_ROW

    return [Window(shown, tuple(lanes[group.start:group.stop]))
            for group in lane_groups(len(lanes), height, at_line, limit, bands)]


def _filled(svg: bytes, geo: Geometry, width: float, height: float, scale: float | None = None) -> Image:
    """The picture as large as `width` by `height` lets it be (within MAX_SCALE and the 6 pt floor), or at
    `scale`, then grown to fill the room left over: its bands taller (up to STRETCH times their height), its
    gutters wider (up to STRETCH times the columns' width)."""
    scale = scale or _fitting(geo, width, height)
    taller = max(0.0, min(height / scale - geo.height - 0.5, STRETCH * _band_height(geo)))
    wider = _wider(geo, width, scale)
    return _image(stretch(svg, geo, taller, wider), geo.width + wider, geo.height + taller, scale)


def _wider(geo: Geometry, width: float, scale: float) -> float:
    """How much wider the picture's gutters may grow to fill `width` at `scale`: up to STRETCH times the columns'
    width."""
    return max(0.0, min(width / scale - geo.width - 0.5, STRETCH * sum(right - left for left, right in geo.columns)))


def _fitting(geo: Geometry, width: float, height: float) -> float:
    return max(min(MAX_SCALE, width / geo.width, height / geo.height), MIN_TEXT_PT / geo.smallest_font)


def _band_height(geo: Geometry) -> float:
    return sum(bottom - top for top, bottom in geo.bands if top >= geo.header_bottom - 0.5)


def _blueprint_tiles(service: Service, page: Paper, pages: Callable[[int], int], marks: Marks | None) -> list[Tile]:
    windows, spacing = _windows(service, page)
    lanes = {lane.id: lane for lane in service.lanes}
    all_lanes = len(service.lanes)

    def page_of(step: str, lane: str) -> int:
        return pages(next(i for i, w in enumerate(windows) if step in w.steps and lane in w.lanes))

    def words(exit: Exit) -> str:
        """"→ p. 7 · Check out · Property system", the step left out when it is the same one."""
        where = label(service.lang, "report.page_ref").format(page_of(exit.other.step, exit.other.lane))
        named = f"{exit.flow.label}: " if exit.flow.label else ""
        step = "" if exit.other.step == exit.inside.step else f"{service.step(exit.other.step).title} · "
        return f"{named}{ARROWS[exit.side, exit.outgoing]} {where} · {step}{lanes[exit.other.lane].title}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        drawn = list(pool.map(lambda window: render_window(service, window, words, "svg", spacing, marks), windows))
    tiles = []
    for number, (window, svg) in enumerate(zip(windows, drawn), start=1):
        stages = tuple(dict.fromkeys(service.step(step).stage for step in window.steps))
        titles = tuple(stage.title for stage in service.stages if stage.id in stages)
        shown = (lanes[window.lanes[0]].title, lanes[window.lanes[-1]].title) \
            if len(window.lanes) < all_lanes else ()
        image = _filled(svg, geometry(svg), page.content_width, page.figure_height)
        tiles.append(Tile((image,), titles, shown, number, len(windows)))
    return tiles


def _strips(geo: Geometry, bottom: float, scale: float, room: float) -> list[tuple[float, float]]:
    """Vertical ranges down to `bottom`, cut between rows, each fitting `room` points with the headings: the
    fewest, and of those the cut whose tallest strip is lowest (no page is left holding one row)."""
    limit = room / scale - geo.header_bottom
    cuts = [geo.header_bottom] + sorted({geo.cut_near(edge) for _, edge in geo.bands[:-1]
                                         if geo.header_bottom < edge < bottom}) + [bottom]
    # best[i]: (strips, tallest, ranges) for the rows down to cuts[i]
    best: list[tuple[int, float, tuple[tuple[float, float], ...]] | None] = [None] * len(cuts)
    best[0] = (0, 0.0, ())
    for end in range(1, len(cuts)):
        for start in range(end):
            before, tall = best[start], cuts[end] - cuts[start]
            if before is None or tall > limit and end - start > 1:
                continue
            option = (before[0] + 1, max(before[1], tall), before[2] + ((cuts[start], cuts[end]),))
            if best[end] is None or option[:2] < best[end][:2]:     # type: ignore[index]
                best[end] = option
    done = best[-1]
    assert done is not None
    return list(done[2])


def _body_bottom(geo: Geometry) -> float:
    """Where the picture ends without its own legend."""
    return min(geo.height, geo.bands[-1][1] + BELOW_BANDS) if geo.bands else geo.height


def _journey_pictures(svg: bytes, geo: Geometry, page: Paper, room: float) -> list[tuple[Image, ...]]:
    """One journey run without its legend: one picture filling `room` when it fits, else the headings plus one
    strip of rows per page, its gutters widened alike on every page and its rows grown to fill each."""
    bottom = _body_bottom(geo)
    body = crop(svg, geo, 0, bottom)
    scale = _fitting(geometry(body), page.content_width, room)
    if bottom * scale <= room + 0.5 or not geo.bands:
        return [(_filled(body, geometry(body), page.content_width, room),)]
    wide = stretch(svg, geo, 0.0, _wider(geo, page.content_width, scale))
    geo = geometry(wide)
    head = geo.header_bottom
    pictures: list[tuple[Image, ...]] = []
    for index, (top, end) in enumerate(_strips(geo, bottom, scale, room)):
        strip = crop(wide, geo, 0 if index == 0 else top, end)
        heading = () if index == 0 else (_image(crop(wide, geo, 0, head), geo.width, head, scale),)
        left = room - (0 if index == 0 else head * scale)
        pictures.append((*heading, _filled(strip, geometry(strip), geo.width * scale, left, scale)))
    return pictures


JOURNEY_COLUMNS = (108.0, 122.0, 136.0, journey_view.COL_W)     # paper's column widths, narrowest first


def _journey_size(sub: Service, col_w: float) -> tuple[float, float]:
    """The width and the height without its legend of a journey run's picture, from its DOT, without drawing it."""
    bb = journey_view.journey_dot(sub, col_w).split('bb="0,0,', 1)[1].split('"', 1)[0]
    width, height = (float(number) for number in bb.split(","))
    keys = legend_items(sub, "journey")
    legend = legend_size(keys, sub.lang, 560.0)[1] + 16 if keys else 0.0
    return width + PAD, height - legend + PAD


def _widest_column(subs: list[Service], widest: float) -> float | None:
    """The widest column (up to the screen's) at which every run's picture fits `widest`, None when not even the
    narrowest does. Above NARROW_W a picture widens in step with its columns."""
    low, high = JOURNEY_COLUMNS[0], JOURNEY_COLUMNS[-1]
    fitting = high
    for sub in subs:
        at_low, at_high = _journey_size(sub, low)[0], _journey_size(sub, high)[0]
        if at_low > widest:
            return None
        if at_high > widest:
            fitting = min(fitting, low + (widest - at_low) * (high - low) / (at_high - at_low))
    return math.floor(fitting)


def _journey_plan(service: Service, page: Paper) -> tuple[list[Service], float]:
    """The journey's step runs and column width: of the fewest even runs that fit the width and up to two more
    (a run too tall for a page is cut into strips, which more runs may avoid), each with JOURNEY_COLUMNS and the
    widest column that fits, the one that needs the fewest pages, then the fewest runs cut into strips, the fewest
    runs, the widest columns (wider columns wrap less, so the runs are lower); estimated from the DOT's size
    without drawing it."""
    steps = [step.id for step in service.steps]
    lanes = tuple(lane.id for lane in service.lanes)
    widest, tallest = page.content_width / MIN_SCALE, page.figure_height / MIN_SCALE
    options = []
    tried = 0
    narrowest = min(journey_view.NARROW_W, JOURNEY_COLUMNS[0])         # no column is narrower: fewer runs never fit
    fixed = 2 * journey_view.MARGIN + journey_view.HEAD_W + PAD
    fewest = max(1, min(len(steps), math.ceil(len(steps) * narrowest / max(widest - fixed, narrowest))))
    for parts in range(fewest, len(steps) + 1):
        subs = [window_service(service, Window(tuple(steps[run.start:run.stop]), lanes))
                for run in even_runs(len(steps), parts)]
        fitting = _widest_column(subs, widest)
        if fitting is None:
            continue
        for col_w in sorted({fitting, *(width for width in JOURNEY_COLUMNS if width < fitting)}):
            counts = [max(1, math.ceil(_journey_size(sub, col_w)[1] / tallest)) for sub in subs]
            options.append((sum(counts), sum(count > 1 for count in counts), parts, -col_w, subs))
        tried += 1
        if tried == 3:
            break
    *_, col_w, subs = min(options, key=lambda option: option[:4])
    return subs, -col_w


def _journey_tiles(service: Service, page: Paper,
                   first_room: Callable[[], tuple[float, float, float]] | None) -> tuple[list[Tile], int | None]:
    """The journey's figures, and the one whose page also holds the cover (None: none does). `first_room()` gives
    the heights left on the first page under the whole cover and under its title alone, and the height of the
    cover without its title. A figure takes the cover when it keeps SHARED of the scale a page of its own gives it
    (and stays whole): the first, under the cover; else the one that keeps most, over the cover (only the title
    then stays above the first)."""
    subs, col_w = _journey_plan(service, page)
    with ThreadPoolExecutor(max_workers=2) as pool:
        drawn = list(pool.map(lambda sub: tidy_svg(run_dot(journey_view.journey_dot(sub, col_w), "svg")), subs))
    under_cover, under_title, cover = first_room() if first_room else (0.0, page.figure_height, page.figure_height)

    def kept(svg: bytes, room: float) -> float:
        """The share of its own page's scale a run keeps in `room` (0 when it would not stay whole)."""
        geo = geometry(svg)
        bottom, across = _body_bottom(geo), page.content_width / geo.width
        under = min(across, room / bottom)
        alone = min(MAX_SCALE, across, page.figure_height / bottom)
        return under / alone if under >= MIN_TEXT_PT / geo.smallest_font else 0.0

    rooms = [under_title] + [page.figure_height] * (len(drawn) - 1)
    with_cover: int | None = None                       # the run whose page holds the cover
    if kept(drawn[0], under_cover) >= SHARED:
        rooms[0], with_cover = under_cover, 0
    else:
        share, index = max(((kept(svg, page.figure_height - cover - UNDER_FIGURE), index)
                            for index, svg in enumerate(drawn) if index), default=(0.0, 0))
        if share >= SHARED:
            rooms[index] -= cover + UNDER_FIGURE
            with_cover = index
    figures: list[tuple[tuple[Image, ...], tuple[str, ...]]] = []
    holder: int | None = None
    for index, (sub, svg, room) in enumerate(zip(subs, drawn, rooms)):
        titles = tuple(stage.title for stage in service.stages if any(s.stage == stage.id for s in sub.steps))
        holder = len(figures) + 1 if index == with_cover else holder
        figures += [(images, titles) for images in _journey_pictures(svg, geometry(svg), page, room)]
    return [Tile(images, titles, (), number, len(figures))
            for number, (images, titles) in enumerate(figures, 1)], holder


def legend(service: Service, view: str, page: Paper, marks: Marks | None = None) -> Image | None:
    """The legend of `view` for the cover (a comparison's `marks` are the blueprint's)."""
    return _legend(service, view, page, MIN_SCALE, marks if view == "blueprint" else None)


def section(service: Service, view: str, page: Paper, first_page: int = 2, marks: Marks | None = None,
            pages: Sequence[int] | None = None, first_room: Callable[[], tuple[float, float, float]] | None = None,
            with_legend: bool = True) -> Section:
    """`view` of `service` laid out on `page`: legend (unless not `with_legend`) and figures in order. The
    blueprint's figures are on `pages` when known (read back from a laid-out report), else one a page from
    `first_page`; a comparison's `marks` are drawn on it. The journey's first figure takes the room `first_room()`
    leaves under the cover (or its title)."""
    key = legend(service, view, page, marks) if with_legend else None
    if view == "blueprint":
        tiles = _blueprint_tiles(service, page, (lambda i: pages[i]) if pages else (lambda i: first_page + i), marks)
        return Section(key, tuple(tiles))
    tiles, holder = _journey_tiles(service, page, first_room)
    return Section(key, tuple(tiles), cover_with=holder)
