"""The failure catalog: what the API (or the network) does when it fails, as data that
drives fault injection, the shipped cassettes, the failure fixtures and coverage.
"""
