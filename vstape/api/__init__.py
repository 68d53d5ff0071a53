"""vstape/api."""
