"""vstape/faults."""
