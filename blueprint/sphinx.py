"""The Sphinx extension `blueprint.sphinx`: `.. blueprint:: FILE` with `:view:` puts the diagram in as inline SVG."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import __version__
from .findings import BlueprintError
from .sites import VIEWS, Site, check_view, failed

log = logging.getLogger(__name__)


class BlueprintDirective(SphinxDirective):
    """`.. blueprint:: services/hotel.yaml` (relative to `blueprint_services_dir`, else the source folder)."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"view": lambda value: directives.choice(value, VIEWS)}

    def run(self) -> list[nodes.Node]:
        site = _site(self.env.app)
        try:
            diagram = site.file_diagram(self.arguments[0], check_view(self.options.get("view", "blueprint")))
        except BlueprintError as error:
            diagram = failed(str(error))
        if diagram.source is not None:
            self.env.note_dependency(str(diagram.source))   # the page is read again when the file changes
        location = self.get_location()
        for message in diagram.warnings:
            log.warning(message, location=location, type="blueprint")
        for message in diagram.infos:
            log.info(message, location=location)
        return [nodes.raw("", diagram.html, format="html")]


def _site(app: Sphinx) -> Site:
    """One Site per build; services and the cache as configured in conf.py (relative to its folder)."""
    site: Site | None = getattr(app, "_blueprint_site", None)
    if site is None:
        home = Path(app.confdir)
        services = app.config.blueprint_services_dir
        cache = app.config.blueprint_cache_dir
        site = Site(home / services if services else Path(app.srcdir),
                    home / cache if cache else Path(app.doctreedir) / "blueprint",
                    app.config.blueprint_flags_as_warnings)
        app._blueprint_site = site  # type: ignore[attr-defined]
    return site


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("blueprint_services_dir", "", "env", str)
    app.add_config_value("blueprint_cache_dir", "", "env", str)
    app.add_config_value("blueprint_flags_as_warnings", False, "env", bool)
    app.add_directive("blueprint", BlueprintDirective)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
