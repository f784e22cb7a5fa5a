"""The MkDocs plugin `blueprint`: ```blueprint fences become the service's diagram as inline SVG."""
from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .findings import BlueprintError
from .sites import Diagram, Site, failed, parse_block, shown

log = logging.getLogger("mkdocs.plugins.blueprint")
_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")


class BlueprintConfig(base.Config):
    services_dir = c.Optional(c.Type(str))        # relative to mkdocs.yml; the docs folder when not given
    cache_dir = c.Type(str, default=".cache/blueprint")
    flags_as_warnings = c.Type(bool, default=False)


class BlueprintPlugin(BasePlugin[BlueprintConfig]):
    """Fences are swapped for placeholders before Markdown runs and for the diagrams after, so Markdown
    never sees (or rewrites) the SVG."""

    def __init__(self) -> None:
        self.site: Site | None = None
        self._nonce = secrets.token_hex(8)
        self._pending: dict[str, str] = {}
        self._told: set[str] = set()
        self._server: Any = None
        self._drawn: set[Path] = set()
        self._watched: set[Path] = set()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that `mkdocs serve` keeps this instance (and its in-memory state) across rebuilds."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        home = Path(config.config_file_path or ".").resolve().parent
        services = self.config.services_dir
        root = (home / services) if services else Path(config.docs_dir)
        self.site = Site(root, home / self.config.cache_dir, self.config.flags_as_warnings)
        self._told.clear()
        return config

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        lines = markdown.split("\n")
        first = _first_line(markdown, page)
        page_name = shown(Path(page.file.abs_src_path or page.file.src_path))
        out: list[str] = []
        index = 0
        while index < len(lines):
            opened = _OPEN.match(lines[index])
            if opened is None:
                out.append(lines[index])
                index += 1
                continue
            end = _closing(lines, index, opened["fence"])
            if opened["info"].split()[:1] != ["blueprint"]:
                out += lines[index:end + 1]
            else:
                body = "\n".join(lines[index + 1:end])
                diagram = self._block(body, page_name, first + index)
                token = f"blueprintdiagram{self._nonce}n{len(self._pending)}"
                self._pending[token] = diagram.html
                out += ["", opened["indent"] + token, ""]
            index = end + 1
        return "\n".join(out)

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        for token in [token for token in self._pending if token in html]:
            diagram = self._pending.pop(token)
            html = html.replace(f"<p>{token}</p>", diagram).replace(token, diagram)
        return html

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Callable[..., Any]) -> Any:
        """Reload when a service file changes: each one drawn is watched (the docs folder already is)."""
        self._server = server
        self._watch(config)
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self._server is not None:
            self._watch(config)     # files first drawn in this rebuild

    def _watch(self, config: MkDocsConfig) -> None:
        docs = Path(config.docs_dir).resolve()
        for path in sorted(self._drawn - self._watched):
            if not path.is_relative_to(docs):
                self._server.watch(str(path), recursive=False)
            self._watched.add(path)

    def _block(self, body: str, page_name: str, fence_line: int) -> Diagram:
        assert self.site is not None
        try:
            block = parse_block(body)
            if block.file is not None:
                diagram = self.site.file_diagram(block.file, block.view)
            else:
                diagram = self.site.diagram((block.source or "").encode("utf-8"), page_name, block.view,
                                            fence_line + 1)
        except BlueprintError as error:
            diagram = failed(f"{page_name}:{fence_line}:1: {error}")
        if diagram.source is not None:
            self._drawn.add(diagram.source)
        self._tell(diagram)
        return diagram

    def _tell(self, diagram: Diagram) -> None:
        """Each message once per build: a file drawn on three pages is reported once."""
        for level, messages in ((logging.WARNING, diagram.warnings), (logging.INFO, diagram.infos)):
            for message in messages:
                if message not in self._told:
                    self._told.add(message)
                    log.log(level, message)


def _closing(lines: list[str], start: int, fence: str) -> int:
    """The index of the line that closes the fence opened at `start` (the last line when none does)."""
    close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    for index in range(start + 1, len(lines)):
        if close.match(lines[index]):
            return index
    return len(lines) - 1


def _first_line(markdown: str, page: Page) -> int:
    """The line number in the page's file of the Markdown's first line (front matter comes before it)."""
    try:
        source = page.file.content_string
    except (OSError, UnicodeDecodeError):
        return 1
    head = source.find(markdown)
    return source.count("\n", 0, head) + 1 if head >= 0 else 1
