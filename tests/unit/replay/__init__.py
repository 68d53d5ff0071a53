"""Unit tests of vstape.replay."""
