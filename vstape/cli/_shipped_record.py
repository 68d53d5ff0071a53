"""Record the traffic of the shipped cassettes: the SDK through every route and scenario.

Starts ``vstape record`` in front of the emulator (deterministic seeds, one cassette per
route in a scratch folder), drives the official SDK through every route, then through
every shipped catalog scenario of every route, each asked for with the fault header
(:data:`vstape.faults.plan.HEADER`) and so injected by the proxy and labelled by its
recorder. :mod:`vstape.cli.cassettes` picks the shipped cassettes out of the recording.

The recorder writes stable placeholders (one numbering for the scratch folder); its
placeholder journal goes to a folder inside the scratch folder, so nothing is left in
the user's state folder for a recording that is thrown away.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vstape.api.routes import ROUTES, match
from vstape.cli import _proxy_process as proxy_process
from vstape.cli.sdk.calls import NOTE, Ids, call
from vstape.faults.catalog import scenarios_for
from vstape.faults.plan import HEADER

FAULT_TIMEOUT_S = 0.3  # the client's timeout for a stalled connection
STALL_MS = 1000
FRESH_EACH_TIME = ("DELETE",)  # routes whose call consumes its object
MAX_POLLS = 10


def _start_proxy(folder: Path) -> tuple[subprocess.Popen[str], str]:
    state = folder / ".state"
    state.mkdir(mode=0o700)
    return proxy_process.start(
        [
            "--seed",
            "1",
            "--fault-seed",
            "1",
            "--polls",
            "3",
            "--stall-ms",
            str(STALL_MS),
            "--cassette-dir",
            str(folder),
            "--quiet",
        ],
        env={"VSTAPE_STATE_DIR": str(state)},
    )


def _prepare(client: Any) -> Ids:
    """A fresh store with an attached (completed) file, a finished batch and a spare upload."""
    store = client.vector_stores.create(name="faults")
    attached = client.files.create(file=("policy.txt", NOTE), purpose="assistants")
    client.vector_stores.files.create_and_poll(
        file_id=attached.id, vector_store_id=store.id, poll_interval_ms=1
    )
    batched = client.files.create(file=("batch.txt", NOTE), purpose="assistants")
    batch = client.vector_stores.file_batches.create_and_poll(
        store.id, file_ids=[batched.id], poll_interval_ms=1
    )
    spare = client.files.create(file=("spare.txt", NOTE), purpose="assistants")
    return Ids(store.id, attached.id, batch.id, spare.id)


def _poll_labelled(client: Any, route: str, scenario: str, ids: Ids) -> None:
    """Attach something new and poll it to the end, each poll labelled ``scenario``."""
    label = {HEADER: scenario}
    upload = client.files.create(file=("polled.txt", NOTE), purpose="assistants")
    store = ids.vector_store_id
    if route == "get_vector_store_file":
        client.vector_stores.files.create(store, file_id=upload.id)
        retrieve, target = client.vector_stores.files.retrieve, upload.id
    else:
        batch = client.vector_stores.file_batches.create(store, file_ids=[upload.id])
        retrieve, target = client.vector_stores.file_batches.retrieve, batch.id
    for _ in range(MAX_POLLS):
        if retrieve(target, vector_store_id=store, extra_headers=label).status != "in_progress":
            return
    raise RuntimeError(f"{route}: still in progress after {MAX_POLLS} polls")


def _answered_ok(done: set[str]) -> Callable[[Any], None]:
    """An httpx response hook adding to ``done`` the route of each unlabelled 2xx answer."""

    def hook(response: Any) -> None:
        request = response.request
        found = match(request.method, request.url.raw_path.decode())
        if found is not None and response.is_success and HEADER not in request.headers:
            done.add(found.route.name)

    return hook


def drive(url: str) -> None:
    """The SDK through every route: ok calls, then every shipped scenario, labelled by header;
    last, one plain call of each route the demo script did not answer with a success (so a
    route added to the table gets its ``ok`` cassette from :data:`~vstape.cli.sdk.calls.ARGUMENTS`
    alone)."""
    from openai import DefaultHttpxClient, OpenAI, OpenAIError

    from vstape.cli.sdk.script import run_everything

    done: set[str] = set()
    http = DefaultHttpxClient(event_hooks={"response": [_answered_ok(done)]})
    with OpenAI(api_key="sk-shipped", base_url=url, max_retries=0, http_client=http) as client:
        run_everything(client)
        page = client.files.list()
        client.files.delete(page.data[0].id)
        missing = [route for route in ROUTES if route.name not in done]
        for route in ROUTES:
            ids: Ids | None = None
            for scenario in scenarios_for(route, shipped_only=True):
                if ids is None or route.method in FRESH_EACH_TIME:
                    ids = _prepare(client)
                if scenario.not_injectable:  # the upstream's own behaviour: polled, labelled
                    _poll_labelled(client, route.name, scenario.name, ids)
                    continue
                retries = scenario.retries_to_see_it
                user = client.with_options(max_retries=retries) if retries else client
                try:
                    call(
                        user,
                        route.name,
                        ids,
                        extra_headers={HEADER: scenario.name},
                        timeout=FAULT_TIMEOUT_S,
                    )
                except (OpenAIError, ValueError):
                    pass  # the failure we asked for (json errors are ValueErrors)
        for route in missing:
            call(client, route.name, _prepare(client))


def record(folder: Path) -> None:
    """Record everything :func:`drive` sends into ``folder`` (one cassette per route)."""
    proc, url = _start_proxy(folder)
    try:
        drive(url)
    finally:
        log = proxy_process.stop(proc)
    if proc.returncode:
        raise RuntimeError(f"the recording proxy exited {proc.returncode}:\n{log.strip()[-2000:]}")
