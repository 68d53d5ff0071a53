"""The demo client: the official SDK driving every method of client.vector_stores.

Used by the emulator, recording and replay tests: each runs the same script against a
different upstream and compares what it got.
"""

from __future__ import annotations

import io
from typing import Any

import openai
from openai import AsyncOpenAI, OpenAI

POLL_MS = 1


def run_everything(client: OpenAI) -> list[Any]:
    """Every route, the polling helpers, pagination, search, content, deletes; returns results."""
    out: list[Any] = []
    vs = client.vector_stores.create(
        name="handbook",
        metadata={"team": "docs"},
        expires_after={"anchor": "last_active_at", "days": 30},
    )
    out.append(vs)
    out.append(
        client.vector_stores.update(vs.id, name="handbook-v2", metadata={"team": "docs", "v": "2"})
    )
    out.append(client.vector_stores.retrieve(vs.id))
    uploaded = client.vector_stores.files.upload_and_poll(
        vector_store_id=vs.id,
        file=(
            "refunds.txt",
            io.BytesIO(b"Refunds are issued within 14 days.\n\nContact support for refunds."),
        ),
        poll_interval_ms=POLL_MS,
    )
    out.append(uploaded)
    extra = [
        client.files.create(
            file=(f"note{i}.txt", io.BytesIO(f"note {i} about shipping".encode())),
            purpose="assistants",
        )
        for i in range(4)
    ]
    out.append(
        client.vector_stores.files.create_and_poll(
            file_id=extra[0].id,
            vector_store_id=vs.id,
            attributes={"kind": "note", "n": 0},
            poll_interval_ms=POLL_MS,
        )
    )
    batch = client.vector_stores.file_batches.create_and_poll(
        vector_store_id=vs.id,
        files=[
            {"file_id": f.id, "attributes": {"kind": "note", "n": i + 1}}
            for i, f in enumerate(extra[1:])
        ],
        poll_interval_ms=POLL_MS,
    )
    out.append(batch)
    out.append(
        [
            f.id
            for f in client.vector_stores.file_batches.list_files(batch.id, vector_store_id=vs.id)
        ]
    )
    out.append(client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=vs.id))
    out.append(client.vector_stores.file_batches.cancel(batch.id, vector_store_id=vs.id))
    out.append([f.id for f in client.vector_stores.files.list(vs.id, limit=2, order="asc")])
    out.append([f.id for f in client.vector_stores.files.list(vs.id, limit=2, order="desc")])
    out.append([f.id for f in client.vector_stores.files.list(vs.id, filter="completed")])
    out.append(client.vector_stores.files.retrieve(uploaded.id, vector_store_id=vs.id))
    out.append(
        client.vector_stores.files.update(
            uploaded.id, vector_store_id=vs.id, attributes={"kind": "policy"}
        )
    )
    out.append(list(client.vector_stores.files.content(uploaded.id, vector_store_id=vs.id)))
    out.append(
        client.vector_stores.search(
            vs.id,
            query="refunds",
            max_num_results=5,
            filters={
                "type": "or",
                "filters": [
                    {"type": "eq", "key": "kind", "value": "policy"},
                    {"type": "and", "filters": [{"type": "gte", "key": "n", "value": 2}]},
                ],
            },
            ranking_options={"score_threshold": 0.1},
            rewrite_query=True,
        )
    )
    out.append(client.vector_stores.search(vs.id, query=["shipping", "note"]))
    out.append([v.id for v in client.vector_stores.list(limit=1)])
    out.append(client.vector_stores.files.delete(extra[0].id, vector_store_id=vs.id))
    out.append(client.files.retrieve(extra[0].id))
    for call in (
        lambda: client.vector_stores.retrieve("vs_missing"),
        lambda: client.vector_stores.search(vs.id, query="x", max_num_results=99),
    ):
        try:
            call()
        except openai.APIStatusError as err:
            out.append((type(err).__name__, err.status_code, err.body))
    out.append(client.vector_stores.delete(vs.id))
    return out


async def run_async(client: AsyncOpenAI) -> list[Any]:
    """A representative async subset: create, upload_and_poll, list pages, search, delete."""
    out: list[Any] = []
    vs = await client.vector_stores.create(name="async")
    out.append(vs)
    out.append(
        await client.vector_stores.files.upload_and_poll(
            vector_store_id=vs.id,
            file=("a.txt", io.BytesIO(b"async text about llamas")),
            poll_interval_ms=POLL_MS,
        )
    )
    batch = await client.vector_stores.file_batches.upload_and_poll(
        vs.id,
        files=[("b.txt", io.BytesIO(b"more llamas")), ("c.txt", io.BytesIO(b"alpacas"))],
        poll_interval_ms=POLL_MS,
    )
    out.append(batch.file_counts)
    out.append(sorted([f.id async for f in client.vector_stores.files.list(vs.id, limit=1)]))
    out.append(await client.vector_stores.search(vs.id, query="llamas"))
    out.append(await client.vector_stores.delete(vs.id))
    return out
