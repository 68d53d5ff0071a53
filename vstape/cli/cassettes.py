"""Regenerate or check the shipped cassettes (cassettes/<route>/<scenario>.yaml).

Examples:
  vstape cassettes check                  # every route has its ok cassette, every cassette validates
  vstape cassettes regenerate --out my-cassettes    # record them again, from the emulator
  vstape cassettes regenerate             # in a checkout: the repository's cassettes/

regenerate runs vstape record in front of the emulator (deterministic seeds), drives
the official SDK through every route, then through every catalog scenario of every route
(asked for with the x-vstape-fault header, injected by the proxy's fault addon and
recorded by its recorder), and keeps for each route one ok interaction (the last one
for the polled routes: their finished state) and, per scenario, the interactions labelled
with it (all of them for sequences). An installed vstape never writes into its own
package: give --out. regenerate needs mitmproxy and the official SDK:
pip install 'vstape[proxy]' openai

Nothing is lost on the way: regenerate writes into a staging folder next to the target
(.vstape-regenerate-<hash of its path>-*, same filesystem; a fixed-length name whatever
the target's) and only once everything was recorded and
written swaps each route folder in (the old one renamed away, then removed). A failure or
Ctrl-C part-way leaves the old cassettes as they were.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import msgspec

from vstape.api.routes import ROUTES, Route
from vstape.cassettes.io import dump, load
from vstape.cassettes.locks import hashed_name
from vstape.cassettes.model import Cassette, CassetteError, Interaction, InteractionMeta
from vstape.cassettes.shipped import installed, shipped_dir, shipped_path
from vstape.cli import _needs as needs
from vstape.cli import _proxy_process as proxy_process
from vstape.cli.sdk.calls import NOTE, Ids, call
from vstape.faults.catalog import breaks_body, scenarios_for
from vstape.validation.validate import errors, validate_response

HEADER = "x-vstape-fault"  # vstape_mitmproxy.faults.HEADER (the core never imports mitmproxy)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``vstape cassettes``."""
    parser.add_argument("action", choices=("regenerate", "check"))
    parser.add_argument(
        "--out",
        default=None,
        help="folder to write or check (default: the shipped cassettes; regenerate needs it "
        "for an installed vstape)",
    )


FAULT_TIMEOUT_S = 0.3  # the client's timeout for read_timeout / connect_timeout
STALL_MS = 1000
FRESH_EACH_TIME = ("DELETE",)  # routes whose call consumes its object


def _start_proxy(folder: Path) -> tuple[subprocess.Popen[str], str]:
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
        ]
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


def _poll_labelled(client: Any, route: str, ids: Ids) -> None:
    """Attach something new and poll it to the end, each poll labelled poll_sequence."""
    label = {HEADER: "poll_sequence"}
    upload = client.files.create(file=("polled.txt", NOTE), purpose="assistants")
    store = ids.vector_store_id
    if route == "get_vector_store_file":
        client.vector_stores.files.create(store, file_id=upload.id)
        retrieve, target = client.vector_stores.files.retrieve, upload.id
    else:
        batch = client.vector_stores.file_batches.create(store, file_ids=[upload.id])
        retrieve, target = client.vector_stores.file_batches.retrieve, batch.id
    for _ in range(10):
        if retrieve(target, vector_store_id=store, extra_headers=label).status != "in_progress":
            return
    raise RuntimeError(f"{route}: still in progress after 10 polls")


def _drive(url: str) -> None:
    """The SDK through every route: ok calls, then every shipped scenario, labelled by header."""
    from openai import OpenAI, OpenAIError

    from vstape.cli.sdk.script import run_everything

    with (
        OpenAI(api_key="sk-shipped", base_url=url, max_retries=0) as client,
        OpenAI(api_key="sk-shipped", base_url=url, max_retries=2) as retrying,
    ):
        run_everything(client)
        page = client.files.list()
        client.files.delete(page.data[0].id)
        for route in ROUTES:
            ids: Ids | None = None
            for scenario in scenarios_for(route, shipped_only=True):
                if ids is None or route.method in FRESH_EACH_TIME:
                    ids = _prepare(client)
                if scenario.name == "poll_sequence":
                    _poll_labelled(client, route.name, ids)
                    continue
                user = retrying if scenario.name == "retry_then_ok" else client
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


def _record(folder: Path) -> None:
    proc, url = _start_proxy(folder)
    try:
        _drive(url)
    finally:
        log = proxy_process.stop(proc)
    if proc.returncode:
        raise RuntimeError(f"the recording proxy exited {proc.returncode}:\n{log.strip()[-2000:]}")


def _ok_interaction(route: Route, items: list[Interaction]) -> Interaction:
    oks = [i for i in items if 200 <= i.response.status.code < 300 and _meta(i).scenario is None]
    if not oks:
        raise RuntimeError(f"no successful {route.name} exchange was recorded")
    # A list page that says has_more would make a route-matched replay paginate forever.
    complete = [i for i in oks if b'"has_more": true' not in i.response.body.bytes]
    oks = complete or oks
    return oks[-1] if route.polled else oks[0]


def _meta(item: Interaction) -> InteractionMeta:
    return item.vstape if isinstance(item.vstape, InteractionMeta) else InteractionMeta()


def _without_timings(item: Interaction) -> Interaction:
    """The interaction without when and how fast it was recorded: regenerating is byte-stable."""
    meta = msgspec.structs.replace(_meta(item), recorded_at=None, duration_ms=None)
    return msgspec.structs.replace(item, vstape=meta)


