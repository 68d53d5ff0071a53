"""vstape/reports."""
