"""tests/unit/emulator."""
