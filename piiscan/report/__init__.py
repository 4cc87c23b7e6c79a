"""Sinks for the inventory: records, output files and the end-of-run summary."""
