"""One test, one cassette, two kinds of traffic: vstape's for the OpenAI call, stock for the rest.

The test talks to a local HTTP server on 127.0.0.1 and makes one ``vector_stores.create``
call with the official SDK (recorded against the emulator, ``OPENAI_BASE_URL`` pointing at
it). In the cassette vstape writes, the OpenAI interaction is redacted, normalized and
labelled; the local ones are exactly what stock pytest-recording writes. On replay the
OpenAI interaction is matched and validated by vstape, the local ones as stock vcrpy
matches them. ``--vstape=off`` and ``@pytest.mark.vstape(off=True)`` give stock bytes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from vcr.serializers import yamlserializer

from tests.plugin.local_server import files_in, local_server, run, write_module
from vstape.cassettes.locks import hashed_name, lock_folder
from vstape.emulator import Emulator
from vstape.emulator.http_server import EmulatorServer

pytest_plugins = ["pytester"]

SECRET = "sk-live-SECRETKEY123456"
MIXED = f"""
import httpx
from openai import OpenAI

LOCAL = os.environ["LOCAL_URL"]
pytestmark = [pytest.mark.vstape(off=True)] if os.environ.get("VSTAPE_OFF") else []


def call_both():
    with httpx.Client() as http:
        assert http.get(f"{{LOCAL}}/get?x=1").json() == {{"path": "/get?x=1"}}
        client = OpenAI(api_key={SECRET!r}, max_retries=0)  # base URL: OPENAI_BASE_URL
        name = os.environ.get("STORE_NAME", "mixed")
        assert client.vector_stores.create(name=name, metadata={{"team": "search"}}).name == name
        body = os.environ.get("LOCAL_BODY", "one").encode()
        assert http.post(f"{{LOCAL}}/post", content=body).json()["received"] == 3


@pytest.mark.vcr
def test_mixed():
    call_both()


@pytest.mark.parametrize("name", ["m" * 250])
@pytest.mark.vcr
def test_long(name):
    call_both()
