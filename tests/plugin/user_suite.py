"""A user's test module over a folder of cassettes, as the replay tests write it with pytester."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from openai import OpenAI

HEADER = """
import pytest
from openai import OpenAI, AsyncOpenAI

@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return {cassettes!r}

def client():
    return OpenAI(api_key="sk-live-key-not-recorded", max_retries=0)
"""


def create_and_get(client: OpenAI) -> str:
    """Create a vector store and retrieve it: the two requests of most test cassettes."""
    vs = client.vector_stores.create(name="a")
    client.vector_stores.retrieve(vs.id)
    return vs.id


def write_tests(pytester: pytest.Pytester, cassettes: Path, body: str) -> None:
    """The user's test module: HEADER (cassettes in ``cassettes``) followed by ``body``."""
    pytester.makepyfile(HEADER.format(cassettes=str(cassettes)) + textwrap.dedent(body))
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n    ignore::pytest.PytestRemovedIn10Warning\n"
    )
