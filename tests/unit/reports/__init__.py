"""tests/unit/reports."""
