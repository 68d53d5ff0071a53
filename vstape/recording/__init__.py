"""vstape/recording."""
