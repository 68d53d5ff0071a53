"""The shipped-cassette location: checkout vs wheel, and no path traversal through names."""

from __future__ import annotations

import pytest

from vstape.shipped import scenarios_of, shipped_dir, shipped_path


def test_location_in_a_checkout() -> None:
    """In a checkout the shipped cassettes are the repository's cassettes/ folder."""
    assert shipped_dir().name == "cassettes"
    assert shipped_path("get_vector_store").is_file()
    assert scenarios_of("get_vector_store")[0] == "ok"


@pytest.mark.parametrize(
    ("route", "scenario"),
    [
        ("get_vector_store", "../../../etc/passwd"),
        ("../vstape", "ok"),
        ("get_vector_store", "/abs"),
        ("get_vector_store", "ok.yaml"),
        ("GET", "ok"),
    ],
)
def test_hostile_names_are_refused(route: str, scenario: str) -> None:
    """Traversal and odd names from markers or the CLI are refused with the rule."""
    with pytest.raises(ValueError, match="lower-case letters, digits and underscores"):
        shipped_path(route, scenario)
