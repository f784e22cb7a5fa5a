"""The C composer (_compose.c) against the Python one: the same data, places and problems for any input."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blueprint import loader, yaml_fallback
from blueprint.loader import SourcedFloat, SourcedInt

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted([*ROOT.glob("samples/*.yaml"), *ROOT.glob("tests/fixtures/**/*.yaml"),
                 *ROOT.glob("tests/hostile/*.yaml")])
EXAMPLES = int(os.environ.get("BLUEPRINT_FUZZ_EXAMPLES", "1000"))

LOL = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6))
SNIPPETS = [
    "", "---\n", "a: 1\n---\nb: 2\n", "- a\n- b\n", "plain text\n",
    "a: &x [1, 2]\nb: *x\nc: *x\n", "a: *nope\n", "a: &x [*x]\n", "a: &x {b: *x}\n", LOL,
    "!!python/object:os.system x\n", "a: !custom 1\n", "a: ! 1\n", "a: !!str 1\n", "!!map {a: 1}\n",
    "a: 1\na: 2\n", "a: 1\nb: 2\na: {c: [1, 2]}\n", 'a: "x\\x07y"\nb: "\\u0085"\nc: "\\t ok"\n',
    "? [a]\n: 1\n", "? {a: b}\n: 1\n", "<<: {a: 1}\n", "'<<': 1\n", "a: [1, 2\n", "a: b: c\n", "a:\n\t- b\n",
    "a: \x07\n", "a: '\x85'\n", "x" * 3 + ": [" * 1 + "]\n",
    "".join(f"{' ' * i}k{i}:\n" for i in range(52)) + " " * 52 + "v\n",
    "a: 'no'\nb: no\nc: 0o17\nd: 0x1F\ne: 1e3\nf: .inf\ng: -.Inf\nh: .nan\ni: ~\nj: null\nk: true\nl: 007\nm: 1.10\n"
    "n: " + "9" * 40 + "\no: -0\np: +12\nq: 12:30\nr: .5\ns: 5.\nt: TRUE\nu: False\nv: 1_000\n",
    "a: |\n  x\n  y\nb: >\n  p\n  q\nc: |-\n  z\n", "名: 值 🙂\n'k': \"v\"\n", "a: [b, {c: d}, [e, [f]]]\n",
    "a: &s 5m\nb: *s\n", "&r\na: 1\n", "a: &x\n  b: 1\nc:\n  <<: *x\n", "[" * 40 + "]" * 40 + "\n",
    "a: 1\n...\n", "%YAML 1.2\n---\na: 1\n", "%TAG ! tag:x,2000:\n---\na: !y 1\n", "a: b\n  c: d\n",
]
# Characters that make YAML structure, for random near-YAML text.
YAMLISH = st.text(st.sampled_from(list("ab:-[]{}!&*#'\"|>?,\n\n  \t09.~%@`\\<") + ["\x07", "é", "名"]), max_size=80)


def _shape(value: Any) -> Any:
    """Data with the type of every scalar, and numbers as written (nan equals nan)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    if isinstance(value, (SourcedInt, SourcedFloat)):
        return type(value).__name__, str(value)
    return type(value).__name__, value


def _outcome(compose: Any, text: str) -> tuple[Any, ...]:
    try:
        data, values, keys, found = compose(text)
    except loader._Stop as stop:
        return "stop", stop.problem, stop.found
    return "ok", _shape(data), values, keys, found


def _c(text: str) -> Any:
    return loader.compose(text)


def _agree(text: str) -> None:
    assert _outcome(_c, text) == _outcome(yaml_fallback.compose_events, text)


def test_the_c_composer_is_built() -> None:
    # scripts/setup.sh installs the compiler and libyaml's headers; without them blueprint still works, slower
    assert loader._compose_c is not None, "blueprint._compose was not built (needs gcc, libyaml-dev, Python.h)"


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: str(path.relative_to(ROOT)))
def test_both_composers_agree_on_every_file_in_the_repository(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    if loader._refused_unparsed(text, str(path)) is None:
        _agree(text)


@pytest.mark.parametrize("text", SNIPPETS)
def test_both_composers_agree_on_yaml_corners(text: str) -> None:
    _agree(text)


def test_the_corners_cover_what_the_composer_refuses() -> None:
    kinds = set()
    for text in SNIPPETS:
        outcome = _outcome(_c, text)
        kinds |= {problem[0] for problem in outcome[-1]}
        if outcome[0] == "stop":
            kinds.add(outcome[1][0])
    assert kinds >= set(loader.PROBLEMS) - {"unexpected"} | {"syntax", "reader"}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(YAMLISH)
def test_both_composers_agree_on_random_near_yaml(text: str) -> None:
    _agree(text)


def test_the_c_composer_leaks_nothing() -> None:
    texts = SNIPPETS + [path.read_text("utf-8", "replace") for path in CORPUS[:40]]

    def run_all() -> None:
        for text in texts:
            _outcome(_c, text)
    for _ in range(3):
        run_all()
    before = sys.getallocatedblocks()
    for _ in range(30):
        run_all()
    assert sys.getallocatedblocks() - before < 200
