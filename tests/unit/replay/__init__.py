"""tests/unit/replay."""