"""


@pytest.fixture
def servers(pytester: pytest.Pytester) -> Iterator[Emulator]:
    """The local server and a deterministic emulator (reset before each recording)."""
    emulator = Emulator(seed=7, poll_after_ms=1)
    server = EmulatorServer(emulator)
    try:
        with local_server() as url:
            pytester._monkeypatch.setenv("LOCAL_URL", url)
            pytester._monkeypatch.setenv("OPENAI_BASE_URL", server.url)
            write_module(pytester, "test_mixed", MIXED)
            yield emulator
    finally:
        server.stop()


def _record(
    pytester: pytest.Pytester, emulator: Emulator, folder: Path, *args: str, stock: bool = False
) -> dict[str, object]:
    emulator.reset()
    run(
        pytester, folder, "--record-mode=once", "test_mixed.py::test_mixed", *args, stock=stock
    ).assert_outcomes(passed=1)
    document: dict[str, object] = yaml.safe_load((folder / "test_mixed.yaml").read_text())
    return document


def _offline(pytester: pytest.Pytester) -> None:
    pytester._monkeypatch.delenv("OPENAI_BASE_URL")  # the SDK's default: https://api.openai.com


def test_openai_interaction_is_vstapes_the_others_stay_stock(
    pytester: pytest.Pytester, tmp_path: Path, servers: Emulator
) -> None:
    """Redacted, normalized and labelled for the OpenAI call; stock bytes for the local ones."""
    mine = _record(pytester, servers, tmp_path / "vstape")
    stock = _record(pytester, servers, tmp_path / "stock", stock=True)
    text = (tmp_path / "vstape" / "test_mixed.yaml").read_text()
    items, stock_items = mine["interactions"], stock["interactions"]
    assert isinstance(items, list) and isinstance(stock_items, list)

    # The local interactions: the same as stock pytest-recording's, down to their bytes.
    for position in (0, 2):
        assert items[position] == stock_items[position]
        assert yamlserializer.serialize([stock_items[position]]) in text
    assert "vstape" not in items[0] and "vstape" not in items[2]

    # The OpenAI one: vstape's (stock keeps the emulator's host and the live key).
    openai = items[1]
    assert openai["request"]["uri"] == "https://api.openai.com/v1/vector_stores"
    assert SECRET not in text and SECRET in (tmp_path / "stock" / "test_mixed.yaml").read_text()
    headers = {k.lower(): v for k, v in openai["request"]["headers"].items()}
    assert headers["authorization"] == ["REDACTED"]
    assert not [h for h in headers if h.startswith("x-stainless-")]
    assert openai["vstape"]["route"] == "create_vector_store"
    assert openai["vstape"]["verdict"] == "ok"
    assert stock_items[1]["request"]["uri"].startswith("http://127.0.0.1:")
    assert "vstape" not in stock_items[1]

    # Nothing beside the cassette, and no lock file left in vstape's lock folder either.
    assert files_in(tmp_path / "vstape") == ["test_mixed.yaml"]
    lock_name = hashed_name(
        os.path.realpath(tmp_path / "vstape" / "test_mixed.yaml"), prefix="", length=32
    )
    folder = lock_folder()
    assert folder is not None and not (folder / f"{lock_name}.lock").exists()


def test_replay_matches_the_openai_call_by_vstape_and_the_rest_as_stock(
    pytester: pytest.Pytester, tmp_path: Path, servers: Emulator
) -> None:
    """Offline: the local POST body is not matched (stock default), the OpenAI body is (vstape)."""
    folder = tmp_path / "cassettes"
    _record(pytester, servers, folder)
    recorded = (folder / "test_mixed.yaml").read_bytes()
    _offline(pytester)
    pytester._monkeypatch.setenv("LOCAL_BODY", "two")  # another body: still replays (stock)
    run(
        pytester, folder, "--record-mode=none", "--block-network", "test_mixed.py::test_mixed"
    ).assert_outcomes(passed=1)
    pytester._monkeypatch.setenv("STORE_NAME", "other")  # another name: vstape's miss, with a diff
    missed = run(
        pytester, folder, "--record-mode=none", "--block-network", "test_mixed.py::test_mixed"
    )
    missed.assert_outcomes(failed=1)
    missed.stdout.fnmatch_lines(
        [
            "*VstapeReplayMiss: vstape: no recorded response for POST /v1/vector_stores*",
            "*body$.name*",
        ]
    )
    assert (folder / "test_mixed.yaml").read_bytes() == recorded


def test_replayed_openai_response_is_validated(
    pytester: pytest.Pytester, tmp_path: Path, servers: Emulator
) -> None:
    """A schema-breaking OpenAI response in a mixed cassette fails the test, naming the route."""
    folder = tmp_path / "cassettes"
    _record(pytester, servers, folder)
    cassette = folder / "test_mixed.yaml"
    broken = re.sub(r'"object": "vector_store"', '"object": 42', cassette.read_text(), count=1)
    assert broken != cassette.read_text()
    cassette.write_text(broken)
    _offline(pytester)
    result = run(
        pytester, folder, "--record-mode=none", "--block-network", "test_mixed.py::test_mixed"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*(create_vector_store, 200) does not match the schema*"])


@pytest.mark.parametrize("how", ["--vstape=off", "marker"])
def test_opt_out_records_stock_bytes(
    pytester: pytest.Pytester, tmp_path: Path, servers: Emulator, how: str
) -> None:
    """Off for a run (--vstape=off) or a test (@pytest.mark.vstape(off=True)): stock pytest-recording."""
    if how == "marker":
        pytester._monkeypatch.setenv("VSTAPE_OFF", "1")
        _record(pytester, servers, tmp_path / "off")
    else:
        _record(pytester, servers, tmp_path / "off", how)
    _record(pytester, servers, tmp_path / "stock", stock=True)

    def without_date(path: Path) -> str:  # the emulator's HTTP server stamps the wall clock
        return re.sub(r"(?m)^(\s+[Dd]ate:\n\s+- ).*$", r"\1<date>", path.read_text())

    off = without_date(tmp_path / "off" / "test_mixed.yaml")
    assert off == without_date(tmp_path / "stock" / "test_mixed.yaml")
    assert SECRET in off  # stock writes what it was sent: the opt-out really is stock


def test_long_parametrized_id_with_openai_traffic(
    pytester: pytest.Pytester, tmp_path: Path, servers: Emulator
) -> None:
    """A 250-character id: vstape's writer records it (no name too long), and it replays."""
    folder = tmp_path / "cassettes"
    servers.reset()
    run(pytester, folder, "--record-mode=once", "test_mixed.py::test_long").assert_outcomes(
        passed=1
    )
    (name,) = files_in(folder)
    assert len(name) <= 255 and "vector_stores" in (folder / name).read_text()
    _offline(pytester)
    run(
        pytester, folder, "--record-mode=none", "--block-network", "test_mixed.py::test_long"
    ).assert_outcomes(passed=1)
