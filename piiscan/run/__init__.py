"""Execution: the per-file worker and the runner that feeds it."""
