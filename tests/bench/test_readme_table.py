"""bench._readme: the table of one run replaces the one between the markers, prose kept."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from bench import _readme
from bench.run_all import FRAGMENT

ROW = ["load", "load 10,000", "2,500 (2,453–3,124)", "ms", "PyYAML", "20,407", "8.17x", ">= 5x", ""]


def test_the_table_between_the_markers_is_replaced_and_the_prose_kept(tmp_path: Path) -> None:
    fragment = tmp_path / "performance.md"
    fragment.write_text(
        f"## Performance\n\nbefore\n\n{_readme.START}\n| old |\n{_readme.END}\n\nafter\n"
    )
    _readme.update(fragment, [ROW, ["x", "a|b", "1", "s"]], datetime.date(2026, 12, 2))
    text = fragment.read_text()
    assert text.startswith("## Performance\n\nbefore\n\n") and text.endswith(
        f"{_readme.END}\n\nafter\n"
    )
    assert "| old |" not in text and "Measured 2026-12-02 by one `make bench` run" in text
    assert (
        "| load | load 10,000 | 2,500 (2,453–3,124) ms | PyYAML | 20,407 | 8.17x | >= 5x |  |"
        in text
    )
    assert "| x | a\\|b | 1 s |" in text  # a pipe in a cell does not split it


def test_missing_markers_are_an_error_naming_the_file(tmp_path: Path) -> None:
    fragment = tmp_path / "performance.md"
    fragment.write_text("## Performance\n")
    with pytest.raises(ValueError, match=r"performance\.md: the markers .* are missing"):
        _readme.update(fragment, [ROW], datetime.date(2026, 12, 2))
    assert fragment.read_text() == "## Performance\n"


def test_the_real_fragment_has_the_markers() -> None:
    text = FRAGMENT.read_text(encoding="utf-8")
    assert text.index(_readme.START) < text.index(_readme.END)
