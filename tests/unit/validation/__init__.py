"""tests/unit/validation."""
