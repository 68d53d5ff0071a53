"""tests/unit/faults."""
