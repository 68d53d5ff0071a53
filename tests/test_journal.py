"""The durable cassette writer: appendable YAML, JSON rewrites, threads, foreign files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from vstape.cassettes import (
    Cassette,
    Interaction,
    Request,
    Response,
    ResponseBody,
    Status,
    dump,
    load,
)
from vstape.journal import APPENDABLE_HEAD, CassetteWriter


def _item(n: int) -> Interaction:
    return Interaction(
        Request("GET", f"https://api.openai.com/v1/vector_stores/vs_{n}", None, {}),
        Response(
            Status(200, "OK"), {"x-request-id": [f"req_{n}"]}, ResponseBody(f'{{\n  "n": {n}\n}}')
        ),
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_every_append_is_a_loadable_cassette(tmp_path: Path, suffix: str) -> None:
    """After each append the file loads (vstape and, for YAML, stock vcrpy) with all items."""
    path = tmp_path / f"c{suffix}"
    writer = CassetteWriter(path)
    for n in range(5):
        writer.append(_item(n))
        assert [i.request.uri[-4:] for i in load(path).interactions] == [
            f"vs_{k}" for k in range(n + 1)
        ]
    if suffix == ".yaml":
        assert path.read_bytes().startswith(APPENDABLE_HEAD)
        requests, _ = FilesystemPersister.load_cassette(str(path), yamlserializer)
        assert len(requests) == 5
    writer.close()
    assert not Path(f"{path}.lock").exists()


def test_existing_cassette_is_kept_and_extended(tmp_path: Path) -> None:
    """Appending to a cassette written elsewhere keeps its interactions first."""
    path = tmp_path / "c.yaml"
    dump(Cassette([_item(0), _item(1)]), path)
    CassetteWriter(path).append(_item(2))
    assert [i.response.headers["x-request-id"][0] for i in load(path).interactions] == [
        "req_0",
        "req_1",
        "req_2",
    ]


def test_threads_never_lose_or_interleave(tmp_path: Path) -> None:
    """Two writers on one file from 8 threads: every item exactly once."""
    path = tmp_path / "c.yaml"
    writers = [CassetteWriter(path), CassetteWriter(path)]

    def work(t: int) -> None:
        for n in range(25):
            writers[t % 2].append(_item(t * 100 + n))

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = sorted(i.response.headers["x-request-id"][0] for i in load(path).interactions)
    assert ids == sorted(f"req_{t * 100 + n}" for t in range(8) for n in range(25))
