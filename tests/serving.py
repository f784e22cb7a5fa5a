"""Test helpers for `blueprint serve`: the real command line in a subprocess on a free loopback port, plain HTTP."""
from __future__ import annotations

import http.client
import json
import re
import threading
from pathlib import Path
from typing import Any

from support import Running

TIMEOUT_S = Running.TIMEOUT_S


class Server(Running):
    """A running `blueprint serve PATH --port 0` (any free loopback port), its URL read from its output."""

    def __init__(self, path: Path, *options: str) -> None:
        super().__init__("serve", path, "--port", "0", *options)
        self.wait_for(self.seen("serving"), "the URL")
        found = re.search(r"http://(\S+?):(\d+)/", "\n".join(self.lines))
        assert found, self.lines
        self.host, self.port = found.group(1).strip("[]"), int(found.group(2))
        self.url = f"http://{found.group(1)}:{self.port}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """GET `path` exactly as written (no normalising of `..` or `%2e`)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def json(self, path: str) -> Any:
        status, _, body = self.get(path)
        assert status == 200, (path, status, body)
        return json.loads(body)


class Events:
    """The page's event stream, read in the background: the data of each `change` event."""

    def __init__(self, server: Server) -> None:
        self.connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("content-type", "").startswith("text/event-stream")
        self.changes: list[list[str]] = []
        self.opened = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.opened.wait(TIMEOUT_S)

    def _read(self) -> None:
        event = None
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("retry:"):
                    self.opened.set()
                elif line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "change":
                    self.changes.append(json.loads(line[6:]))
        except OSError:
            pass

    def close(self) -> None:
        self.connection.close()
