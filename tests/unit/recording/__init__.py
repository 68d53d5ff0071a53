"""tests/unit/recording."""
