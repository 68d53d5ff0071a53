"""Semantic comparison: JSON values field by field (:mod:`.fields`), cassettes and cassette
trees interaction by interaction (:mod:`.cassettes`), and the report in three forms
(:mod:`.render`: terminal, JSON, Markdown for a pull-request comment).
"""
