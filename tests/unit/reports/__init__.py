"""Unit tests of vstape.reports."""
