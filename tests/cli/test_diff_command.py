"""`vstape diff` for real: two unseeded SDK recordings, hand edits, trees, bad input (0/1/2)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import msgspec
import pytest

from tests.procs import ROOT, VSTAPE
from tests.workload import recorded
from vstape.cassettes.io import dump, load
from vstape.cassettes.model import Cassette, Interaction, InteractionMeta
from vstape.diff.render import MAX_MARKDOWN_CHARS
from vstape.recording.stable import normalize_scope


def _diff(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "diff", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Raw and normalized cassettes of two unseeded recordings, and a hand-edited one."""
    folder = tmp_path_factory.mktemp("diff")
    first, second = recorded()[0], recorded()[0]
    paths = {name: folder / f"{name}.yaml" for name in ("raw1", "raw2", "norm1", "edited")}
    dump(Cassette(first), paths["raw1"])
    dump(Cassette(second), paths["raw2"])
    dump(Cassette(normalize_scope([first])[0]), paths["norm1"])
    index = next(
        i
        for i, item in enumerate(second)
        if isinstance(item.vstape, InteractionMeta) and item.vstape.route == "get_vector_store"
    )
    body = msgspec.json.decode(second[index].response.body.string)
    body["name"] = "edited by hand"
    edited = list(second)
    edited[index] = msgspec.structs.replace(
        second[index],
        response=msgspec.structs.replace(
            second[index].response,
            body=msgspec.structs.replace(
                second[index].response.body,
                string=msgspec.json.format(msgspec.json.encode(body), indent=2).decode(),
            ),
        ),
    )
    dump(Cassette(edited), paths["edited"])
    return paths


