"""The README's fixture reference (docs/readme/fixtures.md), computed from the fixture registry."""

from __future__ import annotations

from vstape_pytest import fixtures
from vstape_pytest._shipped import failure_scenarios

# The fixtures not generated per route, in the order the table gives them, with what they give.
OTHER_FIXTURES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("vstape_replay",),
        "factory `vstape_replay(route, scenario='ok')`: replay any shipped cassette "
        "for the rest of the test; returns the typed response, or the `Failure`",
    ),
    (
        ("vector_store_emulator",),
        "a live stateful emulator on 127.0.0.1, reset per test, "
        "`OPENAI_BASE_URL` set; `.client()`, `.async_client()`, `.url`",
    ),
    (
        ("openai_client", "async_openai_client"),
        "SDK clients for the default base URL, "
        "`max_retries=0` (use `.with_options(max_retries=2)` to test retries); the cassettes "
        "in use answer them at the transport, without vcrpy's stubs (what they cannot "
        "answer, a miss or a request to record, goes through vcrpy as for any client)",
    ),
)

INTRO = """\
## Fixtures

Installed with the plugin (`pytest --fixtures` lists them with their one-line docs).
Every route has two: `<route>_response` replays `cassettes/<route>/ok.yaml` (any ids)
and returns the response typed; `<route>_failure` runs the test once per failure
scenario of the route (`cassettes/<route>/<scenario>.yaml`, any ids) and returns a
`Failure` (see [Testing your error handling](#testing-your-error-handling)).
"""

EXAMPLE = """\
```python
def test_my_code_reads_the_store(get_vector_store_response, openai_client):
    store = openai_client.vector_stores.retrieve("vs_any_id")  # replayed, offline
    assert store.id == get_vector_store_response.id

def test_my_ingestion(vector_store_emulator):
    client = vector_store_emulator.client()
    vs = client.vector_stores.create(name="docs")  # a real, stateful API
    assert [v.id for v in client.vector_stores.list()] == [vs.id]
```
"""


def markdown() -> str:
    """The fixture reference: one row per route of the registry, then the other fixtures."""
    lines = [
        INTRO,
        "| route | response fixture | failure fixture | failure scenarios |",
        "|---|---|---|---|",
    ]
    for route, (response, failure) in fixtures.ROUTE_FIXTURES.items():
        count = len(failure_scenarios(route))
        lines.append(f"| `{route}` | `{response}` | `{failure}` | {count} |")
    lines += ["", "| fixture | what it gives |", "|---|---|"]
    for names, gives in OTHER_FIXTURES:
        missing = [name for name in names if not hasattr(fixtures, name)]
        if missing:
            raise LookupError(f"the fixture table names fixtures the plugin lacks: {missing}")
        lines.append(f"| {' / '.join(f'`{name}`' for name in names)} | {gives} |")
    return "\n".join([*lines, "", EXAMPLE])
