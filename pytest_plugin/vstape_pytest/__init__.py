"""vstape's pytest plugin: replay Vector Stores API cassettes through vcrpy.

The ``pytest11`` entry point names :mod:`vstape_pytest.plugin`; this package has no
side effects on import.
"""
