"""What the MkDocs plugin and the Sphinx extension share: the path rule, the render cache, block options, messages."""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from . import __version__
from .api import Document, check_bytes, read_source
from .findings import BlueprintError, Severity, UsageError

VIEWS = ("blueprint", "journey")
CACHE_SCHEMA = "1"           # bump when the cached form of a diagram changes
_OPTION = re.compile(r"^\s*(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*?)\s*$")
_SERVICE_KEY = re.compile(r"^(?P<indent>[ \t]*)blueprint[ \t]*:", re.MULTILINE)
_PROLOGUE = re.compile(rb"<\?xml.*?\?>|<!DOCTYPE[^>]*>|<!--.*?-->", re.DOTALL)


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when inside it, as the CLI does."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def resolve_inside(root: Path, reference: str) -> Path:
    """The file `reference` names below `root`; refused, never read, when it leaves `root`.

    Absolute paths, `..` that climbs out and symlinks that point out are all refused: the check is on the
    fully resolved path.
    """
    if not reference.strip() or "\0" in reference:
        raise UsageError(f"{reference!r} is not a file path")
    if PurePosixPath(reference).is_absolute() or PureWindowsPath(reference).anchor:
        raise UsageError(f"{reference}: absolute paths are refused; name a file inside {shown(root)}")
    base = root.resolve()
    target = (base / reference).resolve()
    if not target.is_relative_to(base):
        raise UsageError(f"{reference}: the path leaves the services folder {shown(root)}; it was not read")
    return target


def check_view(value: str) -> str:
    if value not in VIEWS:
        raise UsageError(f"view {value!r} is unknown; choose one of {', '.join(VIEWS)}")
    return value


@dataclass(frozen=True)
class Block:
    """A ```blueprint block: a `file:` to draw, or a whole service inline (`source`), and the view."""

    view: str = "blueprint"
    file: str | None = None
    source: str | None = None


def parse_block(body: str) -> Block:
    """The block's `file:`/`view:` lines, or an inline service whose top-level `view:` line picks the view.

    For an inline service the `view:` line is blanked, not removed, so that findings keep their line numbers.
    """
    service = _SERVICE_KEY.search(body)
    if service is not None:
        view_line = re.compile(rf"^{re.escape(service['indent'])}view[ \t]*:[ \t]*(\S+)[ \t]*$", re.MULTILINE)
        chosen = view_line.search(body)
        view = check_view(chosen[1]) if chosen else "blueprint"
        return Block(view=view, source=view_line.sub("", body))
    options: dict[str, str] = {}
    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _OPTION.match(line)
        if match is None or match["key"] not in ("file", "view"):
            raise UsageError(f"{line.strip()!r}: a blueprint block holds `file:` and `view:` lines, "
                             "or a whole service starting `blueprint: 1`")
        options[match["key"]] = match["value"].strip("'\"")
    if "file" not in options:
        raise UsageError("a blueprint block needs a `file:` line (or a whole service inline)")
    return Block(view=check_view(options.get("view", "blueprint")), file=options["file"])


def inline_svg(svg: bytes) -> str:
    """Our renderer's SVG made fit to sit in an HTML page: no XML prologue, doctype or comments; ids intact."""
    return _PROLOGUE.sub(b"", svg).decode("utf-8").strip()


@dataclass
class Diagram:
    """A block's HTML and what to tell the site's log about it (warnings fail a strict build; info does not)."""

    html: str
    warnings: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    source: Path | None = None      # the service file drawn, for the site's watcher or dependency list


def error_box(messages: list[str]) -> str:
    """What a page shows where a diagram could not be drawn; the text is escaped, never markup."""
    lines = "\n".join(html.escape(message) for message in messages)
    return f'<pre class="blueprint-error">{lines}</pre>'


class Site:
    """Draws services for one documentation site: files below `root`, renders cached on disk in `cache`."""

    def __init__(self, root: Path, cache: Path, flags_as_warnings: bool = False) -> None:
        self.root = root
        self.cache = cache
        self.flags_as_warnings = flags_as_warnings

    def file_diagram(self, reference: str, view: str) -> Diagram:
        """The diagram of the service file `reference` below root; a path that leaves root is a UsageError."""
        path = resolve_inside(self.root, reference)
        diagram = self.diagram(read_source(path), shown(path), view)
        diagram.source = path
        return diagram

    def diagram(self, raw: bytes, file: str, view: str, first_line: int = 1) -> Diagram:
        """The diagram of `raw` (shown as `file`, its first line being `first_line` there)."""
        document = check_bytes(b"\n" * (first_line - 1) + raw, file)
        if document.service is None:
            errors = [str(finding) for finding in document.errors]
            return Diagram(error_box(errors), warnings=errors)
        diagram = Diagram("")
        for finding in document.findings:
            loud = self.flags_as_warnings and finding.severity is not Severity.INFO
            (diagram.warnings if loud else diagram.infos).append(str(finding))
        try:
            svg = self._svg(raw, document, view)
        except BlueprintError as error:
            message = f"{file}: {error}"
            diagram.warnings.append(message)
            diagram.html = error_box([message])
            return diagram
        diagram.html = f'<div class="blueprint-diagram blueprint-{view}" style="overflow-x: auto">{svg}</div>'
        return diagram

    def _svg(self, raw: bytes, document: Document, view: str) -> str:
        """The inline SVG from the cache, keyed by content, view and tool version; drawn and stored on a miss."""
        from .render import render
        from .write import write_atomic

        key = hashlib.sha256(f"{CACHE_SCHEMA}\0{__version__}\0{view}\0".encode() + raw).hexdigest()
        cached = self.cache / f"{key}.svg"
        try:
            return cached.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            pass
        assert document.service is not None
        svg = inline_svg(render(document.service, view, "svg"))
        try:
            write_atomic(cached, svg)
        except UsageError:
            pass  # an unwritable cache only costs time; the page still gets its diagram
        return svg


def failed(message: str) -> Diagram:
    return Diagram(error_box([message]), warnings=[message])

