"""``make conformance``: Schemathesis, from the official OpenAPI spec, against ``vstape emulate``."""
