"""Run Schemathesis against a real ``vstape emulate`` process and account for every failure.

    make conformance                      # creates .venv-conformance, then runs this
    python -m conformance.run --schemathesis .venv-conformance/bin/schemathesis

Schemathesis 4 reads the official spec ($VSTAPE_OPENAPI, else ../shared next to the
checkout, else /work/shared; never copied into the repository) and tests the
vector-store and ``/v1/files`` operations with ``--mode all`` and the checks
not_a_server_error, negative_data_rejection, positive_data_acceptance and
response_schema_conformance. The emulator listens on 127.0.0.1 only. Before the run this
script creates a File, a vector store with the File attached and a file batch, so the
operations reach their handlers (conformance/schemathesis.toml passes the ids).

Every failure is then either a known difference (conformance/known.py, listed with its
reason in the README) or a regression: any server error, or any failure no known
difference explains, exits 1. Reports (NDJSON, JUnit) and Schemathesis' own state go to
out/conformance/.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from conformance.known import KNOWN, Failure, explain

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out" / "conformance"
CHECKS = (
    "not_a_server_error",
    "negative_data_rejection",
    "positive_data_acceptance",
    "response_schema_conformance",
)
PATHS = r"^/(vector_stores|files)"
TOKEN = "sk-conformance"


def find_spec() -> Path | None:
    """The official spec, where the tests look for it."""
    relative = Path("shared") / "openapi" / "openai-openapi.yaml"
    candidates = [Path(os.environ.get("VSTAPE_OPENAPI", "")), ROOT.parent / relative]
    candidates.append(Path("/work") / relative)
    return next((c for c in candidates if c.name and c.is_file()), None)


def _start_emulator() -> tuple[subprocess.Popen[str], str]:
    args = [sys.executable, "-m", "vstape.cli.main", "emulate", "--listen", "127.0.0.1:0"]
    proc = subprocess.Popen(
        [*args, "--seed", "13", "--poll-after-ms", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "http://127.0.0.1:" in line:
            return proc, line.split("at ", 1)[1].split(" ", 1)[0]
    proc.wait(timeout=30)
    raise SystemExit("conformance: vstape emulate did not start")


def _call(base: str, method: str, path: str, body: bytes = b"", content_type: str = "") -> Any:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(base + path, data=body or None, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _upload(base: str, name: str) -> str:
    boundary = "conformance-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/plain\r\n\r\nRefunds take 14 days.\r\n--{boundary}--\r\n"
    ).encode()
    found = _call(base, "POST", "/files", body, f"multipart/form-data; boundary={boundary}")
    return str(found["id"])


def seed_objects(base: str) -> dict[str, str]:
    """A File attached to a store, a batch, and spare ones for the deletions: their ids."""
    ids: dict[str, str] = {}
    for prefix in ("", "SPARE_"):
        file_id = _upload(base, f"{prefix.lower() or 'main'}.txt")
        body = json.dumps({"name": f"conformance {prefix}", "file_ids": [file_id]}).encode()
        store = _call(base, "POST", "/vector_stores", body, "application/json")["id"]
        _call(base, "GET", f"/vector_stores/{store}/files/{file_id}")
        ids[f"VSTAPE_CONFORMANCE_{prefix}VECTOR_STORE"] = store
        ids[f"VSTAPE_CONFORMANCE_{prefix}FILE"] = file_id
    extra = _upload(base, "batch.txt")
    batch = _call(
        base,
        "POST",
        f"/vector_stores/{ids['VSTAPE_CONFORMANCE_VECTOR_STORE']}/file_batches",
        json.dumps({"file_ids": [extra]}).encode(),
        "application/json",
    )
    ids["VSTAPE_CONFORMANCE_BATCH"] = batch["id"]
    return ids


def run_schemathesis(binary: str, spec: Path, base: str, ids: dict[str, str], args: Any) -> int:
    """One Schemathesis run; its state and reports land in out/conformance/."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUT.glob("ndjson-*.ndjson"), *OUT.glob("junit-*.xml")]:
        old.unlink()  # one run's reports only
    command = [
        str(Path(binary).resolve()),  # Schemathesis runs in out/conformance/
        "--config-file",
        str(ROOT / "conformance" / "schemathesis.toml"),
        "run",
        str(spec),
        "--url",
        base,
        "-H",
        f"Authorization: Bearer {TOKEN}",
        "--include-path-regex",
        PATHS,
        "--checks",
        ",".join(CHECKS),
        "--mode",
        "all",
        "--seed",
        str(args.seed),
        "--max-examples",
        str(args.max_examples),
        "--workers",
        "1",
        "--report",
        "ndjson,junit",
        "--report-dir",
        str(OUT),
    ]
    print("conformance:", " ".join(command), flush=True)
    env = dict(os.environ, **ids)
    return subprocess.run(command, cwd=OUT, env=env, timeout=args.timeout, check=False).returncode


