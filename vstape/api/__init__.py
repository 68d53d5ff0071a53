"""The API vstape knows: the route table (:mod:`.routes`), which traffic is the API's
(:mod:`.scope`) and the msgspec schemas of every body (:mod:`.schemas`).
"""
