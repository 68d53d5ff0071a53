"""``@pytest.mark.vstape(off=..., keep_ids=...)``: booleans only, anything else a usage error naming it."""

from __future__ import annotations

import pytest

from vstape_pytest.settings import _marker_flag


@pytest.mark.parametrize("name", ["off", "keep_ids"])
def test_a_marker_flag_is_a_bool_or_absent(name: str) -> None:
    """Absent: None (the command line and ini decide); True/False: as given."""
    assert _marker_flag({}, name) is None
    assert _marker_flag({name: True}, name) is True
    assert _marker_flag({name: False, "other": 1}, name) is False


@pytest.mark.parametrize("name", ["off", "keep_ids"])
@pytest.mark.parametrize("value", ["yes", 1, None])
def test_anything_else_is_a_usage_error_that_says_what_to_write(name: str, value: object) -> None:
    """``off="yes"`` is not silently truthy: the error quotes it and gives the two valid spellings."""
    with pytest.raises(pytest.UsageError) as caught:
        _marker_flag({name: value}, name)
    assert str(caught.value) == (
        f"vstape: @pytest.mark.vstape {name}={value!r} is not valid; give {name}=True or {name}=False"
    )
