"""The example service files (the samples) that `blueprint init --example` starts from."""
from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from .findings import UsageError
from .loader import load_bytes


def examples() -> dict[str, Traversable]:
    """Every example by name (its file's stem), in name order."""
    found = (entry for entry in files("blueprint.samples").iterdir() if entry.name.endswith(".yaml"))
    return {entry.name.removesuffix(".yaml"): entry for entry in sorted(found, key=lambda entry: entry.name)}


def example_text(name: str) -> str:
    """The text of the example called `name`; an unknown name is bad usage, naming the ones there are."""
    known = examples()
    if name not in known:
        raise UsageError(f"no example called {name!r}; the examples are: {', '.join(known)}")
    return known[name].read_text(encoding="utf-8")


def example_titles() -> dict[str, str]:
    """Every example's name with its service's title, for `init --list`."""
    return {name: str(load_bytes(entry.read_bytes(), entry.name).data["title"]) for name, entry in examples().items()}