def test_two_raw_recordings_are_equivalent(cassettes: dict[str, Path]) -> None:
    """Different ids and clock readings everywhere, still exit 0 'equivalent'."""
    done = _diff(cassettes["raw1"], cassettes["raw2"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "vstape diff: equivalent" in done.stdout
    assert _diff(cassettes["norm1"], cassettes["raw2"]).returncode == 0


def test_one_changed_field_is_that_path_in_all_three_formats(cassettes: dict[str, Path]) -> None:
    """Terminal, JSON and Markdown all name $.name with 'handbook-v2' -> 'edited by hand'."""
    old, new = cassettes["norm1"], cassettes["edited"]
    text = _diff(old, new)
    assert text.returncode == 1
    lines = [line.strip() for line in text.stdout.splitlines()]
    assert [line for line in lines if "->" in line and "$." in line] == [
        'response.body $.name: "handbook-v2" -> "edited by hand"'
    ]
    assert lines[0] == "get_vector_store" and lines[-1].startswith("vstape diff: 1 changed")
    as_json = _diff(old, new, "--json")
    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    assert document["equivalent"] is False and document["summary"]["changed"] == 1
    [entry] = document["entries"]
    assert entry["changes"] == [
        {
            "part": "response.body",
            "path": "$.name",
            "kind": "changed",
            "old": "handbook-v2",
            "new": "edited by hand",
        }
    ]
    markdown = _diff(old, new, "--markdown")
    assert markdown.returncode == 1
    assert markdown.stdout.startswith(
        "<!-- vstape diff -->\n### vstape diff: 1 changed in 1 route(s)"
    )
    assert "| <code>get_vector_store</code> | 0 | 0 | 1 |" in markdown.stdout
    assert (
        "<code>response.body $.name: &quot;handbook-v2&quot; -&gt; &quot;edited by hand&quot;</code>"
        in markdown.stdout
    )


def test_added_and_removed_interactions(tmp_path: Path, cassettes: dict[str, Path]) -> None:
    """An interaction dropped from NEW is removed, one appended is added, each on its route."""
    items = load(cassettes["raw2"]).interactions
    dropped = next(i for i, x in enumerate(items) if "/search" in x.request.uri)
    extra = items[-1]  # delete_vector_store, once more at the end
    changed = [*items[:dropped], *items[dropped + 1 :], extra]
    dump(Cassette(changed), tmp_path / "new.yaml")
    done = _diff(cassettes["raw1"], tmp_path / "new.yaml", "--json")
    assert done.returncode == 1
    kinds = [(e["kind"], e["route"]) for e in json.loads(done.stdout)["entries"]]
    assert sorted(kinds) == [("added", "delete_vector_store"), ("removed", "search_vector_store")]
    text = _diff(cassettes["raw1"], tmp_path / "new.yaml").stdout
    assert re.search(
        r"^  - #\d+ POST /v1/vector_stores/vs_vstape\d+/search \(removed\)$", text, re.M
    )
    assert re.search(r"^  \+ #\d+ DELETE /v1/vector_stores/vs_vstape\d+ \(added\)$", text, re.M)


def test_colour_on_request_and_never_with_no_color(cassettes: dict[str, Path]) -> None:
    """--color always paints; NO_COLOR and pipes do not."""
    old, new = cassettes["norm1"], cassettes["edited"]
    assert "\x1b[33m" in _diff(old, new, "--color", "always").stdout
    assert "\x1b[" not in _diff(old, new).stdout  # a pipe
    env = dict(os.environ, NO_COLOR="1")
    assert "\x1b[" not in _diff(old, new, "--color", "auto", env=env).stdout


def test_markdown_stays_under_a_comment_and_counts_the_rest(tmp_path: Path) -> None:
    """Thousands of changes: the comment stays under GitHub's limit and says how many are left."""
    items = recorded()[0]
    many = [*items] * 20  # the same workload 20 times over: ~760 interactions
    dump(Cassette(many), tmp_path / "old.yaml")
    dump(Cassette(many[: len(items)]), tmp_path / "new.yaml")
    done = _diff(tmp_path / "old.yaml", tmp_path / "new.yaml", "--markdown")
    assert done.returncode == 1
    assert len(done.stdout) <= MAX_MARKDOWN_CHARS
    found = re.search(r"\.\.\. and ([\d,]+) more interaction\(s\) not shown", done.stdout)
    assert found is not None
    shown = done.stdout.count("- `-` ")
    assert shown + int(found.group(1).replace(",", "")) == len(many) - len(items)


def test_unusable_input_exits_2_with_the_reason(tmp_path: Path, cassettes: dict[str, Path]) -> None:
    """A missing path, a broken cassette (file:line), a file against a folder: exit 2."""
    missing = _diff(tmp_path / "nope.yaml", cassettes["raw1"])
    assert (
        missing.returncode == 2
        and "OLD: " in missing.stderr
        and "no such cassette" in missing.stderr
    )
    (tmp_path / "broken.yaml").write_text("interactions:\n- request: {method: GET\n")
    broken = _diff(cassettes["raw1"], tmp_path / "broken.yaml")
    assert broken.returncode == 2 and f"NEW: {tmp_path / 'broken.yaml'}:" in broken.stderr
    mixed = _diff(cassettes["raw1"], tmp_path)
    assert mixed.returncode == 2 and "compare two cassettes or two folders" in mixed.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _diff(empty, empty).returncode == 2
    bad = _diff(cassettes["raw1"], cassettes["raw2"], "--time-tolerance", "-1")
    assert bad.returncode == 2 and "--time-tolerance" in bad.stderr


def test_folders_are_compared_file_by_file(tmp_path: Path, cassettes: dict[str, Path]) -> None:
    """Two trees: the file only in NEW is named, its interactions are added."""
    (tmp_path / "old").mkdir()
    (tmp_path / "new" / "sub").mkdir(parents=True)
    dump(load(cassettes["raw1"]), tmp_path / "old" / "run.yaml")
    dump(load(cassettes["raw2"]), tmp_path / "new" / "run.yaml")
    items: list[Interaction] = load(cassettes["raw2"]).interactions[:2]
    dump(Cassette(items), tmp_path / "new" / "sub" / "more.json")
    done = _diff(tmp_path / "old", tmp_path / "new", "--json")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["only_new"] == ["sub/more.json"] and document["summary"]["added"] == 2
    assert {e["new"]["file"] for e in document["entries"]} == {"sub/more.json"}