def regenerate(out: Path) -> list[Path]:
    """Record every route's ``ok`` and scenario cassettes into ``out``; returns the files."""
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        _record(Path(tmp))
        for route in ROUTES:
            items = load(Path(tmp) / f"{route.name}.yaml").interactions
            chosen = {"ok": [_ok_interaction(route, items)]}
            for scenario in scenarios_for(route, shipped_only=True):
                mine = [i for i in items if _meta(i).scenario == scenario.name]
                if not mine:
                    raise RuntimeError(f"no {route.name} exchange was recorded for {scenario.name}")
                chosen[scenario.name] = mine if scenario.kind == "sequence" else mine[:1]
            for name, interactions in chosen.items():
                target = out / route.name / f"{name}.yaml"
                dump(Cassette([_without_timings(i) for i in interactions]), target)
                written.append(target)
    return written


def _swap_in(staging: Path, folder: Path) -> None:
    """Move each route folder of ``staging`` into ``folder``, the old one renamed away first.

    ``staging`` and ``folder`` share a parent (one filesystem): every move is a rename. The
    old route folders wait in ``staging/.old`` until all new ones are in, then go with it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    old = staging / ".old"
    old.mkdir()
    for route in ROUTES:
        new, target = staging / route.name, folder / route.name
        if not new.is_dir():
            continue
        if target.exists():
            os.replace(target, old / route.name)
        os.replace(new, target)


def regenerate_in_place(folder: Path) -> list[Path]:
    """:func:`regenerate` into a staging folder next to ``folder``, then swap the routes in.

    Returns the files as they are under ``folder``. On any failure (or Ctrl-C) the staging
    folder is removed and ``folder`` is left exactly as it was.
    """
    folder = folder.resolve()
    folder.parent.mkdir(parents=True, exist_ok=True)
    prefix = hashed_name(str(folder), prefix=".vstape-regenerate-", length=12) + "-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=folder.parent))
    try:
        written = regenerate(staging)
        _swap_in(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / path.relative_to(staging) for path in written]


def expected_files(folder: Path) -> list[Path]:
    """Every cassette the catalog says is shipped: ok plus each applicable scenario."""
    return [
        folder / route.name / f"{name}.yaml"
        for route in ROUTES
        for name in ["ok", *(s.name for s in scenarios_for(route, shipped_only=True))]
    ]


def _validated(path: Path, index: int, item: Interaction) -> list[str]:
    if breaks_body(_meta(item).fault):
        return []  # broken on purpose: that is the scenario
    uri = item.request.uri.split("://", 1)[-1]
    found = errors(
        validate_response(
            item.request.method,
            "/" + uri.split("/", 1)[1],
            item.response.status.code,
            {k: v[0] for k, v in item.response.headers.items() if v},
            item.response.body.bytes,
        )
    )
    return [f"{path} #{index}: {v.line()}" for v in found]


def check(folder: Path) -> list[str]:
    """Problems with the shipped cassettes: missing or extra files, wrong labels, invalid responses."""
    problems = []
    expected = expected_files(folder)
    present = set(folder.glob("*/*.yaml"))
    for extra in sorted(present - set(expected)):
        problems.append(f"{extra}: not a catalog scenario of its route (remove it or regenerate)")
    for path in expected:
        if not path.exists():
            problems.append(f"{path}: missing (run `vstape cassettes regenerate`)")
            continue
        try:
            interactions = load(path).interactions
        except CassetteError as err:
            problems.append(str(err))
            continue
        if not interactions:
            problems.append(f"{path}: holds no interactions (run `vstape cassettes regenerate`)")
        for index, item in enumerate(interactions):
            meta = _meta(item)
            label = "ok" if meta.scenario is None else meta.scenario
            if label != path.stem:
                problems.append(
                    f"{path} #{index}: recorded as scenario {label!r}, not {path.stem!r}"
                )
            if meta.route != path.parent.name:
                problems.append(f"{path} #{index}: recorded for route {meta.route!r}")
            problems += _validated(path, index, item)
    return problems


def run(args: argparse.Namespace) -> int:
    """Regenerate or check."""
    folder = Path(args.out) if args.out else shipped_dir()
    if args.action == "regenerate":
        refused = needs.check("vstape cassettes regenerate", ("mitmproxy", "openai"))
        if refused is not None:
            return refused
        if args.out is None and installed():
            print(
                f"vstape cassettes regenerate: the shipped cassettes ({folder}) belong to the "
                "installed package and are not rewritten; give --out FOLDER, e.g. "
                "--out cassettes",
                file=sys.stderr,
            )
            return 2
        try:
            written = regenerate_in_place(folder)
        except KeyboardInterrupt:
            print(f"vstape cassettes: interrupted; {folder} is unchanged", file=sys.stderr)
            raise
        except Exception as err:  # whatever broke the run, the old set must be kept
            print(
                f"vstape cassettes: regenerate failed, {folder} is unchanged: "
                f"{type(err).__name__}: {err}\n"
                "  fix the cause and run `vstape cassettes regenerate` again",
                file=sys.stderr,
            )
            return 1
        print(f"vstape cassettes: wrote {len(written)} cassettes under {folder}")
        return 0
    problems = check(folder)
    for line in problems:
        print(line)
    print(
        f"vstape cassettes: {len(ROUTES)} routes, {len(expected_files(folder))} cassettes checked, "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0


__all__ = ["check", "regenerate", "regenerate_in_place", "shipped_path"]
