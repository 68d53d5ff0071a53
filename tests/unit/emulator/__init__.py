"""Unit tests of vstape.emulator."""
