"""`vstape coverage --html`: one self-contained page that a browser really draws.

The page is rendered by headless Chromium (Debian's `chromium` package): a screenshot
must show the green covered and grey uncovered cells, and the DOM one row per route.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.cli.test_coverage_command import hand_made, run_coverage
from vstape.api.routes import ROUTES
from vstape.reports.html import COVERED_RGB, UNCOVERED_RGB

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)


class _Rows(HTMLParser):
    """Collects the data-route of every <tr class="route">."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: list[str] = []
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and found.get("class") == "route":
            self.routes.append(found.get("data-route") or "")
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if found.get(key):
                self.external.append(str(found[key]))


def _chromium(user_data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--force-color-profile=srgb",
            "--hide-scrollbars",
            f"--user-data-dir={user_data}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _near(pixel: Any, rgb: tuple[int, int, int], tolerance: int = 4) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], rgb, strict=True))


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed: `apt-get install -y chromium` (as root; .ci/run does it)",
)
def test_html_page_renders_the_matrix_in_chromium(tmp_path: Path) -> None:
    """Screenshot: green covered and grey uncovered cells are really drawn; DOM: a row per route."""
    hand_made(tmp_path / "in")
    page = tmp_path / "coverage.html"
    done = run_coverage(str(tmp_path / "in"), "--html", str(page))
    assert done.returncode == 0, done.stdout + done.stderr
    source = _Rows()
    source.feed(page.read_text(encoding="utf-8"))
    assert source.scripts == 0 and source.external == []  # self-contained, no JS needed

    shot = tmp_path / "coverage.png"
    run = _chromium(
        tmp_path / "profile-1", f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri()
    )
    assert shot.exists(), run.stderr[-2000:]
    with Image.open(shot) as image:
        assert image.size == (1400, 1000)
        colors = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    green = sum(n for n, rgb in colors if _near(rgb, COVERED_RGB))
    grey = sum(n for n, rgb in colors if _near(rgb, UNCOVERED_RGB))
    cell = 30 * 20  # a cell is 34 x 24 px: at least this much of it is background
    assert green >= 7 * cell, green  # 7 covered cells (plus the legend swatch and the bar)
    assert grey >= 100 * cell, grey  # hundreds of uncovered cells

    dom = _chromium(tmp_path / "profile-2", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = _Rows()
    rendered.feed(dom.stdout)
    assert rendered.routes == [r.name for r in ROUTES]
    assert "7 of" in dom.stdout and "route x scenario cells covered" in dom.stdout
