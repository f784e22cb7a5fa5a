"""Run the preview server: bind the port (a clear error when it is taken), print the URL, stop cleanly on Ctrl-C."""
from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from ..api import is_service_file
from ..findings import UsageError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port), or a usage error that says why not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror:
        raise UsageError(f"cannot serve on host {host!r}: no such address") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # a restart need not wait out TIME_WAIT
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} is in use on {host}; stop what uses it or choose another with --port") \
                from None
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(path: Path, host: str, port: int, open_browser: bool, say: Callable[[str], None],
          warn: Callable[[str], None]) -> None:
    """Serve the preview of `path` (a service file or a folder of them) until Ctrl-C."""
    if not path.exists():
        raise UsageError("no such file or directory", file=str(path))
    if not path.is_dir() and not is_service_file(path):
        raise UsageError("not a service file (a .yaml or .yml file with a top-level `blueprint:` key)", file=str(path))
    try:
        import uvicorn

        from .app import Hub, create_app
        from .preview import Previews
    except ImportError as missing:
        raise UsageError(f"`blueprint serve` needs {missing.name}: pip install 'blueprint[serve]'") from None

    loopback = is_loopback(host)
    sock = bind(host, port)
    url = url_of(sock)
    hub = Hub()

    def started() -> None:
        say(f"serving {path} at {url} (Ctrl-C to stop)")
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    class Server(uvicorn.Server):
        """Uvicorn's server, ending the pages' event streams on Ctrl-C instead of waiting for them."""

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            hub.stop_soon()

    if not loopback:
        warn(f"blueprint: warning: serving on {host}: anyone who can reach this machine can read the service "
             f"files under {path}")
    server = Server(uvicorn.Config(create_app(Previews(path), hub, loopback, started), log_level="warning",
                                   access_log=False, timeout_graceful_shutdown=2, lifespan="on"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass        # uvicorn raises Ctrl-C again once it has stopped
    finally:
        sock.close()
    say("stopped serving")
