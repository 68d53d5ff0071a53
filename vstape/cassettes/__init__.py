"""vstape/cassettes."""
