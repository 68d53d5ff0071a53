"""Unit tests of vstape.recording."""
