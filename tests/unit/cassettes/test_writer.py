"""The durable cassette writer: appendable YAML, JSON rewrites, threads, foreign files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from vcr.persisters.filesystem import FilesystemPersister
from vcr.serializers import yamlserializer

from vstape.cassettes.io import dump, load
from vstape.cassettes.model import Cassette, Interaction, Request, Response, ResponseBody, Status
from vstape.cassettes.writer import APPENDABLE_HEAD, CassetteWriter, GroupCommitter


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


def test_group_committer_writes_every_item_once_then_reports_durable(tmp_path: Path) -> None:
    """Items submitted from 8 threads are all written once, each caller told after its write."""
    path = tmp_path / "c.yaml"
    committer = GroupCommitter(CassetteWriter(path))
    told: list[tuple[str, bool]] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        for n in range(20):
            item = _item(t * 100 + n)

            def done(error: BaseException | None, rid: str = f"req_{t * 100 + n}") -> None:
                on_disk = rid in path.read_text()  # durable before the caller hears of it
                with lock:
                    told.append((rid, error is None and on_disk))

            committer.submit(item, done)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    committer.close()
    ids = [i.response.headers["x-request-id"][0] for i in load(path).interactions]
    assert sorted(ids) == sorted(f"req_{t * 100 + n}" for t in range(8) for n in range(20))
    assert len(told) == 160 and all(ok for _, ok in told)
    with pytest.raises(RuntimeError, match="closed"):
        committer.submit(_item(0), lambda error: None)


def test_failed_write_is_reported_to_every_caller(tmp_path: Path) -> None:
    """A cassette that cannot be written reports the error to each waiting caller."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    committer = GroupCommitter(CassetteWriter(blocker / "c.yaml"))
    errors: list[BaseException | None] = []
    done = threading.Event()

    def record(error: BaseException | None) -> None:
        errors.append(error)
        done.set()

    committer.submit(_item(1), record)
    assert done.wait(10)
    committer.close()
    assert isinstance(errors[0], OSError)
