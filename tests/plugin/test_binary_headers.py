"""A response header that was not UTF-8 on the wire replays through the plugin byte for byte.

The recorder stores such a value losslessly (``!!binary`` in YAML, base64 in JSON); the
plugin must hand the client's HTTP stack the original bytes, not the surrogate-escaped
text (httpx refuses to encode that).
"""

from __future__ import annotations

import pytest

from vstape.cassettes.io import dump, load
from vstape.cassettes.model import Cassette
from vstape.http import Request, Response
from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction

RAW = b"\xff\xfe caf\xc3\xa9 \x80"


def _cassette(tmp: pytest.Pytester, fmt: str) -> None:
    exchange = Exchange(
        Request(
            "GET",
            "https://api.openai.com/v1/vector_stores/vs_1",
            [("Authorization", "Bearer sk-test")],
        ),
        Response(
            200,
            [
                ("Content-Type", "application/json"),
                ("X-Weird", RAW.decode("utf-8", "surrogateescape")),
            ],
            (
                b'{"id": "vs_1", "object": "vector_store", "created_at": 1, "name": "a",'
                b' "usage_bytes": 0, "file_counts": {"in_progress": 0, "completed": 0,'
                b' "failed": 0, "cancelled": 0, "total": 0}, "status": "completed",'
                b' "last_active_at": 1, "metadata": {}}'
            ),
        ),
    )
    path = tmp.path / "cassettes" / "test_binary" / f"played.{fmt}"
    path.parent.mkdir(parents=True)
    dump(Cassette([to_interaction(exchange, RecordPolicy())]), path)
    assert load(path).interactions[0].response.headers["x-weird"]  # stored, not dropped


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_non_utf8_response_header_replays_byte_for_byte(
    pytester: pytest.Pytester, fmt: str
) -> None:
    _cassette(pytester, fmt)
    pytester.makepyfile(
        test_binary=f"""
        import httpx2
        import pytest

        @pytest.mark.vcr("played.{fmt}")
        def test_played():
            with httpx2.Client() as client:
                response = client.get(
                    "https://api.openai.com/v1/vector_stores/vs_1",
                    headers={{"Authorization": "Bearer sk-test"}},
                )
            assert response.status_code == 200
            raw = dict(response.headers.raw)
            assert raw[b"x-weird"] == {RAW!r}, raw
        """
    )
    result = pytester.runpytest_subprocess("--record-mode=none", "--block-network", "-q")
    result.assert_outcomes(passed=1)
