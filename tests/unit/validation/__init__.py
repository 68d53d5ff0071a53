"""Unit tests of vstape.validation."""
