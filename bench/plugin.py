"""The pytest plugin's own costs: import time, and a 1,000-test replayed suite at -n 0 vs -n 2.

Import time: a fresh interpreter importing pytest plus the plugin module, against the
same with pytest-recording's plugin module (the anchor) and with pytest alone.
Suite: 1,000 tests, each replaying a create + retrieve through the official SDK from
one cassette, run with pytest -n 0 and with pytest -n 2 (pytest-xdist).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import figure

TESTS = 1_000


def _wall(argv: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=cwd, timeout=1800)
    return time.perf_counter() - start


def import_times(rounds: int = 9) -> dict[str, float]:
    """Median wall time of a fresh interpreter importing each module set."""
    cases = {
        "pytest": "import pytest",
        "pytest + vstape plugin": "import pytest, vstape_pytest.plugin",
        "pytest + pytest-recording plugin": "import pytest, pytest_recording.plugin",
    }
    samples: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(rounds):
        for name, code in cases.items():
            samples[name].append(_wall([sys.executable, "-c", code]))
    return {k: statistics.median(v) for k, v in samples.items()}


def make_suite(folder: Path) -> None:
    """A test module of TESTS replayed tests and the one cassette they share."""
    import httpx2
    from openai import OpenAI

    from vstape.cassettes.io import dump
    from vstape.cassettes.model import Cassette
    from vstape.emulator import Emulator
    from vstape.emulator.transport import EmulatorTransport
    from vstape.http import Request, Response
    from vstape.recording.interaction import Exchange, RecordPolicy, to_interaction

    interactions = []
    emulator = Emulator(seed=3)

    class Recording(httpx2.BaseTransport):
        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            body = request.read()
            response = EmulatorTransport(emulator).handle_request(request)
            interactions.append(
                to_interaction(
                    Exchange(
                        Request(
                            request.method, str(request.url), list(request.headers.items()), body
                        ),
                        Response.as_received(
                            response.status_code,
                            list(response.headers.items()),
                            response.read(),
                            response.reason_phrase,
                        ),
                    ),
                    RecordPolicy(),
                )
            )
            return response

    client = OpenAI(api_key="sk-x", max_retries=0, http_client=httpx2.Client(transport=Recording()))
    vs_id = client.vector_stores.create(name="suite").id
    client.vector_stores.retrieve(vs_id)
    (folder / "cassettes").mkdir()
    dump(Cassette(interactions), folder / "cassettes" / "shared.yaml")
    (folder / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    (folder / "test_suite.py").write_text(f"""
import pytest
from openai import OpenAI

@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return {str(folder / "cassettes")!r}

CLIENT = OpenAI(api_key="sk-x", max_retries=0)  # building a client costs ~24 ms (TLS context)

@pytest.mark.parametrize("n", range({TESTS}))
@pytest.mark.vcr("shared.yaml")
def test_replay(n):
    c = CLIENT
    assert c.vector_stores.retrieve(c.vector_stores.create(name="suite").id).id == {json.dumps(vs_id)}
""")


def main() -> None:
    """Print import times and suite wall times with ratios."""
    times = import_times()
    for name, seconds in times.items():
        print(f"import {name:<36} {seconds * 1000:7.1f} ms")
    ours = times["pytest + vstape plugin"] - times["pytest"]
    anchor = times["pytest + pytest-recording plugin"] - times["pytest"]
    figure(
        "plugin import time (added to pytest)",
        ours * 1000,
        "ms",
        "pytest-recording plugin",
        anchor * 1000,
        anchor / ours if ours > 0 else None,
        "",
    )
    folder = Path(tempfile.mkdtemp(prefix="vstape-suite-"))
    make_suite(folder)
    base = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        # make bench's venv also holds the cassetter anchor, whose pytest plugin claims
        # --record-mode as well; the suite is vstape's, so cassetter's plugin stays off.
        "-p",
        "no:cassetter",
        "--record-mode=none",
        "--block-network",
    ]
    serial = _wall([*base, "-n", "0"], cwd=folder)
    parallel = _wall([*base, "-n", "2"], cwd=folder)
    print(f"{TESTS}-test replayed suite: -n 0 {serial:.1f} s, -n 2 {parallel:.1f} s")
    figure(
        f"{TESTS}-test replayed suite, -n 2", parallel, "s", "-n 0", serial, serial / parallel, ""
    )


if __name__ == "__main__":
    main()
