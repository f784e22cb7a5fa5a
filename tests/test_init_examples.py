"""`blueprint init --example` and `--list`: the samples as starting points, through the real command line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import SAMPLES, run_cli

SAMPLE_NAMES = sorted(path.stem for path in SAMPLES.glob("*.yaml"))


def test_list_names_every_sample_with_its_title() -> None:
    result = run_cli("init", "--list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == SAMPLE_NAMES
    assert "ed-visit-older-patient  Emergency department visit after a fall" in lines


@pytest.mark.parametrize("name", ["ed-visit-older-patient", "hotel-stay"])
def test_an_example_is_written_as_it_is_and_passes_check(tmp_path: Path, name: str) -> None:
    target = tmp_path / "mine.yaml"
    assert run_cli("init", target, "--example", name).returncode == 0
    assert target.read_bytes() == (SAMPLES / f"{name}.yaml").read_bytes()
    check = run_cli("check", "--format", "json", target)
    assert check.returncode == 0, check.stdout
    assert not [f for f in json.loads(check.stdout) if f["severity"] == "error"]


def test_an_unknown_example_is_bad_usage_naming_the_examples(tmp_path: Path) -> None:
    result = run_cli("init", tmp_path / "mine.yaml", "--example", "hotel")
    assert result.returncode == 2
    assert "no example called 'hotel'" in result.stderr and "hotel-stay" in result.stderr
    assert not (tmp_path / "mine.yaml").exists()


def test_an_example_does_not_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("keep", encoding="utf-8")
    assert run_cli("init", target, "--example", "hotel-stay").returncode == 2
    assert target.read_text(encoding="utf-8") == "keep"
    assert run_cli("init", target, "--example", "hotel-stay", "--force").returncode == 0
    assert target.read_bytes() == (SAMPLES / "hotel-stay.yaml").read_bytes()


def test_the_help_points_to_the_users_reference() -> None:
    result = run_cli("--help")
    assert "docs/format.md" in result.stdout and "FORMAT.md" not in result.stdout
