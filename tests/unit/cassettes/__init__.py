"""Unit tests of vstape.cassettes."""
