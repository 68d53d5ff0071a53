"""Listening defaults: loopback unless told otherwise, and a loud warning when not."""

from __future__ import annotations

import pytest

from vstape.cli.main import build_parser
from vstape_mitmproxy.serve import parse_listen, warn_if_exposed


@pytest.mark.parametrize("command", ["emulate", "record", "replay"])
def test_every_server_listens_on_loopback_by_default(command: str) -> None:
    """The default --listen of each server command is 127.0.0.1."""
    extra = ["x.yaml"] if command == "replay" else []
    args = build_parser().parse_args([command, *extra])
    assert parse_listen(args.listen)[0] == "127.0.0.1"


def test_non_loopback_listen_warns(capsys: pytest.CaptureFixture[str]) -> None:
    """Listening beyond loopback prints a warning naming the host and the fix."""
    warn_if_exposed("0.0.0.0", "vstape emulate")
    err = capsys.readouterr().err
    assert "WARNING: listening on 0.0.0.0" in err and "--listen 127.0.0.1:PORT" in err
    warn_if_exposed("127.0.0.1", "vstape emulate")
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("value", ["nope", "127.0.0.1:99999", "host:"])
def test_bad_listen_values_explain_the_format(value: str) -> None:
    """A bad --listen says what is expected."""
    with pytest.raises(ValueError, match="expected HOST:PORT"):
        parse_listen(value)


def test_stopping_with_a_client_still_connected_prints_no_traceback() -> None:
    """SIGTERM while a keep-alive client holds a connection: a clean stop, no asyncio noise."""
    import signal

    from openai import OpenAI

    from tests.procs import vstape_server

    with vstape_server("record", "--listen", "127.0.0.1:0") as (proc, url):
        client = OpenAI(api_key="sk-x", base_url=url, max_retries=0)
        client.vector_stores.list()  # the connection stays open (keep-alive)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        client.close()
    assert proc.returncode == 0
    assert "Traceback" not in out and "CancelledError" not in out
