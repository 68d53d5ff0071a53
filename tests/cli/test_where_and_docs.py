"""`vstape where` and `vstape docs`: what the README points at, found by an installed user.

In a checkout the paths are the repository's; from a wheel built here and installed
into a fresh venv (no checkout on sys.path), they are inside site-packages and exist,
`vstape docs` prints README sections from the wheel, `cassettes regenerate` refuses to
write into the package, and mitmdump loads the addon script from where `where` says.
Every `vstape docs ANCHOR` a message of vstape points at is a real README section.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.procs import ROOT
from vstape import docs
from vstape.cli.where import locations


def test_in_a_checkout_every_location_exists() -> None:
    """cassettes, the addon scripts and the README: the repository's own files."""
    found = locations()
    assert found == {
        "cassettes": ROOT / "cassettes",
        "addon": ROOT / "proxy_addons" / "vstape_mitmproxy" / "addons.py",
        "emulator-addon": ROOT / "proxy_addons" / "vstape_mitmproxy" / "emulator.py",
        "docs": ROOT / "README.md",
    }
    done = subprocess.run(
        [sys.executable, "-m", "vstape.cli.main", "where", "addon"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == f"{ROOT / 'proxy_addons' / 'vstape_mitmproxy' / 'addons.py'}\n"


def _sources() -> list[Path]:
    return [
        p
        for face in ("vstape", "proxy_addons", "pytest_plugin")
        for p in (ROOT / face).rglob("*.py")
    ]


def _docs_references() -> set[str]:
    refs: set[str] = set()
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        refs |= set(re.findall(r"vstape docs ([a-z0-9-]+)`", text))
        refs |= set(re.findall(r'see\("([a-z0-9-]+)"\)', text))
        refs |= set(re.findall(r'TROUBLESHOOTING = "([a-z0-9-]+)"', text))
    return refs


def test_every_docs_reference_is_a_section() -> None:
    """Messages name anchors that `vstape docs` finds, and none says README.md#."""
    refs = _docs_references()
    assert {
        "troubleshooting-a-request-that-does-not-match",
        "unused-interactions",
        "validation-on-replay",
    } <= refs
    anchors = {s.anchor for s in docs.sections()}
    assert refs <= anchors, refs - anchors
    for path in _sources():
        assert "README.md#" not in path.read_text(encoding="utf-8"), path


def test_docs_prints_one_section_and_lists_them(tmp_path: Path) -> None:
    """A heading's anchor prints that section; a prefix prints the first match; unknown: exit 2."""
    run = [sys.executable, "-m", "vstape.cli.main", "docs"]
    listing = subprocess.run(run, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert "    troubleshooting-a-request-that-does-not-match" in listing.stdout.splitlines()
    one = subprocess.run(
        [*run, "troubleshooting-a-request-that-does-not-match"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert one.stdout.startswith("### Troubleshooting: a request that does not match\n")
    assert "### Unused interactions" not in one.stdout
    missing = subprocess.run([*run, "nope"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "no section 'nope'" in missing.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from this checkout; deps from this venv."""
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(tmp)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp.glob("vstape-*.whl")
    venv = tmp / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    python = venv / "bin" / "python"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
            timeout=60,
        ).strip()
    )
    # the dependencies (msgspec, PyYAML, vcrpy, mitmproxy...) from this venv, after the wheel
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def _vstape(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(venv / "bin" / "vstape"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


@pytest.mark.timeout(600)
def test_an_installed_wheel_finds_what_the_readme_points_at(
    installed: Path, tmp_path: Path
) -> None:
    """From site-packages: where, docs, validate of the shipped set, regenerate refusing."""
    site = next((installed / "lib").glob("python3*/site-packages"))
    where = _vstape(installed, tmp_path, "where")
    assert where.returncode == 0, where.stderr
    found = dict(line.split(None, 1) for line in where.stdout.splitlines())
    assert found == {
        "cassettes": str(site / "vstape" / "_shipped_cassettes"),
        "addon": str(site / "vstape_mitmproxy" / "addons.py"),
        "emulator-addon": str(site / "vstape_mitmproxy" / "emulator.py"),
        "docs": str(site / "vstape" / "_docs" / "README.md"),
    }
    for path in found.values():
        assert Path(path).exists(), path
    assert (Path(found["cassettes"]) / "get_vector_store" / "ok.yaml").is_file()
    section = _vstape(installed, tmp_path, "docs", "troubleshooting-a-request-that-does-not-match")
    assert section.stdout.startswith("### Troubleshooting: a request that does not match")
    valid = _vstape(installed, tmp_path, "validate", found["cassettes"])
    assert valid.returncode == 0, valid.stdout[-2000:] + valid.stderr
    assert f"vstape validate: {len(list(Path(found['cassettes']).glob('*/*.yaml')))} cassettes" in (
        valid.stdout
    )
    before = sorted(p.stat().st_mtime_ns for p in Path(found["cassettes"]).rglob("*"))
    refused = _vstape(installed, tmp_path, "cassettes", "regenerate")
    assert refused.returncode == 2
    assert "belong to the installed package and are not rewritten; give --out FOLDER" in (
        refused.stderr
    )
    assert sorted(p.stat().st_mtime_ns for p in Path(found["cassettes"]).rglob("*")) == before
    assert list(tmp_path.iterdir()) == []


@pytest.mark.timeout(300)
def test_mitmdump_loads_the_installed_addon_script(installed: Path, tmp_path: Path) -> None:
    """`mitmdump -s "$(vstape where addon)"` runs the installed recorder (here: its refusal)."""
    addon = _vstape(installed, tmp_path, "where", "addon").stdout.strip()
    (tmp_path / "adir").mkdir()
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "mitmdump"),
            "--listen-host",
            "127.0.0.1",
            "-p",
            "0",
            "-s",
            addon,
            "--set",
            "vstape_cassette=adir",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert f"Loading script {addon}" in out
    assert "vstape_cassette 'adir': is a folder, and vstape_cassette takes a file" in out
