"""A browser's HAR carries cookies, tokens and keys: none reaches a cassette, a report or the log."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.procs import ROOT, VSTAPE
from tests.unit.interop import har_factory as make
from vstape.cassettes.io import dumps
from vstape.cassettes.model import Cassette
from vstape.interop import har, importer
from vstape.reports import json as json_report
from vstape.reports import junit as junit_report
from vstape.reports.run import RunReport

SECRETS = {
    "cookie": "cookie0session0value0SECRET",
    "set_cookie": "cf0bm0SECRET0from0server",
    "bearer": "eyJhbGciOiJIUzI1NiJ9.SECRET0jwt.sig0nature",
    "bearer_lower": "lowercase0SECRET0token0abc",
    "bearer_upper": "UPPERCASE0SECRET0TOKEN0XYZ",
    "proxy": "proxy0SECRET0credentials",
    "api_key_param": "query0SECRET0api0key0value",
    "json_api_key": "sk-proj-SECRETinTheJsonBody0123",
    "json_password": "hunter2-SECRET-password",
    "free_text": "freetext0SECRET0token0value",
    "org": "org-SECRETorganization01",
}


def _browser_har(path: Path) -> Path:
    """Entries as devtools write them: cookies arrays, pseudo-headers, mixed casings."""
    s = SECRETS
    body = {
        "name": "handbook",
        "api_key": s["json_api_key"],
        "metadata": {"password": s["json_password"], "note": f"bearer {s['free_text']}"},
    }
    create = make.entry(
        f"https://api.openai.com/v1/vector_stores?api_key={s['api_key_param']}",
        "POST",
        request_headers=[
            {"name": ":authority", "value": "api.openai.com"},
            {"name": "Authorization", "value": f"Bearer {s['bearer']}"},
            {"name": "Cookie", "value": f"session={s['cookie']}; theme=dark"},
            {"name": "OpenAI-Organization", "value": s["org"]},
            {"name": "Content-Type", "value": "application/json"},
        ],
        post={"mimeType": "application/json", "text": json.dumps(body)},
        response_headers=[
            {"name": "content-type", "value": "application/json"},
            {"name": "set-cookie", "value": f"__cf_bm={s['set_cookie']}; path=/; HttpOnly"},
        ],
    )
    create["request"]["cookies"] = [{"name": "session", "value": s["cookie"]}]
    create["request"]["queryString"] = [{"name": "api_key", "value": s["api_key_param"]}]
    create["response"]["cookies"] = [{"name": "__cf_bm", "value": s["set_cookie"]}]
    lower = make.entry(
        request_headers=[
            {"name": "authorization", "value": f"bearer {s['bearer_lower']}"},
            {"name": "Proxy-Authorization", "value": f"Basic {s['proxy']}"},
        ]
    )
    upper = make.entry(
        "https://api.openai.com/v1/files",
        request_headers=[{"name": "AUTHORIZATION", "value": f"BEARER {s['bearer_upper']}"}],
        content={
            "size": 9,
            "mimeType": "application/json",
            "text": json.dumps({"object": "list", "data": [], "has_more": False}),
        },
    )
    aborted = make.entry(
        f"https://api.openai.com/v1/files/file-1?api_key={s['api_key_param']}", response=False
    )
    aborted["request"]["headers"] = [{"name": "Authorization", "value": f"Bearer {s['bearer']}"}]
    other = make.entry(
        f"https://login.example.com/?token={s['bearer']}",
        request_headers=[{"name": "Cookie", "value": s["cookie"]}],
    )
    return make.write(path, [other, create, lower, upper, aborted])


def test_no_secret_of_a_browser_har_is_written_or_printed(tmp_path: Path) -> None:
    """Every byte the import writes or prints is searched for every secret."""
    source = _browser_har(tmp_path / "devtools.har")
    raw = source.read_bytes()
    assert all(secret.encode() in raw for secret in SECRETS.values())
    out = tmp_path / "out"
    done = subprocess.run(
        [
            *VSTAPE,
            "import",
            str(source),
            "--cassette-dir",
            str(out / "cassettes"),
            "--report-json",
            str(out / "report.json"),
            "--junit",
            str(out / "report.xml"),
        ],
        capture_output=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.name for p in files} == {
        "create_vector_store.yaml",
        "get_vector_store.yaml",
        "list_files.yaml",
        "report.json",
        "report.xml",
    }
    written = b"".join(p.read_bytes() for p in files) + done.stdout + done.stderr
    for name, secret in SECRETS.items():
        assert secret.encode() not in written, name
    assert b"entry 4: GET https://api.openai.com/v1/files/file-1?api_key=REDACTED" in done.stdout
    create = (out / "cassettes" / "create_vector_store.yaml").read_text()
    assert "theme" not in create and '"password": "REDACTED"' in create
    assert "Bearer REDACTED" in create  # the free-text token, whatever its casing


token = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    min_size=12,
    max_size=40,
).filter(  # a key's shape (upper, lower, digit): not a word of the cassette's own, e.g. "interactions"
    lambda v: (
        any(c.isupper() for c in v) and any(c.islower() for c in v) and any(c.isdigit() for c in v)
    )
)
casing = st.sampled_from([str.lower, str.upper, str.title, lambda s: s])
header_name = st.sampled_from(
    ["Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Api-Key", "OpenAI-Project"]
)
json_key = st.sampled_from(["api_key", "password", "client_secret", "access_token", "apiKey"])
query_key = st.sampled_from(["api_key", "key", "token", "access_token", "client_secret"])


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(token, header_name, casing, casing, json_key, query_key)
def test_property_no_secret_survives_an_import(
    value: str, header: str, name_case: object, scheme_case: object, key: str, param: str
) -> None:
    """The recorder's property, through a HAR: headers, schemes, query and JSON, any casing."""
    secret = f"sk-{value}" if key == "apiKey" else value
    scheme = scheme_case("bearer")  # type: ignore[operator]
    header_value = f"{scheme} {secret}" if "authorization" in header.lower() else secret
    entry = make.entry(
        f"https://api.openai.com/v1/vector_stores?{param}={secret}",
        "POST",
        request_headers=[
            {"name": name_case(header), "value": header_value},  # type: ignore[operator]
            {"name": "content-type", "value": "application/json"},
        ],
        post={"mimeType": "application/json", "text": json.dumps({"metadata": {key: secret}})},
        response_headers=[
            {"name": "Set-Cookie", "value": f"s={secret}"},
            *make.entry()["response"]["headers"],
        ],
    )
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = make.write(Path(folder) / "p.har", [entry])
        imported = importer.convert(har.read(path))
    report = RunReport()
    for item in imported:
        report.add(item.route or "unknown_route", 200, item.errors, item.warnings)
    cassette = Cassette([item.interaction for item in imported])
    written = (
        dumps(cassette)
        + dumps(cassette, fmt="json")
        + json_report.run(report)
        + junit_report.run(report)
    )
    assert len(imported) == 1 and secret.encode() not in written
