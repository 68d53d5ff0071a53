"""vstape is a guest: traffic that is not the OpenAI API is recorded and matched as stock.

Each test runs a small suite twice, in subprocesses - with vstape's plugin active, and
with ``-p no:vstape`` (stock pytest-recording) - against a local HTTP server on
127.0.0.1, and asserts the stock behaviour under vstape: the very same cassette bytes,
host matching, the user's ``match_on``, no body matching by default, no file beside the
cassette, long parametrized ids, and a plain ``vcr.VCR()`` after a marked test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.plugin.local_server import files_in, local_server, run, write_module

pytest_plugins = ["pytester"]

RECORDED = """
import httpx

LOCAL = os.environ["LOCAL_URL"]


def tag(response):
    response["headers"]["X-Tagged"] = ["by-the-user's-hook"]
    return response


@pytest.fixture(scope="module")
def vcr_config():
    return {"filter_headers": ["x-api-key"], "before_record_response": tag}


@pytest.mark.vcr
def test_local():
    with httpx.Client() as client:
        got = client.get(f"{LOCAL}/get?x=1", headers={"x-api-key": "local-secret"})
        assert got.json() == {"path": "/get?x=1"}
        assert client.post(f"{LOCAL}/post", json={"b": 1}).json()["received"] == 7
        assert client.get(f"{LOCAL}/gzip").text == "compressed hello"
"""

# A stock vcrpy cassette for a.example, written by hand (what another team already has).
STOCK_CASSETTE = """\
interactions:
- request:
    body: '{"a": 1}'
    headers: {}
    method: POST
    uri: http://a.example/post?q=1
  response:
    body: {string: 'from a.example'}
    headers: {}
    status: {code: 200, message: OK}
version: 1
"""

MATCHING = """
import httpx
import vcr.errors

MISS = vcr.errors.CannotOverwriteExistingCassetteException


@pytest.mark.vcr("stock.yaml")
def test_same_host_replays():
    assert httpx.post("http://a.example/post?q=1", content=b'{"a": 1}').text == "from a.example"


@pytest.mark.vcr("stock.yaml")
def test_other_host_is_not_matched():
    with pytest.raises(MISS):
        httpx.post("http://b.example/post?q=1", content=b'{"a": 1}')


@pytest.mark.vcr("stock.yaml")
def test_body_is_not_matched_by_default():
    assert httpx.post("http://a.example/post?q=1", content=b'{"a": 2}').text == "from a.example"


@pytest.mark.vcr("stock.yaml", match_on=["method", "host", "path"])
def test_users_match_on_ignores_the_query():
    assert httpx.post("http://a.example/post?q=2", content=b"").text == "from a.example"


@pytest.mark.vcr("stock.yaml", match_on=["method", "host", "path", "query", "body"])
def test_users_match_on_with_body_matches_the_body():
    with pytest.raises(MISS):
        httpx.post("http://a.example/post?q=1", content=b'{"a": 2}')


@pytest.mark.vcr("stock.yaml")
def test_marked_first():
    assert httpx.post("http://a.example/post?q=1", content=b'{"a": 1}').text == "from a.example"


def test_plain_vcr_after_a_marked_test_is_stock(tmp_path):
    import vcr.cassette
    import vcr.config
    from vcr.persisters.filesystem import FilesystemPersister

    assert vcr.config.Cassette is vcr.cassette.Cassette
    target = tmp_path / "plain.yaml"
    target.write_text(open(os.path.join(os.environ["CASSETTES"], "stock.yaml")).read())
    plain = vcr.VCR(record_mode="none")
    assert plain.persister is FilesystemPersister and plain.match_on[0] == "method"
    with plain.use_cassette(str(target)) as cassette:
        assert type(cassette) is vcr.cassette.Cassette
        assert httpx.post("http://a.example/post?q=1", content=b'{"a": 9}').text == "from a.example"
        with pytest.raises(MISS):
            httpx.post("http://b.example/post?q=1", content=b'{"a": 1}')
"""

LONG_ID = """
import httpx

LOCAL = os.environ["LOCAL_URL"]


@pytest.mark.parametrize("name", ["n" * 250])
@pytest.mark.vcr
def test_long(name):
    assert httpx.get(f"{LOCAL}/get?x=1").json() == {"path": "/get?x=1"}
