"""The official SDK against `vstape emulate` running as a real process, and in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx2
import openai
import pytest
from openai import AsyncOpenAI, OpenAI

from tests.procs import vstape_server
from vstape.cli.sdk.script import run_async, run_everything
from vstape.emulator import Emulator
from vstape.emulator.transport import EmulatorTransport
from vstape.validation.validate import validate_request, validate_response


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    """A `vstape emulate` process on a free port, stopped after the module."""
    with vstape_server("emulate", "--listen", "127.0.0.1:0", "--poll-after-ms", "1") as (_, url):
        yield url


def _client(url: str) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url=url, max_retries=0, _strict_response_validation=True)


def test_every_sync_method_against_the_real_process(emulator_url: str) -> None:
    """Every vector-store, file and batch method works with strict response validation on."""
    out = run_everything(_client(emulator_url))
    vs, updated = out[0], out[1]
    assert updated.name == "handbook-v2" and updated.metadata == {"team": "docs", "v": "2"}
    assert vs.expires_after is not None and vs.expires_at == vs.last_active_at + 30 * 86400
    assert out[3].status == "completed" and out[4].attributes == {"kind": "note", "n": 0}
    batch = out[5]
    assert batch.file_counts.completed == 3 and batch.file_counts.in_progress == 0
    assert len(out[6]) == 3
    asc, desc = out[9], out[10]
    assert asc == list(reversed(desc)) and len(asc) == 5  # 3 pages of 2 in each order
    search = out[15]
    assert search.search_query == ["refunds"]
    assert [r.filename for r in search.data] == ["refunds.txt"]
    assert 0 < search.data[0].score <= 1
    assert out[18].deleted is True and out[19].id  # detached, the File remains
    assert out[20] == (
        "NotFoundError",
        404,
        {
            "message": "No vector store found with id 'vs_missing'.",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        },
    )
    assert out[21][0] == "BadRequestError" and out[21][2]["param"] == "max_num_results"


def test_async_client_against_the_real_process(emulator_url: str) -> None:
    """AsyncOpenAI: create, upload_and_poll (file and batch), pagination, search, delete."""

    async def go() -> list[object]:
        async with AsyncOpenAI(
            api_key="sk-test",
            base_url=emulator_url,
            max_retries=0,
            _strict_response_validation=True,
        ) as client:
            return await run_async(client)

    out = asyncio.run(go())
    assert out[2].completed == 2
    assert len(out[3]) == 3


def test_errors_the_sdk_raises(emulator_url: str) -> None:
    """No key -> AuthenticationError; unknown ids -> NotFoundError; bad body -> BadRequestError with param."""
    with pytest.raises(openai.AuthenticationError):
        OpenAI(
            api_key="sk-x",
            base_url=emulator_url,
            max_retries=0,
            default_headers={"Authorization": "Basic eA=="},
        ).vector_stores.list()
    client = _client(emulator_url)
    with pytest.raises(openai.NotFoundError, match="No file found with id 'file-nope'"):
        client.vector_stores.files.create(
            vector_store_id=client.vector_stores.create().id, file_id="file-nope"
        )
    with pytest.raises(openai.BadRequestError) as caught:
        client.vector_stores.create(expires_after={"anchor": "last_active_at", "days": 999})
    assert caught.value.param == "expires_after.days"
    with pytest.raises(openai.BadRequestError) as caught:
        client.vector_stores.list(limit=500)
    assert caught.value.param == "limit"


class ValidatingTransport(httpx2.BaseTransport):
    """Answers from an in-process emulator and validates every exchange."""

    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)
        self.problems: list[str] = []
        self.count = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        path = request.url.raw_path.decode()
        self.problems += [
            v.line() for v in validate_request(request.method, path, dict(request.headers), body)
        ]
        response = self.inner.handle_request(request)
        self.problems += [
            v.line()
            for v in validate_response(
                request.method, path, response.status_code, dict(response.headers), response.read()
            )
        ]
        self.count += 1
        return response


def _transport_client(transport: httpx2.BaseTransport) -> OpenAI:
    return OpenAI(
        api_key="sk-test",
        base_url="http://emulator/v1",
        max_retries=0,
        _strict_response_validation=True,
        http_client=httpx2.Client(transport=transport),
    )


def test_all_traffic_of_the_script_validates() -> None:
    """Every request the SDK sends and every response the emulator gives has zero violations."""
    transport = ValidatingTransport(Emulator())
    run_everything(_transport_client(transport))
    assert transport.count > 35
    # The two deliberate client errors are the only problems, and they are request-side.
    assert [p.split(":")[0] for p in transport.problems] == ["request $.max_num_results"]


class Recording(httpx2.BaseTransport):
    """Answers from an in-process emulator and keeps every response body."""

    def __init__(self, emulator: Emulator) -> None:
        self.inner = EmulatorTransport(emulator)
        self.bodies: list[bytes] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        self.bodies.append(response.read())
        return response


def test_deterministic_mode_gives_identical_bytes() -> None:
    """Same seed, same script -> byte-identical response bodies."""
    runs = []
    for _ in range(2):
        recording = Recording(Emulator(seed=42))
        run_everything(_transport_client(recording))
        runs.append(recording.bodies)
    assert runs[0] == runs[1]
    assert len(runs[0]) > 35


def test_sdk_uploads_with_expires_after_against_the_real_process(emulator_url: str) -> None:
    """client.files.create(..., expires_after=...) sets expires_at; bad values are a 400 + param."""
    client = _client(emulator_url)
    timed = client.files.create(
        file=("notes.txt", b"hello"),
        purpose="assistants",
        expires_after={"anchor": "created_at", "seconds": 7200},
    )
    assert timed.expires_at == timed.created_at + 7200
    batch = client.files.create(file=("in.jsonl", b"{}\n"), purpose="batch")
    assert batch.expires_at == batch.created_at + 2_592_000
    assert client.files.retrieve(timed.id).expires_at == timed.expires_at
    bad: list[tuple[dict[str, object], str]] = [
        ({"purpose": "AAA"}, "purpose"),
        (
            {"purpose": "batch", "expires_after": {"anchor": "created_at", "seconds": 60}},
            "expires_after.seconds",
        ),
        (
            {"purpose": "batch", "expires_after": {"anchor": "AAA", "seconds": 3600}},
            "expires_after.anchor",
        ),
        ({"purpose": "batch", "expires_after": {"seconds": 3600}}, "expires_after.anchor"),
    ]
    for arguments, param in bad:
        with pytest.raises(openai.BadRequestError) as caught:
            client.files.create(file=("x.txt", b"x"), **arguments)
        assert caught.value.param == param, arguments


def test_curl_style_multipart_against_the_real_process(emulator_url: str) -> None:
    """The bytes `curl -F purpose=batch -F 'expires_after[anchor]=...' -F file=@f` sends."""
    import http.client
    import json
    from urllib.parse import urlsplit

    boundary = "------------------------9a1f0c3b7e2d5a48"

    def post(fields: list[tuple[str, str]]) -> tuple[int, dict[str, object]]:
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in fields
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.jsonl"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n{}\r\n"
        )
        body = ("".join(parts) + f"--{boundary}--\r\n").encode()
        where = urlsplit(emulator_url)
        connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=30)
        try:
            connection.request(
                "POST",
                "/v1/files",
                body,
                {
                    "Authorization": "Bearer sk-test",
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "User-Agent": "curl/8.5.0",
                },
            )
            answer = connection.getresponse()
            return answer.status, json.loads(answer.read())
        finally:
            connection.close()

    status, created = post(
        [
            ("purpose", "user_data"),
            ("expires_after[anchor]", "created_at"),
            ("expires_after[seconds]", "3600"),
        ]
    )
    assert status == 200 and created["expires_at"] == created["created_at"] + 3600
    status, error = post([("purpose", "user_data"), ("expires_after[seconds]", "100")])
    assert status == 400 and error["error"]["param"] == "expires_after.anchor"
    status, error = post([("purpose", "AAA")])
    assert status == 400 and error["error"]["param"] == "purpose"
