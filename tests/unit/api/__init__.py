"""Unit tests of vstape.api."""