"""


@pytest.fixture
def local(pytester: pytest.Pytester) -> Iterator[str]:
    with local_server() as url:
        pytester._monkeypatch.setenv("LOCAL_URL", url)
        yield url


def test_recorded_cassette_is_byte_identical_to_stock(
    pytester: pytest.Pytester, tmp_path: Path, local: str
) -> None:
    """Recorded with vstape active: the same bytes as stock pytest-recording writes; it replays."""
    write_module(pytester, "test_local", RECORDED)
    mine, stock = tmp_path / "vstape", tmp_path / "stock"
    run(pytester, mine, "--record-mode=once").assert_outcomes(passed=1)
    run(pytester, stock, "--record-mode=once", stock=True).assert_outcomes(passed=1)

    written = (mine / "test_local.yaml").read_bytes()
    assert written == (stock / "test_local.yaml").read_bytes()
    assert files_in(mine) == ["test_local.yaml"]  # no .lock, no temp file
    document = yaml.safe_load(written)
    first = document["interactions"][0]
    assert first["request"]["uri"] == f"{local}/get?x=1"  # the host as sent, not api.openai.com
    assert "x-api-key" not in {k.lower() for k in first["request"]["headers"]}  # user's filter
    headers = {k.lower(): v for k, v in first["response"]["headers"].items()}
    assert headers["date"] == ["Mon, 01 Jan 2024 00:00:00 GMT"]
    assert headers["server"] == ["LocalTestServer/1.0"]
    assert headers["x-served-by"] == ["local-test-server"]
    assert headers["x-tagged"] == ["by-the-user's-hook"]
    assert all("vstape" not in item for item in document["interactions"])
    gzipped = document["interactions"][2]["response"]
    assert gzipped["headers"]["content-encoding"] == ["gzip"]  # not decoded: the user's choice

    # Replays offline with vstape active, the server untouched.
    run(pytester, mine, "--record-mode=none", "--block-network").assert_outcomes(passed=1)
    assert (mine / "test_local.yaml").read_bytes() == written


@pytest.mark.parametrize("stock", [False, True], ids=["vstape", "stock"])
def test_matching_is_stock(pytester: pytest.Pytester, tmp_path: Path, stock: bool) -> None:
    """Host matched, body not matched by default, the user's match_on honoured, plain VCR stock."""
    folder = tmp_path / "cassettes"
    folder.mkdir()
    (folder / "stock.yaml").write_text(STOCK_CASSETTE)
    write_module(pytester, "test_matching", MATCHING)
    result = run(pytester, folder, "--record-mode=none", "--block-network", "-v", stock=stock)
    result.assert_outcomes(passed=7)
    assert files_in(folder) == ["stock.yaml"]  # nothing written beside it, in either run


def test_long_parametrized_id_records_and_replays(
    pytester: pytest.Pytester, tmp_path: Path, local: str
) -> None:
    """A 250-character id: pytest-recording shortens the name; it records and replays."""
    write_module(pytester, "test_long", LONG_ID)
    folder = tmp_path / "cassettes"
    run(pytester, folder, "--record-mode=once").assert_outcomes(passed=1)
    (name,) = files_in(folder)
    assert len(name) <= 255 and name.endswith(".yaml")
    run(pytester, folder, "--record-mode=none", "--block-network").assert_outcomes(passed=1)


HOSTS = """
import httpx
import vcr.errors


def create():
    return httpx.post("http://gateway.test/v1/vector_stores", json={"name": "a"})


@pytest.mark.vstape(hosts=["gateway.test"])
@pytest.mark.vcr("vstape.yaml")
def test_marker_host_is_vstapes():
    assert create().json()["name"] == "a"  # matched by vstape: any host it counts, any headers


@pytest.mark.vcr("vstape.yaml")
def test_ini_host_is_vstapes():
    assert create().json()["name"] == "a"


@pytest.mark.vstape(hosts=[])
@pytest.mark.vcr("vstape.yaml")
def test_other_hosts_stay_stock():
    with pytest.raises(vcr.errors.CannotOverwriteExistingCassetteException):
        create()  # stock matching: the recorded host is api.openai.com
"""


def test_vstape_hosts_adds_hosts(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """A host named in vstape_hosts (ini) or hosts= (marker) is the OpenAI API; others are not."""
    from tests.plugin.cassette_factory import record

    folder = tmp_path / "cassettes"
    record(folder / "vstape.yaml", lambda client: client.vector_stores.create(name="a"))
    write_module(pytester, "test_hosts", HOSTS)
    pytester.makeini(
        "[pytest]\nvstape_hosts = gateway.test\nfilterwarnings =\n"
        "    ignore::pytest.PytestRemovedIn10Warning\n"
    )
    result = run(pytester, folder, "--record-mode=none", "--block-network", "-v")
    result.assert_outcomes(passed=3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--vstape-hosts=gateway.test/v1"],
            "*--vstape-hosts hosts: 'gateway.test/v1' is not a host*",
        ),
        (["--vstape=maybe"], "*argument --vstape: invalid choice: 'maybe'*"),
    ],
)
def test_bad_vstape_options_are_usage_errors(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    """A wrong host or mode says what is wrong, in the flag's own words."""
    pytester.makepyfile("def test_x():\n    pass\n")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
