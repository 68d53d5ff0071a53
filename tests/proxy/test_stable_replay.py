"""Placeholders round-trip: a normalized cassette replays with the official SDK, offline.

The client gets placeholders from `vstape replay` and sends them back (paths, cursors,
file_ids, files[].file_id); every request matches its recording unchanged.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path
from typing import Any

from openai import OpenAI

from tests.procs import vstape_server
from tests.workload import recorded
from vstape.cassettes.io import dump, load
from vstape.cassettes.model import Cassette
from vstape.cli.sdk.script import run_everything
from vstape.recording.placeholders import is_placeholder
from vstape.recording.stable import normalize_scope
from vstape.recording.timeshift import EPOCH

ID = re.compile(r"\b(?:vs_|file-|vsfb_)[A-Za-z0-9]+\b")


def _ids(value: Any) -> list[str]:
    return ID.findall(repr(value))


def test_the_sdk_replays_every_route_from_placeholders(tmp_path: Path) -> None:
    """create, upload_and_poll, batch, paginated lists, search, delete: all replayed, no miss."""
    raw, live = recorded()  # random ids, wall clock
    path = tmp_path / "run.yaml"
    dump(Cassette(normalize_scope([raw])[0]), path)
    leaked = {i for i in ID.findall(path.read_text()) if not is_placeholder(i)}
    assert leaked == {"vs_missing"}  # the only id the client made up itself
    with vstape_server("replay", str(path), "--listen", "127.0.0.1:0") as (proc, url):
        with OpenAI(api_key="sk-other", base_url=url, max_retries=0) as client:
            out = run_everything(client)
        proc.send_signal(signal.SIGTERM)
        log, _ = proc.communicate(timeout=30)
    assert "0 misses, 0 recorded interactions never replayed" in log, log[-3000:]
    store = out[0]
    assert is_placeholder(store.id) and store.created_at == EPOCH
    assert store.expires_at == store.last_active_at + 30 * 86400
    assert out[3].status == "completed" and is_placeholder(out[3].id)  # upload_and_poll
    batch = out[5]
    assert is_placeholder(batch.id) and batch.file_counts.completed == 3
    asc, desc = out[9], out[10]  # three pages each way, the cursors placeholders
    assert len(asc) == 5 and asc == list(reversed(desc)) and all(map(is_placeholder, asc))
    assert [r.filename for r in out[15].data] == ["refunds.txt"]  # search
    assert out[-1].deleted is True and out[-1].id == store.id
    # what the client saw is what it saw live, ids aside
    assert len(out) == len(live)
    same = [
        i
        for i, (replayed, real) in enumerate(zip(out, live, strict=True))
        if len(_ids(replayed)) == len(_ids(real))
    ]
    assert same == list(range(len(out)))
    assert len(load(path).interactions) == len(raw)
