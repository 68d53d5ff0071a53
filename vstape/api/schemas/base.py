"""The base Struct and the named constraint aliases every schema module shares.

Policy carried by :class:`Schema`:

- ``forbid_unknown_fields=True``: an unknown key fails the fast decode, so the
  validator can classify it (an error in a closed request body, a *drift* warning in
  an open response object). The Structs stay the single source of truth.
- ``omit_defaults=True``: optional request fields left ``UNSET`` are not encoded, so
  the emulator writes exactly the keys the real API writes.
- ``kw_only=True`` is not inherited by msgspec, so each class lists required fields
  first.
"""

from __future__ import annotations

from typing import Annotated

import msgspec


class Schema(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Base of every wire Struct (see the module docstring for the flags)."""


# -- identifiers and scalars -------------------------------------------------------
UnixTime = Annotated[int, msgspec.Meta(ge=0, description="Unix time in seconds")]
NonNegativeInt = Annotated[int, msgspec.Meta(ge=0)]
Score = Annotated[float, msgspec.Meta(ge=0, le=1)]

# -- metadata (vector stores): prose-only limits, enforced as documented -----------
MetadataKey = Annotated[str, msgspec.Meta(max_length=64)]
MetadataValue = Annotated[str, msgspec.Meta(max_length=512)]
Metadata = Annotated[
    dict[MetadataKey, MetadataValue],
    msgspec.Meta(max_length=16, description="at most 16 pairs; keys <= 64, values <= 512 chars"),
]

# -- attributes (vector-store files): encoded in the spec --------------------------
AttributeKey = Annotated[str, msgspec.Meta(max_length=64)]
AttributeString = Annotated[str, msgspec.Meta(max_length=512)]
AttributeValue = AttributeString | int | float | bool
Attributes = Annotated[
    dict[AttributeKey, AttributeValue],
    msgspec.Meta(max_length=16, description="at most 16 keys; str <= 512 | number | bool"),
]
