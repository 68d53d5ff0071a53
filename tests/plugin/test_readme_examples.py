"""The README's error-handling examples run as written, and its catalog table is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from vstape.cli.faults import catalog_markdown

ROOT = Path(__file__).resolve().parents[2]
FRAGMENT = ROOT / "docs" / "readme" / "faults.md"


def _block(text: str, first_line: str) -> str:
    for block in text.split("```python\n")[1:]:
        code = block.split("```", 1)[0]
        if code.startswith(first_line):
            return code
    raise AssertionError(f"no python block starting with {first_line!r}")


def test_catalog_table_is_generated_from_the_catalog() -> None:
    """The README's catalog table is exactly `vstape faults --markdown`."""
    assert catalog_markdown() in FRAGMENT.read_text()


def test_error_handling_example_passes_as_written(pytester: pytest.Pytester) -> None:
    """tests/test_error_handling.py from the README, run with the command the README gives."""
    code = _block(FRAGMENT.read_text(), "# tests/test_error_handling.py")
    tests = pytester.mkdir("tests")
    (tests / "test_error_handling.py").write_text(code)
    pytester.makeini(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\nfilterwarnings =\n    ignore::pytest.PytestRemovedIn10Warning\n"
    )
    result = pytester.runpytest("--block-network", "tests/test_error_handling.py")
    from vstape_pytest._shipped import failure_scenarios

    result.assert_outcomes(passed=len(failure_scenarios("get_vector_store")) + 3)
