"""`blueprint build` on real trees with real `dot`: incremental, parallel, safe, deterministic."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from blueprint.build import Options, build, plan_build
from blueprint.manifest import LOCK_NAME, MANIFEST_NAME, Manifest, sha256
from blueprint.progress import Progress
from support import MINIMAL, SAMPLES, run_cli

Snapshot = dict[str, tuple[int, int, bytes]]
SUMMARY = re.compile(r"^(\d+) built, (\d+) unchanged, (\d+) failed, (\d+) removed in [\d.]+ s$", re.MULTILINE)


def service(title: str) -> str:
    return MINIMAL.replace("title: Minimal", f"title: {title}")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """SRC with services at three depths, a `.yml`, a YAML file that is no service, and a hidden folder."""
    src = tmp_path / "src"
    (src / "a" / "b").mkdir(parents=True)
    (src / ".hidden").mkdir()
    (src / "top.yaml").write_text(service("Top"), encoding="utf-8")
    (src / "a" / "mid.yaml").write_text(service("Mid"), encoding="utf-8")
    (src / "a" / "b" / "deep.yml").write_text(service("Deep"), encoding="utf-8")
    (src / "a" / "config.yaml").write_text("name: not a service\n", encoding="utf-8")
    (src / ".hidden" / "skip.yaml").write_text(service("Hidden"), encoding="utf-8")
    return src


EXPECTED = {"top.blueprint.svg", "top.journey.svg", "a/mid.blueprint.svg", "a/mid.journey.svg",
            "a/b/deep.blueprint.svg", "a/b/deep.journey.svg"}


def snapshot(out: Path) -> Snapshot:
    """Every file under OUT: inode, mtime and bytes (a rewrite, even of equal bytes, changes the inode)."""
    result = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            stat = path.stat()
            result[path.relative_to(out).as_posix()] = (stat.st_ino, stat.st_mtime_ns, path.read_bytes())
    return result


def run_build(src: Path, out: Path, *args: str) -> tuple[int, str, str, tuple[int, ...]]:
    result = run_cli("build", src, "-o", out, *args)
    match = SUMMARY.search(result.stdout)
    counts = tuple(int(group) for group in match.groups()) if match else ()
    return result.returncode, result.stdout, result.stderr, counts


def outputs(out: Path) -> set[str]:
    return {name for name in snapshot(out) if name not in (MANIFEST_NAME, LOCK_NAME)}


def test_first_build_mirrors_folders_and_records_a_manifest(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, stderr, counts = run_build(tree, out)
    assert code == 0, stderr
    assert counts == (3, 0, 0, 0)
    assert outputs(out) == EXPECTED
    assert b"<svg" in (out / "a" / "b" / "deep.blueprint.svg").read_bytes()
    assert b"Deep" in (out / "a" / "b" / "deep.blueprint.svg").read_bytes()
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {"top.yaml", "a/mid.yaml", "a/b/deep.yml"}
    entry = manifest["files"]["a/b/deep.yml"]
    assert entry["source"] == sha256((tree / "a" / "b" / "deep.yml").read_bytes())
    for output in entry["outputs"]:
        assert output["sha256"] == sha256((out / output["path"]).read_bytes())


def test_no_op_build_rewrites_nothing(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_build(tree, out)[0] == 0
    before = snapshot(out)
    code, _, _, counts = run_build(tree, out)
    assert code == 0 and counts == (0, 3, 0, 0)
    assert snapshot(out) == before


def test_editing_one_file_rewrites_only_its_outputs(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(tree, out)
    before = snapshot(out)
    (tree / "a" / "mid.yaml").write_text(service("Mid, edited").replace("Walks in", "Runs in"), encoding="utf-8")
    code, _, _, counts = run_build(tree, out, "-j2")
    assert code == 0 and counts == (1, 2, 0, 0)
    after = snapshot(out)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"a/mid.blueprint.svg", "a/mid.journey.svg", MANIFEST_NAME}
    assert b"Mid, edited" in (out / "a" / "mid.blueprint.svg").read_bytes()
    assert b"Runs in" in (out / "a" / "mid.journey.svg").read_bytes()


def test_deleted_source_removes_its_outputs_and_only_them(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(tree, out)
    (out / "a" / "b" / "notes.txt").write_text("mine", encoding="utf-8")   # not in the manifest: not ours
    (tree / "a" / "b" / "deep.yml").unlink()
    (tree / "top.yaml").unlink()
    code, stdout, _, counts = run_build(tree, out)
    assert code == 0 and counts == (0, 1, 0, 4)
    assert outputs(out) == {"a/mid.blueprint.svg", "a/mid.journey.svg", "a/b/notes.txt"}
    assert f"removed {out / 'top.blueprint.svg'}" in stdout
    assert set(Manifest.read(out / MANIFEST_NAME).entries) == {"a/mid.yaml"}
    (tree / "a" / "c").mkdir()
    (tree / "a" / "c" / "new.yaml").write_text(service("New"), encoding="utf-8")
    run_build(tree, out)
    assert (out / "a" / "c" / "new.blueprint.svg").exists()
    (tree / "a" / "c" / "new.yaml").unlink()
    run_build(tree, out)
    assert not (out / "a" / "c").exists()    # a folder our removals emptied goes too
    assert (out / "a" / "b" / "notes.txt").exists()


def test_broken_file_is_reported_and_the_others_are_built(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    broken = tree / "a" / "broken.yaml"
    broken.write_text(service("Broken").replace("customer: Walks in", "custmer: Walks in"), encoding="utf-8")
    code, stdout, stderr, counts = run_build(tree, out, "-j2")
    assert code == 1
    assert counts == (3, 0, 1, 0)
    assert re.search(rf"^{re.escape(str(broken))}:9:11: E102 .*custmer", stderr, re.MULTILINE), stderr
    assert outputs(out) == EXPECTED
    # still broken: reported again, not taken as built
    code, _, stderr, counts = run_build(tree, out)
    assert code == 1 and counts == (0, 3, 1, 0) and "E102" in stderr
    broken.write_text(service("Fixed"), encoding="utf-8")
    code, _, _, counts = run_build(tree, out)
    assert code == 0 and counts == (1, 3, 0, 0)
    assert (out / "a" / "broken.blueprint.svg").exists()


def test_check_names_missing_and_stale_outputs_and_writes_nothing(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", tree, "-o", out, "--check")
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 3 and not out.exists()
    run_build(tree, out)
    before = snapshot(out)
    result = run_cli("build", tree, "-o", out, "--check")
    assert result.returncode == 0 and result.stdout == ""
    (tree / "top.yaml").write_text(service("Top, edited"), encoding="utf-8")
    (out / "a" / "mid.journey.svg").unlink()
    (tree / "a" / "b" / "deep.yml").unlink()
    result = run_cli("build", tree, "-o", out, "--check")
    assert result.returncode == 1
    assert result.stdout.splitlines() == sorted([
        f"{tree / 'a' / 'b' / 'deep.yml'}: source deleted, its outputs are still in {out}",
        f"{tree / 'a' / 'mid.yaml'}: outputs missing or changed",
        f"{tree / 'top.yaml'}: changed since it was built",
    ])
    assert {name: value for name, value in snapshot(out).items()} == {
        name: value for name, value in before.items() if name != "a/mid.journey.svg"}
    result = run_cli("build", tree, "-o", out, "--check", "-f", "svg,png")
    assert result.returncode == 1 and "other options or another version" in result.stdout


def test_two_builds_are_byte_identical_whatever_the_workers(tree: Path, tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "outpatient-visit.zh.yaml", tree / "a" / "outpatient.zh.yaml")
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_build(tree, one, "-j1")[0] == 0
    assert run_build(tree, two, "-j2")[0] == 0
    first = {name: data for name, (_, _, data) in snapshot(one).items()}
    second = {name: data for name, (_, _, data) in snapshot(two).items()}
    assert first == second
    assert "a/outpatient.zh.journey.svg" in first


def test_format_change_rebuilds_and_drops_outputs_no_longer_made(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, _, counts = run_build(tree, out, "-f", "svg,png")
    assert code == 0 and counts == (3, 0, 0, 0)
    assert (out / "a" / "mid.journey.png").read_bytes().startswith(b"\x89PNG")
    code, _, _, counts = run_build(tree, out, "-f", "svg")
    assert code == 0 and counts == (3, 0, 0, 6)
    assert outputs(out) == EXPECTED


def test_renamed_source_keeps_the_output_both_names_share(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(tree, out)
    (tree / "top.yaml").rename(tree / "top.yml")
    code, _, _, counts = run_build(tree, out)
    assert code == 0 and counts == (1, 2, 0, 0)
    assert outputs(out) == EXPECTED
    assert set(Manifest.read(out / MANIFEST_NAME).entries) == {"top.yml", "a/mid.yaml", "a/b/deep.yml"}


def test_two_sources_for_one_output_is_a_usage_error(tree: Path, tmp_path: Path) -> None:
    shutil.copy(tree / "top.yaml", tree / "top.yml")
    result = run_cli("build", tree, "-o", tmp_path / "out")
    assert result.returncode == 2 and "would write this file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_usage_exits_2(tree: Path, tmp_path: Path) -> None:
    assert run_cli("build", tree / "top.yaml", "-o", tmp_path / "out").returncode == 2
    assert run_cli("build", tree, "-o", tree / "top.yaml").returncode == 2
    result = run_cli("build", tree, "-o", tmp_path / "out", "-f", "svg,gif")
    assert result.returncode == 2 and "gif" in result.stderr


def test_a_tampered_manifest_cannot_reach_outside_out(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(tree, out)
    outside = tmp_path / "outside"
    outside.mkdir()
    victims = [outside / "victim.txt", tmp_path / "victim.txt", outside / "linked.svg"]
    for victim in victims:
        victim.write_text("precious", encoding="utf-8")
    (out / "link").symlink_to(outside, target_is_directory=True)
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    entry = manifest["files"]["top.yaml"]
    entry["outputs"] += [{"path": path, "size": 8, "sha256": "0" * 64}
                         for path in ("../victim.txt", str(outside / "victim.txt"), "link/linked.svg",
                                      "a/../../victim.txt")]
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    (tree / "top.yaml").unlink()
    code, _, stderr, counts = run_build(tree, out)
    assert code == 0, stderr
    # A manifest that names what no build writes is ignored as a whole: everything is rebuilt, nothing deleted
    assert f"blueprint: ignoring {out / MANIFEST_NAME}: '../victim.txt' is not a file a build writes" in stderr
    assert counts == (2, 0, 0, 0)
    assert {"top.blueprint.svg", "top.journey.svg"} <= outputs(out)
    assert all(victim.read_text(encoding="utf-8") == "precious" for victim in victims)
    assert (out / "link").is_symlink()
    assert set(Manifest.read(out / MANIFEST_NAME).entries) == {"a/mid.yaml", "a/b/deep.yml"}


def test_a_symlinked_folder_in_out_is_not_written_through(tree: Path, tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "a").symlink_to(outside, target_is_directory=True)
    code, _, stderr, counts = run_build(tree, out)
    assert code == 2 and "outside the output folder" in stderr
    assert list(outside.iterdir()) == []


def test_api_build_is_incremental_in_process(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    lines: list[str] = []

    class Recorder(Progress):
        def info(self, text: str) -> None:
            lines.append(text)

    summary = build(tree, out, Options(), jobs=1, progress=Recorder())
    assert (summary.built, summary.failed, summary.exit_code) == (3, 0, 0)
    assert sorted(lines) == [f"built {tree / name}" for name in ("a/b/deep.yml", "a/mid.yaml", "top.yaml")]
    plan = plan_build(tree, out, Options())
    assert plan.jobs == [] and sorted(plan.current) == ["a/b/deep.yml", "a/mid.yaml", "top.yaml"]
    assert os.path.getsize(out / MANIFEST_NAME) > 0
