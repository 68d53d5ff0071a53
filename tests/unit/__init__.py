"""Unit tests of the core, one folder per core subpackage."""
