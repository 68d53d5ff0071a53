"""tests/unit/cassettes."""
