"""The old version from git: `REV:path` through `git show` in a temporary repository; a file that exists wins."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from support import run_cli

PAIRS = Path(__file__).parent / "fixtures" / "compare"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A repository whose services/cafe.yaml was the current state (HEAD~1), then the mitigated one (HEAD), and
    whose working copy holds the faster one."""
    git(tmp_path, "init", "-q")
    services = tmp_path / "services"
    services.mkdir()
    for name in ("cafe.yaml", "cafe-mitigated.yaml"):
        shutil.copy(PAIRS / name, services / "cafe.yaml")
        git(tmp_path, "add", ".")
        git(tmp_path, "commit", "-qm", name)
    shutil.copy(PAIRS / "cafe-faster.yaml", services / "cafe.yaml")
    return tmp_path


def test_rev_path_is_read_with_git_show(repo: Path) -> None:
    result = run_cli("diff", "HEAD~1:services/cafe.yaml", "HEAD:services/cafe.yaml", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["old"], data["new"]) == ("HEAD~1:services/cafe.yaml", "HEAD:services/cafe.yaml")
    assert [item["id"] for item in data["actions"]["changed"]] == ["order.waiter"]
    assert {f["file"] for f in data["findings"]["resolved"]} == {"HEAD~1:services/cafe.yaml"}
    text = run_cli("diff", "HEAD:services/cafe.yaml", "services/cafe.yaml", cwd=repo).stdout.splitlines()
    assert text[0] == "HEAD:services/cafe.yaml → services/cafe.yaml"
    assert "  Wait before Drinks 6m → 3m" in text


def test_locations_in_findings_name_rev_path(repo: Path) -> None:
    broken = (PAIRS / "cafe.yaml").read_text(encoding="utf-8").replace("        emotion: 0\n", "        emoton: 0\n")
    (repo / "services" / "cafe.yaml").write_text(broken, encoding="utf-8")
    git(repo, "commit", "-qam", "broken")
    result = run_cli("diff", "HEAD:services/cafe.yaml", "HEAD~1:services/cafe.yaml", cwd=repo)
    assert result.returncode == 1
    assert "HEAD:services/cafe.yaml:33:9: E003 " in result.stderr
    report = repo / "cmp.pdf"
    result = run_cli("diff", "HEAD:services/cafe.yaml", "HEAD~1:services/cafe.yaml", "-o", report, cwd=repo)
    assert result.returncode == 1 and "HEAD:services/cafe.yaml:33:9: E003 " in result.stderr
    assert not report.exists()


@pytest.mark.parametrize(("spec", "message"), [
    ("nope:services/cafe.yaml", "fatal: invalid object name 'nope'."),
    ("HEAD:services/none.yaml", "fatal: path 'services/none.yaml' does not exist in 'HEAD'"),
    ("HEAD:services", "is a folder in that revision, not a file"),
    ("HEAD:", "names no file inside the revision"),
    ("--output=x:y", "must come before non-option arguments"),
])
def test_a_bad_revision_or_path_exits_2_with_git_s_message(repo: Path, spec: str, message: str) -> None:
    for args in (("diff", "-o", repo / "out.pdf", "--", spec, "services/cafe.yaml"),
                 ("render", "services/cafe.yaml", f"--compare={spec}", "-o", repo)):
        result = run_cli(*args, cwd=repo)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and spec in result.stderr and "Traceback" not in result.stderr
    assert not (repo / "out.pdf").exists() and not (repo / "x").exists()


def test_outside_a_repository_git_says_so(tmp_path: Path) -> None:
    result = run_cli("diff", "HEAD:cafe.yaml", PAIRS / "cafe.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "not a git repository" in result.stderr


def test_a_file_that_exists_wins_over_rev_path(repo: Path) -> None:
    shutil.copy(PAIRS / "cafe-replaced.yaml", repo / "HEAD:services")      # a real file whose name has a colon
    result = run_cli("diff", "services/cafe.yaml", "HEAD:services", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert [step["id"] for step in json.loads(result.stdout)["steps"]["added"]] == ["tap"]


def test_render_compare_with_rev_path(repo: Path) -> None:
    result = run_cli("render", "services/cafe.yaml", "--compare", "HEAD:services/cafe.yaml", "--view", "blueprint",
                     "-o", repo, cwd=repo)
    assert result.returncode == 0, result.stderr
    svg = (repo / "cafe.blueprint.svg").read_text(encoding="utf-8")
    assert all(f'id="{ident}"' in svg for ident in ("changed.drinks", "changed.pay", "changed.order.waiter"))
