"""Every touch of vcrpy's internals, in one place: vstape's cassette, persister and matcher.

Imported lazily, when a test uses a cassette (never at plugin import):

- :mod:`.configure` makes one VCR vstape's (its cassette class and persister);
- :mod:`.cassette` is vcrpy's Cassette with vstape's replay for vstape's requests;
- :mod:`.persister` loads and saves cassette files, stock for files vstape need not touch;
- :mod:`.convert` turns vstape's cassettes into vcrpy's interactions and back;
- :mod:`.matcher` sorts requests (vstape's or stock) and keys vstape's;
- :mod:`.replayed` checks a replayed response and raises its transport fault;
- :mod:`.shipped` replays a shipped cassette by route;
- :mod:`.lifecycle` resets the cassettes before a test and reports unused interactions after it.
"""
