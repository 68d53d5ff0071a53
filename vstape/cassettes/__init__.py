"""Cassettes: the model (:mod:`.model`), safe loading and atomic dumping (:mod:`.io`),
streaming reads (:mod:`.stream`), the group-commit writer of the recorder (:mod:`.writer`),
locks outside the cassette folder (:mod:`.locks`) and the shipped set (:mod:`.shipped`).
"""
