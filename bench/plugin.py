"""The pytest plugin's own costs: import time, and a 1,000-test replayed suite at -n 0 vs -n 2.

Import time: a fresh interpreter importing pytest plus the plugin module, against the
same with pytest-recording's plugin module (the anchor) and with pytest alone.
Suite: 1,000 tests, each replaying a create + retrieve through the official SDK from
one cassette, run with pytest -n 0 and with pytest -n 2 (pytest-xdist). Both in interleaved rounds
(bench._common.interleave).
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import Spread, figure, interleave, ratio_of

TESTS = 1_000
SUITE_ROUNDS = 3


def _wall(argv: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, cwd=cwd, timeout=1800)
    return time.perf_counter() - start


def import_times(rounds: int = 9) -> dict[str, Spread]:
    """Wall time of a fresh interpreter importing each module set, interleaved rounds."""
    cases = {
        "pytest": "import pytest",
        "pytest + vstape plugin": "import pytest, vstape_pytest.plugin",
        "pytest + pytest-recording plugin": "import pytest, pytest_recording.plugin",
    }
    return interleave(
        {
            name: functools.partial(_wall, [sys.executable, "-c", code])
            for name, code in cases.items()
        },
        rounds=rounds,
    )


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
        print(
            f"import {name:<36} {seconds.median * 1000:7.1f} ms "
            f"({seconds.lo * 1000:.1f}-{seconds.hi * 1000:.1f})"
        )
    # Added to `import pytest`, round by round (each round imports all three in turn).
    bare = times["pytest"].values
    ours = Spread(
        tuple(a - b for a, b in zip(times["pytest + vstape plugin"].values, bare, strict=True))
    )
    anchor = Spread(
        tuple(
            a - b
            for a, b in zip(times["pytest + pytest-recording plugin"].values, bare, strict=True)
        )
    )
    figure(
        "plugin import time (added to pytest)",
        ours.map(lambda s: s * 1000),
        "ms",
        "pytest-recording plugin",
        anchor.map(lambda s: s * 1000),
        None,
        "",
    )
    with tempfile.TemporaryDirectory(prefix="vstape-suite-") as tmp:
        _suite(Path(tmp))


def _suite(folder: Path) -> None:
    """Write the replayed suite into ``folder``, time it at -n 0 and -n 2."""
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
    suites = interleave(
        {
            "-n 0": functools.partial(_wall, [*base, "-n", "0"], cwd=folder),
            "-n 2": functools.partial(_wall, [*base, "-n", "2"], cwd=folder),
        },
        rounds=SUITE_ROUNDS,
    )
    serial, parallel = suites["-n 0"], suites["-n 2"]
    print(
        f"{TESTS}-test replayed suite: -n 0 {serial.median:.1f} s {serial.values}, "
        f"-n 2 {parallel.median:.1f} s {parallel.values}"
    )
    figure(
        f"{TESTS}-test replayed suite, -n 2",
        parallel,
        "s",
        "-n 0",
        serial,
        ratio_of(serial, parallel),
        "",
    )


if __name__ == "__main__":
    main()
