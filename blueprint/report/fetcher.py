"""What WeasyPrint may load: `data:` URLs and files inside our packaged templates, nothing else."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit


class BlockedFetch(ValueError):
    """A reference outside the allow-list (a user's URL would end here, were it ever treated as one)."""


def assets_root() -> Path:
    return Path(str(files("blueprint.templates"))).resolve()


def allowed(url: str, root: Path) -> bool:
    """`data:` URLs, and `file:` URLs naming an existing file under `root` after resolving links and `..`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    return path.is_relative_to(root) and path.is_file()


def make_fetcher() -> Any:
    """A `weasyprint.urls.URLFetcher` that refuses (fatally) anything not `allowed`; redirects off."""
    from weasyprint.urls import URLFetcher

    class AllowListFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, fail_on_errors=True,
                             timeout=5)
            self._root = assets_root()

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not allowed(url, self._root):
                raise BlockedFetch(f"refused to fetch {url[:80]!r}")
            return super().fetch(url, headers)

    return AllowListFetcher()
