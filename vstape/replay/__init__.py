"""vstape/replay."""
