"""The official SDK as the CLI drives it: one call per route (:mod:`.calls`) and the demo
client (:mod:`.script`). The one place of vstape that imports openai at module level;
the CLI imports it only inside the commands that need it.
"""
