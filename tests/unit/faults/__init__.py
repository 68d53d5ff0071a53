"""Unit tests of vstape.faults."""
