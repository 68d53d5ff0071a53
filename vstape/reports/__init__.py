"""What vstape reports, and how: records in one module each, writers in one module per format.

Records (data and computation, no rendering): :mod:`~vstape.reports.findings` (what
``vstape validate`` and ``vstape lint`` found), :mod:`~vstape.reports.run` (what a
recording proxy run saw), :mod:`~vstape.reports.coverage` (the route x scenario matrix),
and :mod:`~vstape.reports.lint` (the lint rules). Writers, one per format, each serving
every record it applies to: :mod:`~vstape.reports.text` (terminal lines and tables),
:mod:`~vstape.reports.json`, :mod:`~vstape.reports.junit`, :mod:`~vstape.reports.sarif`
and :mod:`~vstape.reports.html`.
"""
