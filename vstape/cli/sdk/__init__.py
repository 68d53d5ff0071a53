"""vstape/cli/sdk."""
