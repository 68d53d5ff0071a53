"""An import writes every cassette or none, appends as the recorder does, and shares locks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from tests import factories
from tests.procs import ROOT
from vstape.cassettes.io import dump, load
from vstape.cassettes.model import (
    Cassette,
    CassetteError,
    Interaction,
    Request,
    Response,
    ResponseBody,
    Status,
)
from vstape.cassettes.writer import APPENDABLE_HEAD, CassetteWriter
from vstape.interop.commit import write_all
from vstape.recording.stable_scope import ScopeNormalizer


def _item(n: int) -> Interaction:
    return Interaction(
        Request("GET", f"https://api.openai.com/v1/vector_stores/vs_{n}", None, {}),
        Response(Status(200, "OK"), {"x-request-id": [f"req_{n}"]}, ResponseBody('{"n": 1}')),
    )


def _store(ident: str) -> Interaction:
    """A create answered with a new store (the server issues ``ident``)."""
    body = json.dumps(factories.vector_store(id=ident))
    return Interaction(
        Request("POST", "https://api.openai.com/v1/vector_stores", '{"name": "docs"}', {}),
        Response(Status(200, "OK"), {"content-type": ["application/json"]}, ResponseBody(body)),
    )


def _ids(path: Path) -> list[str]:
    return [i.request.uri.rsplit("_", 1)[1] for i in load(path).interactions]


def test_new_cassettes_in_new_folders_in_the_recorders_layout(tmp_path: Path) -> None:
    """YAML in the appendable layout (stock vcrpy reads it), JSON as a document."""
    yaml_path, json_path = tmp_path / "a" / "b" / "one.yaml", tmp_path / "c" / "two.json"
    written = write_all({yaml_path: [_item(0), _item(1)], json_path: [_item(2)]})
    assert [(w.path, w.added, w.kept) for w in written] == [(yaml_path, 2, 0), (json_path, 1, 0)]
    assert yaml_path.read_bytes().startswith(APPENDABLE_HEAD)
    assert len(FilesystemPersister.load_cassette(str(yaml_path), yamlserializer)[0]) == 2
    assert _ids(yaml_path) == ["0", "1"] and _ids(json_path) == ["2"]
    assert sorted(p.name for p in yaml_path.parent.iterdir()) == ["one.yaml"]  # no temp left
    assert oct(yaml_path.stat().st_mode & 0o777) == "0o644"


def test_appends_keep_what_is_there(tmp_path: Path) -> None:
    """An appendable cassette keeps its bytes; a vcrpy-written one and a JSON one are extended."""
    recorded = tmp_path / "recorded.yaml"
    CassetteWriter(recorded).append(_item(0))
    before = recorded.read_bytes()
    foreign, as_json = tmp_path / "vcrpy.yaml", tmp_path / "big.json"
    dump(Cassette([_item(1)]), foreign)
    dump(Cassette([_item(2)]), as_json)
    written = write_all({recorded: [_item(3)], foreign: [_item(4)], as_json: [_item(5)]})
    assert [w.kept for w in written] == [1, 1, 1]
    assert recorded.read_bytes().startswith(before)
    assert (
        _ids(recorded) == ["0", "3"] and _ids(foreign) == ["1", "4"] and _ids(as_json) == ["2", "5"]
    )


def test_an_unloadable_cassette_among_the_targets_changes_nothing(tmp_path: Path) -> None:
    """The second target is damaged: the first is not written either."""
    first, second = tmp_path / "new" / "a.yaml", tmp_path / "b.yaml"
    second.write_text("interactions: [\n")
    with pytest.raises(CassetteError, match=r"b\.yaml"):
        write_all({first: [_item(0)], second: [_item(1)]})
    assert not (tmp_path / "new").exists()
    assert second.read_text() == "interactions: [\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.yaml"]


def test_a_write_that_fails_half_way_leaves_every_cassette_as_it_was(tmp_path: Path) -> None:
    """The file-size limit makes the second file's write fail (EFBIG): nothing changes."""
    small = tmp_path / "out" / "a_small.yaml"
    existing = tmp_path / "out" / "b_big.yaml"
    existing.parent.mkdir()
    dump(Cassette([_item(0)]), existing)
    before = existing.read_bytes()
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from pathlib import Path
        from tests.unit.interop.test_commit import _item
        from vstape.interop.commit import ImportWriteError, write_all
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            write_all({{Path({str(small)!r}): [_item(1)],
                        Path({str(existing)!r}): [_item(n) for n in range(200)]}})
        except ImportWriteError as err:
            print(err)
            sys.exit(3)
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert (
        "b_big.yaml: File too large: nothing was written, every cassette is as it was"
        in done.stdout
    )
    assert existing.read_bytes() == before
    assert sorted(p.name for p in existing.parent.iterdir()) == ["b_big.yaml"]


def test_a_scope_numbers_new_ids_after_what_the_cassette_holds(tmp_path: Path) -> None:
    """With the recorder's scope, an import continues the cassette's placeholders."""
    path = tmp_path / "c.yaml"
    scope = ScopeNormalizer(path, journal_folder=None)
    try:
        write_all({path: [_store("vs_realFirst00000000000001")]}, scope)
        [written] = write_all({path: [_store("vs_realSecond0000000000001")]}, scope)
    finally:
        scope.close()
    text = path.read_text()
    assert written.added == 1 and written.kept == 1
    assert "vs_real" not in text
    numbers = re.findall(r"vs_vstape0*(\d+)", text)
    assert numbers == ["1", "2"], numbers


def test_a_recorder_appending_at_the_same_time_loses_nothing(tmp_path: Path) -> None:
    """The cassette lock is held from the import's read to its rename."""
    path = tmp_path / "shared.yaml"
    writer = CassetteWriter(path)
    writer.append(_item(0))

    def record() -> None:
        for n in range(1, 41):
            writer.append(_item(n))

    thread = threading.Thread(target=record)
    thread.start()
    for n in range(100, 120):
        write_all({path: [_item(n)]})
    thread.join()
    ids = _ids(path)
    assert sorted(ids, key=int) == [str(n) for n in [*range(41), *range(100, 120)]]
