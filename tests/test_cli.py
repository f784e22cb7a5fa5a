"""The command line through its real entry point: output formats, exit codes, help, init, schema."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from support import SAMPLES, run_cli

FIXTURES = Path(__file__).parent / "fixtures"
TEXT_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) (?P<message>.+)$")


def test_check_valid_file_exits_0_with_text_lines(minimal_file: Path) -> None:
    result = run_cli("check", FIXTURES / "format-example.yaml")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and all(TEXT_LINE.match(line) for line in lines)
    assert "0 errors, 3 warnings, 3 info" in result.stderr  # P101 and F201 are info
    assert "\033[" not in result.stdout  # no colour when not on a terminal


def test_check_invalid_file_exits_1() -> None:
    result = run_cli("check", FIXTURES / "invalid" / "E003-unknown-key.yaml")
    assert result.returncode == 1
    match = TEXT_LINE.match(result.stdout.strip())
    assert match and match["code"] == "E003" and (match["line"], match["col"]) == ("9", "9")


def test_strict_fails_on_warnings_but_not_on_info(tmp_path: Path) -> None:
    assert run_cli("check", "--strict", FIXTURES / "format-example.yaml").returncode == 1
    info_only = tmp_path / "info.yaml"
    info_only.write_text("blueprint: 1\ntitle: Info\nstages:\n  - id: s\n    title: S\n    steps:\n"
                         "      - id: a\n        actions:\n          customer: Waits\n"
                         "          frontstage: {text: Copies a form, value: none}\n", encoding="utf-8")
    result = run_cli("check", "--strict", info_only)
    assert result.returncode == 0, result.stdout
    assert "L601" in result.stdout


def test_check_json_shape() -> None:
    result = run_cli("check", "--format", "json", FIXTURES / "format-example.yaml",
                     FIXTURES / "invalid" / "E107-bad-duration.yaml")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert isinstance(findings, list) and len(findings) == 7
    for finding in findings:
        assert set(finding) == {"file", "line", "column", "code", "severity", "message", "step", "lane"}
        assert finding["severity"] in ("error", "warning", "info")
        assert isinstance(finding["line"], int) and isinstance(finding["column"], int)
    e107 = next(f for f in findings if f["code"] == "E107")
    assert (e107["line"], e107["column"], e107["severity"]) == (10, 48, "error")
    p101 = next(f for f in findings if f["code"] == "P101")
    assert (p101["step"], p101["lane"]) == ("park", None)


def test_check_a_folder_finds_only_service_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yml").write_text((FIXTURES / "format-example.yaml").read_text(), encoding="utf-8")
    (tmp_path / "other.yaml").write_text("name: not a service\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("blueprint: 1\n", encoding="utf-8")
    result = run_cli("check", "--format", "json", tmp_path)
    assert result.returncode == 0
    assert {Path(f["file"]).name for f in json.loads(result.stdout)} == {"a.yml"}


def test_missing_input_is_exit_2() -> None:
    result = run_cli("check", "no/such/file.yaml")
    assert result.returncode == 2
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_bad_option_is_exit_2() -> None:
    assert run_cli("check", "--format", "xml", FIXTURES / "format-example.yaml").returncode == 2


def test_metrics_json_and_text() -> None:
    result = run_cli("metrics", "--format", "json", FIXTURES / "format-example.yaml")
    assert result.returncode == 0
    figures = json.loads(result.stdout)
    assert set(figures) == {"lead_time_s", "value_added_s", "value_added_ratio", "stages", "steps", "fail_points",
                            "expected_lead_time_s", "cost", "critical_path", "touchpoints"}
    assert figures["lead_time_s"] == 1080
    text = run_cli("metrics", FIXTURES / "format-example.yaml")
    assert text.returncode == 0
    assert "lead time 18m" in text.stdout and "16.7 %" in text.stdout


def test_metrics_of_invalid_file_exits_1() -> None:
    result = run_cli("metrics", FIXTURES / "invalid" / "E108-flow-cycle.yaml")
    assert result.returncode == 1 and "E108" in result.stderr


def test_schema_is_a_2020_12_schema_that_accepts_the_samples_and_rejects_typos() -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for sample in sorted(SAMPLES.glob("*.yaml")):
        data = yaml.safe_load(sample.read_text(encoding="utf-8"))
        # YAML 1.1 loading turns `off` into False: the editor reads YAML 1.2, as blueprint does
        rules = data.get("rules", {})
        data["rules"] = {code: ("off" if value is False else value) for code, value in rules.items()}
        errors = list(validator.iter_errors(data))
        assert not errors, (sample.name, [e.message for e in errors[:3]])
    bad = yaml.safe_load((FIXTURES / "invalid" / "E003-unknown-key.yaml").read_text())
    assert list(validator.iter_errors(bad))
    assert set(schema["properties"]["rules"]["properties"]) >= {"P101", "F203", "L601"}


def test_init_writes_a_starter_that_passes_check_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    assert run_cli("init", target).returncode == 0
    check = run_cli("check", "--format", "json", target)
    assert check.returncode == 0, check.stdout
    # it shows a fail point as an example, so F201 is the one flag it raises
    assert [f["code"] for f in json.loads(check.stdout)] == ["F201"]
    assert "#" in target.read_text(encoding="utf-8")
    again = run_cli("init", target)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and re.match(r"blueprint \d+\.\d+\.\d+", result.stdout)


@pytest.mark.parametrize("command", ["check", "metrics", "schema", "init", "render"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "Example" in result.stdout


def test_help_and_check_import_nothing_heavy(tmp_path: Path) -> None:
    import subprocess
    import sys
    probe = ("import sys; from blueprint.cli import app; from blueprint.api import check_file; "
             "from pathlib import Path; check_file(Path(sys.argv[1])); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'jinja2', 'blueprint')))")
    result = subprocess.run([sys.executable, "-c", probe, str(FIXTURES / "format-example.yaml")],
                            capture_output=True, text=True, check=True)
    loaded = result.stdout
    assert "weasyprint" not in loaded and "jinja2" not in loaded
    assert "blueprint.render" not in loaded and "blueprint.graphviz" not in loaded


def test_committed_schema_file_is_current() -> None:
    committed = (Path(__file__).parent.parent / "schema" / "blueprint.schema.json").read_text(encoding="utf-8")
    assert run_cli("schema").stdout == committed, "run: blueprint schema > schema/blueprint.schema.json"


def test_services_only_skips_other_yaml(tmp_path: Path) -> None:
    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs: {}\n", encoding="utf-8")
    assert run_cli("check", workflow).returncode == 1
    result = run_cli("check", "--services-only", workflow, FIXTURES / "format-example.yaml")
    assert result.returncode == 0
    assert "ci.yml" not in result.stdout and "1 file checked" in result.stderr