def _body(content: Any) -> str:
    if isinstance(content, dict) and "$base64" in content:
        return base64.b64decode(content["$base64"]).decode("utf-8", "replace")
    return str(content or "")


def read_failures(ndjson: Path) -> list[Failure]:
    """Every distinct failure in the run's NDJSON report, with the response it was about."""
    found: dict[tuple[str, str, str, str, str], Failure] = {}
    for line in ndjson.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        recorder = event.get("ScenarioFinished", {}).get("recorder") or {}
        for case_id, checks in (recorder.get("checks") or {}).items():
            for check in checks:
                if check.get("status") != "failure":
                    continue
                info = check["failure_info"]["failure"]
                response = (recorder.get("interactions", {}).get(case_id) or {}).get("response")
                failure = Failure(
                    check=check["name"],
                    code=info["code"],
                    operation=info.get("operation") or "",
                    message=info.get("message") or "",
                    status=(response or {}).get("status_code", 0),
                    response=_body((response or {}).get("content")),
                )
                found.setdefault(failure.identity, failure)
    return list(found.values())


def summarize(failures: list[Failure]) -> int:
    """Print the failures by code, each explained or not; 1 when any is unexplained or a 5xx."""
    by_code = Counter(f.code for f in failures)
    print(f"\nconformance: {len(failures)} distinct failures", dict(sorted(by_code.items())))
    unexplained = 0
    used: Counter[str] = Counter()
    for failure in sorted(failures, key=lambda f: (f.code, f.operation, f.message)):
        known = explain(failure)
        if known is not None and failure.code != "ST101":
            used[known.key] += 1
            continue
        unexplained += 1
        print(f"  UNEXPLAINED {failure.code} {failure.operation}: {failure.summary()}")
    for entry in KNOWN:
        seen = f"{used[entry.key]:>2}" if used[entry.key] else " -"
        print(f"  known ({seen}) {entry.key}: {entry.reason}")
    servers = by_code.get("ST101", 0)
    print(f"conformance: {servers} server errors, {unexplained} unexplained failures")
    return 1 if unexplained or servers else 0


def main(argv: list[str] | None = None) -> int:
    """Start the emulator, seed it, run Schemathesis, account for every failure."""
    parser = argparse.ArgumentParser(prog="python -m conformance.run", description=__doc__)
    parser.add_argument("--schemathesis", default=".venv-conformance/bin/schemathesis")
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--timeout", type=float, default=1200)
    args = parser.parse_args(argv)
    spec = find_spec()
    if spec is None:
        print("conformance: the official spec is not there: set VSTAPE_OPENAPI to its path")
        return 2
    proc, base = _start_emulator()
    try:
        ids = seed_objects(base)
        code = run_schemathesis(args.schemathesis, spec, base, ids, args)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    reports = sorted(OUT.glob("*.ndjson"))
    if not reports:
        print(f"conformance: Schemathesis wrote no report (exit {code})")
        return 2
    return summarize(read_failures(reports[-1]))


if __name__ == "__main__":
    sys.exit(main())
