"""Answering requests from cassettes: the request key (:mod:`.matching`), the index with
sequencing and fast-forward (:mod:`.index`), and the file-backed answerer the replay
server uses (:mod:`.replayer`).
"""
