"""Subcommands of the ``vstape`` CLI, one module each (see :mod:`vstape.cli.main`)."""
