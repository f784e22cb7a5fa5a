"""`blueprint build` on real trees with real `dot`: incremental, parallel, safe, deterministic."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from blueprint.build import Options, build, locked, plan_build
from blueprint.findings import UsageError
from blueprint.manifest import LOCK_NAME, MANIFEST_NAME, Manifest, Shard, sha256
from blueprint.progress import Progress
from support import BLUEPRINT, MINIMAL, SAMPLES, run_cli

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


# --- Deleting only what a build wrote (issue 15, item 2) ---

def _tamper(out: Path, source: str, *extra: dict[str, object]) -> None:
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"][source]["outputs"] += list(extra)
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")


def _recorded(path: Path, name: str) -> dict[str, object]:
    data = path.read_bytes()
    return {"path": name, "size": len(data), "sha256": sha256(data)}


def test_an_output_edited_since_the_build_is_kept_and_reported(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(tree, out)
    edited = out / "top.journey.svg"
    edited.write_bytes(edited.read_bytes().replace(b"<svg", b"<SVG", 1))  # same size, other bytes
    (tree / "top.yaml").unlink()
    code, stdout, stderr, counts = run_build(tree, out)
    assert code == 0 and counts == (0, 2, 0, 1), stderr
    assert f"kept {edited}: edited since it was built" in stdout.splitlines()
    assert f"removed {out / 'top.blueprint.svg'}" in stdout.splitlines()
    assert b"<SVG" in edited.read_bytes() and not (out / "top.blueprint.svg").exists()
    assert "top.yaml" not in Manifest.read(out / MANIFEST_NAME).entries


def test_a_manifest_entry_naming_another_file_in_out_deletes_nothing(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(tree, out)
    notes = out / "NOTES.md"
    notes.write_text("the team's notes", encoding="utf-8")
    # the pull request's manifest names NOTES.md with its true size and hash
    _tamper(out, "top.yaml", _recorded(notes, "NOTES.md"))
    (tree / "top.yaml").unlink()
    code, _, stderr, counts = run_build(tree, out)
    assert code == 0 and counts == (2, 0, 0, 0)
    assert f"blueprint: ignoring {out / MANIFEST_NAME}: 'NOTES.md' is not a file a build writes; treated as empty" \
        in stderr.splitlines()
    assert notes.read_text(encoding="utf-8") == "the team's notes"
    # an output-shaped name that the user's own file holds, with other bytes recorded: kept as edited
    mine = out / "a" / "mine.journey.svg"
    mine.write_text("<svg>mine</svg>", encoding="utf-8")
    _tamper(out, "a/mid.yaml", {"path": "a/mine.journey.svg", "size": 15, "sha256": "0" * 64})
    (tree / "a" / "mid.yaml").unlink()
    code, stdout, stderr, counts = run_build(tree, out)
    assert code == 0 and counts == (0, 1, 0, 2), stderr
    assert f"kept {mine}: edited since it was built" in stdout
    assert mine.read_text(encoding="utf-8") == "<svg>mine</svg>"


@pytest.mark.parametrize("text", [
    "{not json", "[]", '{"manifest": 2, "files": {}}', '{"manifest": 1, "files": []}',
    '{"manifest": 1, "files": {"top.yaml": {"source": "x", "options": "y", "version": "z", "outputs": "no"}}}',
    '{"manifest": 1, "files": {"top.yaml": {"source": "x", "options": "y", "version": "z",'
    ' "outputs": [{"path": "top.journey.svg", "size": "12", "sha256": "' + "0" * 64 + '"}]}}}',
    '{"manifest": 1, "files": {"../up.yaml": {"source": "x", "options": "y", "version": "z", "outputs": []}}}',
    "\x00\xff" * 10, "[" * 100_000,
], ids=["truncated", "a-list", "schema-2", "files-list", "outputs-text", "size-text", "source-up", "binary", "deep"])
def test_a_malformed_manifest_is_treated_as_empty_with_a_warning(tree: Path, tmp_path: Path, text: str) -> None:
    out = tmp_path / "out"
    run_build(tree, out)
    (out / MANIFEST_NAME).write_bytes(text.encode("utf-8", "surrogateescape"))
    code, _, stderr, counts = run_build(tree, out)
    assert code == 0 and counts == (3, 0, 0, 0), stderr
    assert f"blueprint: ignoring {out / MANIFEST_NAME}: " in stderr and "Traceback" not in stderr
    assert outputs(out) == EXPECTED
    assert set(Manifest.read(out / MANIFEST_NAME).entries) == {"top.yaml", "a/mid.yaml", "a/b/deep.yml"}


def test_manifests_and_a_lock_file_planted_as_symlinks_are_never_followed(tree: Path, tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside.txt"
    run_build(tree, out)
    (out / MANIFEST_NAME).unlink()
    (out / MANIFEST_NAME).symlink_to("/dev/zero")                      # reading it would never end
    (out / ".blueprint-manifest.1-of-2.json").symlink_to(outside)
    (out / LOCK_NAME).unlink()
    (out / LOCK_NAME).symlink_to(outside)                              # opening it would create outside.txt
    result = run_cli("build", tree, "-o", out, "--check", timeout=30)
    assert f"blueprint: ignoring {out / MANIFEST_NAME}: not a regular file; treated as empty" in result.stderr
    assert result.returncode == 1
    code, _, stderr, counts = run_build(tree, out)
    assert code == 0 and counts == (3, 0, 0, 0), stderr
    assert not outside.exists() and not (out / LOCK_NAME).is_symlink()
    assert not (out / ".blueprint-manifest.1-of-2.json").exists()      # ignored as empty, so dropped
    assert not (out / MANIFEST_NAME).is_symlink() and len(Manifest.read(out / MANIFEST_NAME).entries) == 3


def test_two_entries_claiming_one_output_make_a_manifest_hostile(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(tree, out)
    _tamper(out, "a/mid.yaml", _recorded(out / "top.journey.svg", "top.journey.svg"))
    code, _, stderr, _ = run_build(tree, out)
    assert code == 0 and "two entries claim one output" in stderr
    assert outputs(out) == EXPECTED


def test_a_recorded_output_behind_a_symlinked_folder_is_never_deleted(tree: Path, tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    run_build(tree, out)
    outside.mkdir()
    victim = outside / "x.journey.svg"
    victim.write_text("precious", encoding="utf-8")
    (out / "link").symlink_to(outside, target_is_directory=True)
    _tamper(out, "top.yaml", _recorded(victim, "link/x.journey.svg"))
    (tree / "top.yaml").unlink()
    code, _, stderr, counts = run_build(tree, out)
    assert code == 0 and counts == (0, 2, 0, 2), stderr
    assert victim.read_text(encoding="utf-8") == "precious"


# --- One build at a time per OUT (item 5) ---

def _tracked_exactly(out: Path) -> None:
    """Every output in OUT is listed in its manifests with the bytes it holds, and every listed output exists."""
    listed = {}
    for manifest in [out / MANIFEST_NAME, *out.glob(".blueprint-manifest.*-of-*.json")]:
        if manifest.exists():
            for entry in Manifest.read(manifest).entries.values():
                listed |= {output.path: (output.size, output.sha256) for output in entry.outputs}
    on_disk = {name: (len(data), sha256(data)) for name, (_, _, data) in snapshot(out).items()
               if not name.startswith(".blueprint")}
    assert on_disk == listed


def test_two_builds_into_one_out_at_once_leave_nothing_untracked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sources = []
    for name in ("one", "two"):
        src = tmp_path / name
        (src / name).mkdir(parents=True)
        for index in range(4):
            (src / name / f"s{index}.yaml").write_text(service(f"{name} {index}"), encoding="utf-8")
        sources.append(src)
    started = [subprocess.Popen([str(BLUEPRINT), "build", str(src), "-o", str(out), "-j1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for src in sources]
    results = [(process.wait(timeout=120), *process.communicate()) for process in started]
    assert [code for code, _, _ in results] == [0, 0], results
    # the later build found the earlier one's sources deleted and removed their outputs: one state, all tracked
    _tracked_exactly(out)
    manifest = Manifest.read(out / MANIFEST_NAME)
    assert len(manifest.entries) == 4 and len({name.split("/")[0] for name in manifest.entries}) == 1


def test_a_second_build_waits_for_the_lock_and_gives_up_with_a_clear_message(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys\n"
        f"fd = os.open({str(out / LOCK_NAME)!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\nsys.stdin.readline()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    waiter = None
    try:
        assert holder.stdin and holder.stdout and holder.stdout.readline() == "locked\n"
        told: list[str] = []
        gave_up = rf"^another build is writing {re.escape(str(out))} \(waited 0.2 s\)$"
        with pytest.raises(UsageError, match=gave_up), locked(out, told.append, wait_s=0.2):
            pass
        assert told == [f"waiting: another build is writing {out}"]
        waiter = subprocess.Popen([str(BLUEPRINT), "build", str(tree), "-o", str(out)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert waiter.stderr and waiter.stderr.readline() == f"waiting: another build is writing {out}\n"
        assert not (out / MANIFEST_NAME).exists()                      # it waits: nothing read or written yet
        holder.stdin.write("go\n")
        holder.stdin.flush()
        stdout, stderr = waiter.communicate(timeout=120)
        assert waiter.returncode == 0, stderr
        summary = SUMMARY.search(stdout)
        assert summary and summary.groups()[:3] == ("3", "0", "0"), stdout
    finally:
        for process in (holder, waiter):
            if process is not None:
                process.kill()
                process.wait()


# --- Sources never from inside OUT (item 6) ---

def test_out_inside_src_is_never_read_as_a_source(tree: Path) -> None:
    out = tree / "out"
    code, _, stderr, counts = run_build(tree, out)
    assert code == 0 and counts == (3, 0, 0, 0), stderr
    (out / "copied.yaml").write_text(service("Copied into OUT"), encoding="utf-8")
    (tree / "linked.yaml").symlink_to(out / "copied.yaml")                # a way in through a symlink too
    code, _, stderr, counts = run_build(tree, out)
    assert code == 0 and counts == (0, 3, 0, 0), stderr
    assert not (out / "out").exists() and not (out / "linked.blueprint.svg").exists()
    assert run_cli("build", tree, "-o", out, "--check").returncode == 0


# --- Shards (issue 13, section 3) ---

@pytest.fixture
def many(tree: Path) -> Path:
    for folder in ("a", "c/d", "e"):
        (tree / folder).mkdir(parents=True, exist_ok=True)
        for index in range(4):
            (tree / folder / f"f{index}.yaml").write_text(service(f"{folder} {index}"), encoding="utf-8")
    return tree


def _files(out: Path) -> dict[str, bytes]:
    return {name: data for name, (_, _, data) in snapshot(out).items()}


def test_the_union_of_shards_is_the_full_build_byte_for_byte(many: Path, tmp_path: Path) -> None:
    full, union = tmp_path / "full", tmp_path / "union"
    assert run_build(many, full)[0] == 0
    built = []
    for index in (1, 2, 3):
        shard = tmp_path / f"shard{index}"
        code, _, stderr, counts = run_build(many, shard, "--shard", f"{index}/3")
        assert code == 0, stderr
        built.append(counts[0])
        assert set(_files(shard)) - set(_files(full)) <= {f".blueprint-manifest.{index}-of-3.json"}
        assert run_cli("build", many, "-o", shard, "--check", "--shard", f"{index}/3").returncode == 0
        other = index % 3 + 1
        assert run_cli("build", many, "-o", shard, "--check", "--shard", f"{other}/3").returncode == 1
        shutil.copytree(shard, union, dirs_exist_ok=True)          # what a matrix job's artifacts merge into
    assert sum(built) == 15 and all(built), built              # disjoint parts that cover every source
    merged = {name: data for name, data in _files(union).items() if not name.startswith(".blueprint-manifest")}
    assert merged == {name: data for name, data in _files(full).items() if name != MANIFEST_NAME}
    entries: dict[str, object] = {}
    for index in (1, 2, 3):
        entries |= Manifest.read(union / f".blueprint-manifest.{index}-of-3.json").entries
    assert entries == Manifest.read(full / MANIFEST_NAME).entries
    # the merged folder is up to date for a whole build, which folds the shards' manifests into one
    assert run_cli("build", many, "-o", union, "--check").returncode == 0
    code, _, _, counts = run_build(many, union)
    assert code == 0 and counts == (0, 15, 0, 0)
    assert _files(union) == _files(full)


def test_shards_are_stable_and_remove_only_their_own_stale_outputs(many: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for index in (1, 2):
        assert run_build(many, out, "--shard", f"{index}/2")[0] == 0
    _tracked_exactly(out)
    before = snapshot(out)
    (many / "e" / "new.yaml").write_text(service("New"), encoding="utf-8")
    counts = [run_build(many, out, "--shard", f"{index}/2")[3] for index in (1, 2)]
    assert sorted(count[0] for count in counts) == [0, 1]                 # only the new file is built
    assert all(before[name] == snapshot(out)[name] for name in before if not name.startswith(".blueprint"))
    gone = "a/f0.yaml"
    owner = next(index for index in (1, 2) if Shard(index, 2).owns(gone))
    (many / gone).unlink()
    code, _, _, counts = run_build(many, out, "--shard", f"{3 - owner}/2")  # not its shard: stays
    assert code == 0 and counts[3] == 0 and (out / "a" / "f0.journey.svg").exists()
    code, stdout, _, counts = run_build(many, out, "--shard", f"{owner}/2")
    assert code == 0 and counts[3] == 2 and f"removed {out / 'a' / 'f0.journey.svg'}" in stdout
    _tracked_exactly(out)


def test_a_shard_after_a_whole_build_takes_its_sources_out_of_the_whole_manifest(many: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(many, out)
    (many / "top.yaml").write_text(service("Top, edited"), encoding="utf-8")
    owner = next(index for index in (1, 2, 3) if Shard(index, 3).owns("top.yaml"))
    code, _, _, counts = run_build(many, out, "--shard", f"{owner}/3")
    assert code == 0 and counts[0] == 1
    assert "top.yaml" in Manifest.read(out / f".blueprint-manifest.{owner}-of-3.json").entries
    assert "top.yaml" not in Manifest.read(out / MANIFEST_NAME).entries
    _tracked_exactly(out)
    assert run_cli("build", many, "-o", out, "--check").returncode == 0


def test_two_shards_into_one_out_at_once_make_the_full_build(many: Path, tmp_path: Path) -> None:
    full, out = tmp_path / "full", tmp_path / "out"
    run_build(many, full)
    started = [subprocess.Popen([str(BLUEPRINT), "build", str(many), "-o", str(out), "-j1", "--shard", f"{i}/2"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in (1, 2)]
    assert [process.wait(timeout=120) for process in started] == [0, 0]
    for process in started:
        process.communicate()
    _tracked_exactly(out)
    assert run_build(many, out)[3] == (0, 15, 0, 0)
    assert _files(out) == _files(full)


@pytest.mark.parametrize("shard", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2", "1/2/3"])
def test_a_bad_shard_is_a_usage_error(tree: Path, tmp_path: Path, shard: str) -> None:
    result = run_cli("build", tree, "-o", tmp_path / "out", "--shard", shard)
    assert result.returncode == 2 and "--shard must be I/N" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_shard_manifest_listing_another_shards_source_is_ignored(many: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_build(many, out, "--shard", "1/2")[0] == 0
    (out / ".blueprint-manifest.1-of-2.json").rename(out / ".blueprint-manifest.2-of-2.json")
    code, _, stderr, counts = run_build(many, out, "--shard", "2/2")
    assert code == 0 and "is not in shard 2 of 2; treated as empty" in stderr
    assert counts[3] == 0                                # nothing deleted on its word
    entries = Manifest.read(out / ".blueprint-manifest.2-of-2.json").entries       # replaced by shard 2's own
    assert len(entries) == counts[0] > 0 and all(Shard(2, 2).owns(name) for name in entries)


def test_a_file_name_that_is_not_utf8_is_built_tracked_and_removed(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    name = os.fsdecode(b"caf\xe9.yaml")                      # Latin-1 bytes: a lone surrogate in Python
    (src / name).write_text(service("Latin-1 name"), encoding="utf-8")
    code, stdout, stderr, counts = run_build(src, out, "-j1")
    assert code == 0 and counts == (1, 0, 0, 0), stderr
    assert f"built {src}/caf\\udce9.yaml" in stdout.splitlines()
    assert run_build(src, out)[3] == (0, 1, 0, 0)
    (src / name).unlink()
    code, stdout, _, counts = run_build(src, out)
    assert code == 0 and counts == (0, 0, 0, 2) and outputs(out) == set()
