"""`piiscan serve`: a local HTTP API to scan, redact and redact ID copies as they are uploaded."""
