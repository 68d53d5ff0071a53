"""`vstape drift live`: no drift against the emulator, each change of a changing upstream found.

The cassette is the official SDK's workload recorded against the emulator (random ids);
the upstream is `vstape emulate` itself, or the emulator wrapped so that it changes some
answers (tests/cli/drift_upstream.py). Every run binds to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.drift_upstream import (
    ChangingEmulator,
    record_cassette,
    serving,
    with_body,
    with_status,
)
from tests.procs import ROOT, VSTAPE, vstape_server
from vstape.cassettes.io import load

KEY = "sk-drift-test-key-0123456789"


def _drift(*args: str, key: str = KEY) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    if key:
        env["OPENAI_API_KEY"] = key
    return subprocess.run(
        [*VSTAPE, "drift", *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env
    )


@pytest.fixture(scope="module")
def cassette(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("drift") / "workload.yaml"
    return path, record_cassette(path)


def test_against_vstape_emulate_there_is_no_drift_and_everything_is_deleted(
    cassette: tuple[Path, list[str]],
) -> None:
    path, _ = cassette
    with vstape_server("emulate", "--listen", "127.0.0.1:0") as (_, url):
        done = _drift("live", str(path), "--upstream", url, "--yes", "--json")
        assert done.returncode == 0, done.stdout + done.stderr
        report = json.loads(done.stdout)
        assert report["summary"] == {"drift": 0, "known": 0, "unusable": 0}
        assert report["items"] == []
        sent = next(n for n in report["notes"] if n.startswith("live:"))
        assert sent.startswith(f"live: {len(load(path).interactions)} requests sent to {url}")
        cleanup = [n for n in report["notes"] if n.startswith("cleanup:")]
        assert cleanup and all("cleanup: deleted File file-" in n for n in cleanup)
        headers = {"authorization": f"Bearer {KEY}"}
        for listing in ("vector_stores", "files"):
            answer = httpx.get(f"{url}/{listing}", headers=headers, timeout=10)
            assert answer.status_code == 200
            assert answer.json()["data"] == [], f"{listing} left behind"
    assert KEY not in done.stdout + done.stderr


def test_the_dry_run_sends_nothing(cassette: tuple[Path, list[str]]) -> None:
    path, _ = cassette
    upstream = ChangingEmulator()
    with serving(upstream) as url:
        done = _drift("live", str(path), "--upstream", url)
    assert done.returncode == 0, done.stderr
    assert upstream.requests == []
    assert "dry run, nothing sent" in done.stdout
    lines = done.stdout.splitlines()
    create = next(line for line in lines if line.rstrip().endswith(" create_vector_store"))
    assert create.lstrip().startswith("*")
    search = next(line for line in lines if line.rstrip().endswith(" search_vector_store"))
    assert not search.lstrip().startswith("*"), "a search changes nothing"


CHANGES = {
    "get_vector_store": with_body(lambda b: b.__setitem__("color", "blue")),
    "modify_vector_store": with_body(lambda b: b.pop("usage_bytes")),
    "create_vector_store_file": with_body(lambda b: b.__setitem__("usage_bytes", "12")),
    "get_vector_store_file_batch": with_body(lambda b: b.__setitem__("status", "archived")),
    "delete_vector_store_file": with_status(202),
}
EXPECTED = {
    ("field_added", "get_vector_store", "response $.color"),
    ("field_missing", "modify_vector_store", "response $.usage_bytes"),
    ("type_changed", "create_vector_store_file", "response $.usage_bytes"),
    ("enum_added", "get_vector_store_file_batch", "response $.status"),
    ("status_changed", "delete_vector_store_file", "status"),
}


def _items(done: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    report = json.loads(done.stdout)
    return [i for i in report["items"] if i["drift"]]


def test_each_change_of_the_upstream_is_reported_at_its_route_and_path(
    cassette: tuple[Path, list[str]],
) -> None:
    path, recorded_ids = cassette
    upstream = ChangingEmulator(CHANGES)
    with serving(upstream) as url:
        done = _drift("live", str(path), "--upstream", url, "--yes", "--json")
    assert done.returncode == 1, done.stderr
    items = _items(done)
    found = {(i["kind"], i["route"], i["path"]) for i in items}
    assert found >= EXPECTED
    assert {i["route"] for i in items} == {route for _, route, _ in EXPECTED}, "no false drift"
    assert all(i["file"] == str(path) and i["line"] > 1 for i in items)
    enum = next(i for i in items if i["kind"] == "enum_added")
    assert enum["theirs"] == "archived"
    # Ids were remapped: no id the recording was handed out reached the upstream.
    sent = " ".join(f"{r.url} {r.body.decode('utf-8', 'replace')}" for r in upstream.requests)
    assert recorded_ids and not [i for i in recorded_ids if i in sent]
    # --yes deleted what the cassette created and left behind.
    assert (len(upstream.state.stores), len(upstream.state.files)) == (0, 0)


@pytest.mark.parametrize("fmt", ["--markdown", "--sarif", ""])
def test_the_other_formats_say_the_same(cassette: tuple[Path, list[str]], fmt: str) -> None:
    path, _ = cassette
    upstream = ChangingEmulator(CHANGES)
    with serving(upstream) as url:
        done = _drift("live", str(path), "--upstream", url, "--yes", *([fmt] if fmt else []))
    assert done.returncode == 1, done.stderr
    for _, route, where in EXPECTED:
        assert route in done.stdout and where.removeprefix("response ") in done.stdout


def test_an_upstream_that_does_not_answer_is_unusable(cassette: tuple[Path, list[str]]) -> None:
    path, _ = cassette
    with serving(ChangingEmulator()) as url:
        pass  # stopped: nothing listens there any more
    done = _drift("live", str(path), "--upstream", url, "--yes")
    assert done.returncode == 2
    assert "no answer from 127.0.0.1" in done.stderr


def test_a_refused_key_is_unusable_not_drift(cassette: tuple[Path, list[str]]) -> None:
    path, _ = cassette
    upstream = ChangingEmulator()
    with serving(upstream) as url:
        done = _drift("live", str(path), "--upstream", url, "--yes", key="")
    assert done.returncode == 2
    assert "refused the request (401)" in done.stderr
    assert len(upstream.requests) == 1, "the cassette stops at the first refusal"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--upstream", "ftp://example.com"], "not an http(s) URL"),
        (["--upstream", "http://127.0.0.1:9", "--timeout", "0"], "--timeout 0"),
    ],
)
def test_bad_options_are_named(
    cassette: tuple[Path, list[str]], args: list[str], message: str
) -> None:
    done = _drift("live", str(cassette[0]), *args, "--yes")
    assert done.returncode == 2 and message in done.stderr


def test_a_cassette_that_does_not_load_is_named_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("interactions:\n- request: {method: GET\n")
    done = _drift("live", str(broken), "--upstream", "http://127.0.0.1:9")
    assert done.returncode == 2
    assert f"{broken}:3" in done.stderr


def test_the_dry_run_warns_of_ids_no_cassette_created() -> None:
    """A shipped per-route cassette reads a store created elsewhere: a 404 upstream, said up front."""
    done = _drift(
        "live", str(ROOT / "cassettes" / "get_vector_store"), "--upstream", "http://127.0.0.1:9"
    )
    assert done.returncode == 0, done.stderr
    assert "requests name ids their cassette never created" in done.stdout
    assert "interactions not sent: other APIs, or faults vstape injected" in done.stdout


def test_a_cassette_with_stable_placeholders_is_remapped_too(
    cassette: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """`vstape cassettes normalize` first: placeholder ids are replaced by live ones as well."""
    path = tmp_path / "stable.yaml"
    path.write_bytes(cassette[0].read_bytes())
    normalized = subprocess.run(
        [*VSTAPE, "cassettes", "normalize", str(path)], capture_output=True, text=True, timeout=60
    )
    assert normalized.returncode == 0, normalized.stderr
    assert "vs_vstape" in path.read_text()
    upstream = ChangingEmulator()
    with serving(upstream) as url:
        done = _drift("live", str(path), "--upstream", url, "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "vstape drift: drift: 0;" in done.stdout
    sent = " ".join(f"{r.url} {r.body.decode('utf-8', 'replace')}" for r in upstream.requests)
    assert "vstape0" not in sent, "a placeholder reached the upstream"
    assert (len(upstream.state.stores), len(upstream.state.files)) == (0, 0)
