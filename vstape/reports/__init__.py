"""What vstape reports: findings of validate and lint, the recording proxy's run report,
the coverage matrix, and their writers (terminal, JSON, JUnit, SARIF, HTML).
"""
