"""What the recorder cannot write is refused before it listens: exit 2, the flag, the path, the fix.

Each case runs the real ``vstape record`` (or mitmdump with the addon script) and checks
that it exits 2 without ever announcing a listening proxy, with a message naming the
flag as the user typed it, the path, the reason and the fix; and that nothing was
created or changed on disk by the refusal. The read-only filesystem case (a real tmpfs)
is in ``test_disk_faults.py``, next to its fixture.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.procs import ROOT, VSTAPE

PYTHON_TAG = "interactions:\n- !!python/object/apply:os.system [touch {marker}]\nversion: 1\n"


def _record(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VSTAPE, "record", "--listen", "127.0.0.1:0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


def _refused(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "proxy at http" not in done.stdout, "it listened before refusing"
    assert "Traceback" not in done.stderr
    return done.stderr


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder holding a plain file, a folder, a notes file and a cassette with a python tag."""
    (tmp_path / "afile").write_text("not a folder\n")
    (tmp_path / "adir").mkdir()
    (tmp_path / "notes.yaml").write_text("title: my notes\nitems: [1, 2]\n")
    marker = tmp_path / "pwned"
    (tmp_path / "evil.yaml").write_text(PYTHON_TAG.format(marker=marker))
    return tmp_path


CASES = {
    "parent is a file": (
        ["--cassette", "afile/c.yaml"],
        "vstape record: --cassette 'afile/c.yaml': afile is a regular file, not a folder, so "
        "nothing can be written under it; move afile away or pick another --cassette",
    ),
    "cassette-dir is a file": (
        ["--cassette-dir", "afile"],
        "vstape record: --cassette-dir 'afile': is a file, and --cassette-dir takes a folder "
        "(--cassette takes one file); move it away or pick another --cassette-dir",
    ),
    "cassette is a folder": (
        ["--cassette", "adir"],
        "vstape record: --cassette 'adir': is a folder, and --cassette takes a file; give a "
        "file such as adir/run.yaml (or --cassette-dir for one cassette per route)",
    ),
    "existing non-cassette file": (
        ["--cassette", "notes.yaml"],
        "vstape record: --cassette 'notes.yaml': notes.yaml exists and is not a loadable "
        "cassette, so what is recorded into it could never be replayed (notes.yaml: not a "
        "vcrpy cassette: Object contains unknown field `title`",
    ),
    "existing cassette with a python tag": (
        ["--cassette", "evil.yaml"],
        "vstape record: --cassette 'evil.yaml': evil.yaml exists and is not a loadable "
        "cassette, so what is recorded into it could never be replayed (evil.yaml:2: not a "
        "loadable cassette: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'; python object tags are never "
        "loaded (they could run code)); move it away, or pick another --cassette",
    ),
    "no cassette suffix": (
        ["--cassette", "run.txt"],
        "vstape record: --cassette 'run.txt': a cassette file ends in .yaml, .yml or .json; "
        "pick another --cassette, such as run.yaml",
    ),
    "a folder where a route's cassette goes": (
        ["--cassette-dir", ".", "--format", "json"],
        "vstape record: --cassette-dir '.': get_vector_store.json is a folder where a file "
        "goes; move it away or pick another --cassette-dir",
    ),
    "a route's cassette that does not load": (
        ["--cassette-dir", "."],
        "vstape record: --cassette-dir '.': upload_file.yaml exists and is not a loadable cassette",
    ),
    "report path is a folder": (
        ["--cassette", "new.yaml", "--report-json", "adir"],
        "vstape record: --report-json 'adir': is a folder, and --report-json takes a file; "
        "give a file such as adir/report.json",
    ),
    "junit under a file": (
        ["--junit", "afile/report.xml"],
        "vstape record: --junit 'afile/report.xml': afile is a regular file, not a folder",
    ),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", list(CASES))
def test_record_refuses_at_start_up(workdir: Path, case: str) -> None:
    """Exit 2 before listening, the message as specified, nothing on disk changed or run."""
    args, message = CASES[case]
    (workdir / "get_vector_store.json").mkdir()
    (workdir / "upload_file.yaml").write_text("[1, 2, 3]\n")
    before = _snapshot(workdir)
    stderr = _refused(_record(workdir, *args))
    assert message in stderr
    assert _snapshot(workdir) == before  # no probe file, lock, cassette or report left behind
    assert not (workdir / "pwned").exists()  # the python tag was never run


@pytest.mark.timeout(120)
def test_several_problems_are_all_named(workdir: Path) -> None:
    """Every problem found is reported at once, one line each, each naming its flag."""
    stderr = _refused(
        _record(workdir, "--cassette", "notes.yaml", "--report-json", "adir", "--junit", "afile/x")
    )
    lines = stderr.splitlines()
    assert [line.split("'")[0] for line in lines] == [
        "vstape record: --cassette ",
        "vstape record: --report-json ",
        "vstape record: --junit ",
    ]


@pytest.mark.timeout(120)
def test_a_writable_new_path_starts_and_creates_only_what_it_records(tmp_path: Path) -> None:
    """The probe leaves nothing: a run that records nothing leaves no file and no folder."""
    done = subprocess.Popen(
        [*VSTAPE, "record", "--listen", "127.0.0.1:0", "--cassette", "deep/er/run.yaml"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1"),
    )
    assert done.stdout is not None
    first = done.stdout.readline()
    assert "reverse proxy at http://127.0.0.1:" in first, first
    done.terminate()
    out, _ = done.communicate(timeout=30)
    assert done.returncode == 0, first + out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.timeout(120)
def test_mitmdump_with_the_addon_script_refuses_too(workdir: Path) -> None:
    """Through mitmdump the message names the mitmproxy option the user set."""
    mitmdump = shutil.which("mitmdump", path=str(Path(sys.executable).parent))
    assert mitmdump is not None
    done = subprocess.run(
        [
            mitmdump,
            "--listen-host",
            "127.0.0.1",
            "-p",
            "0",
            "-s",
            str(ROOT / "proxy_addons" / "vstape_mitmproxy" / "addons.py"),
            "--set",
            "vstape_cassette=evil.yaml",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=workdir,
    )
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "vstape_cassette 'evil.yaml': evil.yaml exists and is not a loadable cassette" in out
    assert not (workdir / "pwned").exists()


@pytest.mark.timeout(60)
def test_a_busy_port_names_listen_not_mitmproxys_mode(tmp_path: Path) -> None:
    """The port is taken: vstape's --listen and a way out, not a placeholder upstream."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in (["record"], ["emulate"], ["replay", str(ROOT / "cassettes" / "get_file")]):
            done = subprocess.run(
                [*VSTAPE, *command, "--listen", f"127.0.0.1:{port}"],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=tmp_path,
                env=dict(os.environ, PYTHONPATH=str(ROOT)),
            )
            assert done.returncode == 2, done.stdout + done.stderr
            assert done.stderr.strip() == (
                f"vstape {command[0]}: --listen 127.0.0.1:{port}: the port is already in use "
                "(another vstape or server listens there); stop it, or pick another port, "
                "e.g. --listen 127.0.0.1:0 for a free one"
            )
            assert "--mode" not in done.stdout + done.stderr
