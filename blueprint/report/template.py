"""The report as HTML: our Jinja2 template (autoescaped, strict) filled with plain data."""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib.resources import files

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from ..i18n import label
from .charts import cost_bars, gantt, risk_colour, risk_matrix, stage_bars
from .. import humanize
from .context import Context
from .diagrams import Section
from .paper import MIN_TEXT_PT, Paper

DIAGRAMS = (("journey", "report.journey"), ("blueprint", "report.blueprint"))
HEADING_PT, ROW_PT = 33.0, 13.0        # a report heading and a table row on paper, about (report.css)
COLUMN_GAP = 18.0                       # between the two columns side by side (report.css: .pair)


@dataclass(frozen=True)
class Chart:
    src: str
    width: str
    height: str


def asset(name: str) -> str:
    return files("blueprint.templates").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def _chart(svg: str, smallest: bool = False) -> Chart:
    """An SVG of ours as an `<img>` source, with its size in points as the SVG states it, or as small as its
    smallest text allows (MIN_TEXT_PT) when `smallest`."""
    width = float(svg.split('width="', 1)[1].split("pt", 1)[0])
    height = float(svg.split('height="', 1)[1].split("pt", 1)[0])
    scale = min(1.0, MIN_TEXT_PT / min(map(float, re.findall(r'font-size="([\d.]+)"', svg)), default=1.0)) \
        if smallest else 1.0
    return Chart("data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
                 f"{width * scale:.1f}", f"{height * scale:.1f}")


def _tables_taller(context: Context, matrix: Chart) -> bool:
    """Whether the wait and metric tables are estimated taller than the risk matrix beside them (report.css: a
    heading, a header row and 13 pt a row), so the opportunities go under the matrix, else under the tables."""
    tables = 2 * (HEADING_PT + ROW_PT) + ROW_PT * (len(context.waits) + len(context.stages) + 1)
    return tables > (float(matrix.height) + HEADING_PT if context.fails else 0.0)


def report_script() -> str:
    """The HTML report's script: the shared pan, zoom and highlight script, then the report's links."""
    return asset("interactive.js") + "\n" + asset("report.js")


def render_html(context: Context, sections: dict[str, Section], page: Paper, pdf: bool = True, part: str = "all",
                pair: bool = True, tight: bool = False) -> str:
    """The report's HTML: for WeasyPrint when `pdf`, else the scrolling page with its script; only the cover or
    only the tables when `part` says so (to measure them). `pair` sets the wait and metric tables beside the risk
    matrix, `tight` sets every table denser and the risk matrix and stage bars at their smallest."""
    t = partial(label, context.lang)
    template = environment().from_string(asset("report.html.j2"))
    column = (page.content_width - COLUMN_GAP) / 2          # one of the two side by side (report.css: .pair)
    matrix = _chart(risk_matrix(context.fails, t("report.severity"), t("report.likelihood"),
                                column if pair else page.content_width), tight)
    return template.render(
        c=context, t=t, signed=humanize.score, risk_colour=risk_colour,
        css=Markup(asset("report.css")),      # our own packaged stylesheet, not user text
        script=Markup(report_script()),       # our own packaged scripts: pan, zoom, finding links
        page_size=page.css_size, pdf=pdf, part=part, pair=pair, tight=tight,
        cover_with=next((section.cover_with for section in sections.values() if section.cover_with), None),
        diagrams=[(view, heading, sections[view]) for view, heading in DIAGRAMS],
        matrix=matrix, opportunities_left=not _tables_taller(context, matrix),
        unscored=[fail for fail in context.fails if fail.risk is None],
        bars=_chart(stage_bars(context.stages, t("report.lead_time"), t("report.value_added"), page.content_width),
                    tight),
        gantt=_chart(gantt(context.schedule.rows, context.schedule.lead_time_s,
                           (t("report.critical_path"), t("report.other_steps"), t("report.sometimes")),
                           page.content_width))
        if context.schedule else None,
        cost_chart=_chart(cost_bars(context.costs.stages, (t("report.labour"), t("report.direct"), t("report.indirect"),
                                                           t("report.waste")),
                                    column if pair and context.schedule else page.content_width))
        if context.costs else None)
