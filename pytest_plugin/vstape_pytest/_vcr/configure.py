"""One VCR instance configured for vstape, and nothing else touched.

Imported lazily (from the ``pytest_recording_configure`` hook), never at plugin import.

:func:`configure` changes only the VCR it is given (pytest-recording's, for one test):

- its cassettes are :class:`~vstape_pytest._vcr.cassette.IndexedCassette` - vcrpy has
  no per-instance cassette class, so this VCR's own ``_use_cassette`` (the one place vcrpy
  names ``Cassette``) is replaced on the instance; ``vcr.config.Cassette`` is never
  assigned, so a plain ``vcr.VCR()`` anywhere else in the session stays stock;
- its persister becomes :class:`~vstape_pytest._vcr.persister.VstapePersister`, wrapping the one
  it had (pytest-recording's, or the user's);
- ``match_on``, filters, hooks and ``decode_compressed_response`` stay as the user set
  them: they apply to every request that is not vstape's.
"""

from __future__ import annotations

import functools
from typing import Any

import vcr.config

from vstape_pytest._vcr.cassette import IndexedCassette
from vstape_pytest._vcr.persister import VstapePersister
from vstape_pytest.settings import Settings


def configure(vcr_instance: Any, settings: Settings) -> None:
    """Make one VCR vstape's for its OpenAI Vector Stores traffic (see the module docstring)."""
    cassette_class: Any = type("IndexedCassette", (IndexedCassette,), {"bound_settings": settings})

    def use_cassette(with_current_defaults: bool = False, **kwargs: Any) -> Any:
        # vcrpy's VCR._use_cassette, with vstape's cassette class, for this instance only.
        if with_current_defaults:
            return cassette_class.use(**vcr_instance.get_merged_config(**kwargs))
        getter = functools.partial(vcr_instance.get_merged_config, **kwargs)
        return cassette_class.use_arg_getter(getter)

    vcr_instance._use_cassette = use_cassette
    wrapped = vcr_instance.persister
    if isinstance(wrapped, VstapePersister):  # configured twice: wrap the original once
        wrapped = wrapped.wrapped
    vcr_instance.register_persister(
        VstapePersister(wrapped, settings.hosts, vcr_instance.cassette_library_dir)
    )
    if settings.format == "json":
        vcr_instance.path_transformer = vcr.config.VCR.ensure_suffix(".json")
        vcr_instance.serializer = "json"
