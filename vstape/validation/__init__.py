"""vstape/validation."""
