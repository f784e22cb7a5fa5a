"""The preview's web app (Starlette): pages, JSON, SVGs and change events for the service files under PATH only."""
from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import traceback
from collections.abc import AsyncIterator, Callable
from importlib.resources import files as package_files
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..render import VIEWS
from .preview import Previews

KEEP_ALIVE_S = 15.0
_ASSET_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
# The page runs only our scripts; Graphviz's SVG carries style attributes, hence 'unsafe-inline' for styles only.
_HEADERS = [(b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
             b"img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
             b"frame-ancestors 'none'"),
            (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
            (b"cache-control", b"no-store")]


class _SecurityHeaders:
    """Every response carries the content security policy and no-sniff, no-store headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)
        await self.app(scope, receive, send_with_headers)


class Hub:
    """The open pages' event streams: each gets the names of the files that changed."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[list[str] | None]] = set()
        self.stopping = False
        self.loop: asyncio.AbstractEventLoop | None = None

    def stop_soon(self) -> None:
        """`stop` from a signal handler."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.stop)

    def publish(self, names: list[str]) -> None:
        for queue in self._queues:
            queue.put_nowait(names)

    def stop(self) -> None:
        """End every stream, so that the server can stop at once (a stream never ends by itself)."""
        self.stopping = True
        for queue in self._queues:
            queue.put_nowait(None)

    async def events(self) -> AsyncIterator[str]:
        queue: asyncio.Queue[list[str] | None] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield "retry: 1000\n\n"
            while not self.stopping:
                try:
                    names = await asyncio.wait_for(queue.get(), KEEP_ALIVE_S)
                except asyncio.TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if names is None:
                    return
                yield f"event: change\ndata: {json.dumps(names, ensure_ascii=False)}\n\n"
        finally:
            self._queues.discard(queue)


async def _watch(previews: Previews, hub: Hub, stop: asyncio.Event) -> None:
    """Check and draw each changed service file, then tell the pages (the same watcher as `blueprint watch`)."""
    from watchfiles import DefaultFilter, awatch

    try:
        async for changes in awatch(previews.watched, watch_filter=DefaultFilter(), stop_event=stop):
            previews.forget()           # files may have come, gone, or become symlinks
            names = sorted({name for _, path in changes if (name := previews.name_of(path)) is not None})
            if names:
                try:
                    await asyncio.to_thread(list, map(previews.preview, names))
                except Exception:       # a bug in one file's check or drawing must not stop the watching
                    traceback.print_exc()
                hub.publish(names)
    except OSError as error:            # say, the system's limit of watched folders reached
        print(f"blueprint: warning: cannot watch {previews.watched}: {error}; save, then reload the page",
              file=sys.stderr, flush=True)


def _assets() -> dict[str, bytes]:
    """Our page assets by name: the page's own and the pan/zoom script shared with the HTML report."""
    ours = package_files("blueprint.serve").joinpath("assets")
    found = {item.name: item.read_bytes() for item in ours.iterdir() if item.name.endswith((".css", ".js"))}
    found["interactive.js"] = package_files("blueprint.templates").joinpath("interactive.js").read_bytes()
    return found


def _file_url(kind: str, rel: str) -> str:
    return f"/{kind}/{quote(rel)}"


def create_app(previews: Previews, hub: Hub, loopback: bool, started: Callable[[], None]) -> Starlette:
    """The app for `previews`; on loopback it answers only requests addressed to this machine by name.
    `started` is called once the app runs and the watcher watches."""
    pages = jinja2.Environment(loader=jinja2.PackageLoader("blueprint.serve", "assets"), autoescape=True,
                               undefined=jinja2.StrictUndefined)
    assets = _assets()

    def page(name: str, **values: Any) -> Response:
        return Response(pages.get_template(name).render(**values), media_type="text/html; charset=utf-8")

    async def index(request: Request) -> Response:
        if not previews.folder:
            return RedirectResponse(_file_url("file", next(iter(previews.files()))), status_code=303)
        checked = await asyncio.to_thread(lambda: {name: previews.preview(name, draw=False)
                                                   for name in previews.files()})
        return page("index.html.j2", folder=str(previews.path),
                    files=[{"name": name, "href": _file_url("file", name), "title": preview.title,
                            "errors": len(preview.document.errors), "counts": preview.counts()}
                           for name, preview in checked.items() if preview is not None and preview.document])

    async def file_page(request: Request) -> Response:
        rel = request.path_params["rel"]
        if rel not in await asyncio.to_thread(previews.files):
            return Response("Not Found", 404)
        return page("page.html.j2", rel=rel, folder=previews.folder, data_url=_file_url("data", rel),
                    svg_urls={view: _file_url(f"svg/{view}", rel) for view in VIEWS})

    async def data(request: Request) -> Response:
        rel = request.path_params["rel"]
        preview = await asyncio.to_thread(previews.preview, rel)
        if preview is None:
            return Response("Not Found", 404)
        return JSONResponse(preview.payload(rel))

    async def svg(request: Request) -> Response:
        rel, view = request.path_params["rel"], request.path_params["view"]
        preview = await asyncio.to_thread(previews.preview, rel)
        if preview is None or view not in preview.svgs:
            return Response("Not Found", 404)
        return Response(preview.svgs[view], media_type="image/svg+xml")

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets:
            return Response("Not Found", 404)
        return Response(assets[name], media_type=_ASSET_TYPES[name[name.rindex("."):]])

    async def events(request: Request) -> Response:
        return StreamingResponse(hub.events(), media_type="text/event-stream")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        hub.loop = asyncio.get_running_loop()
        watcher = asyncio.create_task(_watch(previews, hub, stop))
        await asyncio.sleep(0)      # the watcher's first step sets up its watches
        started()
        try:
            yield
        finally:
            stop.set()
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    routes = [Route("/", index), Route("/file/{rel:path}", file_page), Route("/data/{rel:path}", data),
              Route("/svg/{view}/{rel:path}", svg), Route("/assets/{name}", asset), Route("/events", events)]
    middleware = [Middleware(_SecurityHeaders)]
    if loopback:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "[::1]"]))
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
