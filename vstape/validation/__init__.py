"""Checking traffic against the schemas: a request or a response -> every violation.

:mod:`.validate` is the entry point (one msgspec decode when valid); :mod:`.walker` lists
every violation of an invalid body; :mod:`.violations` is the record; :mod:`.headers`,
:mod:`.forms`, :mod:`.numbers` and :mod:`.kinds` are the pieces the two share.
"""
