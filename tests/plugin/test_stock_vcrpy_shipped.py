"""Stock vcrpy + pytest-recording, with no vstape code at all, load every shipped cassette.

The run disables plugin autoload (vstape's plugin is not loaded) and imports nothing
from vstape: the shipped cassettes are plain vcrpy cassettes. Each HTTP-response
scenario replays byte for byte; transport faults replay as their stand-in response.
"""

from __future__ import annotations

import textwrap

import pytest

from vstape.cassettes.io import load
from vstape.cassettes.shipped import shipped_dir
from vstape.cli.cassettes import expected_files


def test_stock_pytest_recording_replays_every_shipped_cassette(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One generated test per shipped cassette, run by stock pytest-recording offline."""
    folder = shipped_dir()
    files = expected_files(folder)
    assert len(files) > 350
    cases = []
    for path in files:
        last = load(path).interactions[-1]
        name = f"{path.parent.name}__{path.stem}"
        cases.append(
            f"""
@pytest.mark.vcr({str(path.relative_to(folder))!r})
def test_{name}():
    check({str(path)!r}, {last.response.status.code})
"""
        )
    pytester.makepyfile(
        test_stock=textwrap.dedent(
            f"""
            import httpx2
            import pytest
            import yaml

            @pytest.fixture(scope="module")
            def vcr_config():
                return {{"record_mode": "none"}}

            @pytest.fixture(scope="module")
            def vcr_cassette_dir():
                return {str(folder)!r}

            def check(path, final_status):
                with open(path, encoding="utf-8") as handle:
                    document = yaml.safe_load(handle)
                with httpx2.Client() as client:
                    for item in document["interactions"]:
                        request, recorded = item["request"], item["response"]
                        body = request["body"]
                        got = client.request(
                            request["method"],
                            request["uri"],
                            content=body.encode() if isinstance(body, str) else body,
                        )
                        assert got.status_code == recorded["status"]["code"]
                        string = recorded["body"]["string"]
                        expected = string.encode() if isinstance(string, str) else string
                        assert got.content == expected
                assert got.status_code == final_status
            """
        )
        + "".join(cases)
    )
    # Stock pytest + pytest-recording only: vstape's plugin is not loaded.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = pytester.runpytest_subprocess(
        "--block-network", "-p", "pytest_recording.plugin", "-p", "no:cacheprovider", "-q"
    )
    result.assert_outcomes(passed=len(files))
    source = (pytester.path / "test_stock.py").read_text()
    assert "vstape" not in source.replace(str(folder), "")
