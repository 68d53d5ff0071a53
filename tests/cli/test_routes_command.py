"""`vstape routes`: one line per route of the table, in columns that line up."""

from __future__ import annotations

import re

import pytest

from vstape.api.routes import ROUTES
from vstape.cli.main import main


def test_one_aligned_line_per_route(capsys: pytest.CaptureFixture[str]) -> None:
    """Name, method, path, SDK method: each column starts at the same place on every line.

    (The path column had a fixed width the longest template outgrew, shifting its SDK method.)
    """
    assert main(["routes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(ROUTES)
    for route, line in zip(ROUTES, lines, strict=True):
        assert line.split() == [route.name, route.method, f"/v1{route.template}", route.sdk_method]
    starts = {tuple(m.start() for m in re.finditer(r"\S+", line)) for line in lines}
    assert len(starts) == 1, f"the columns start at {sorted(starts)}"
