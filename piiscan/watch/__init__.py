"""`piiscan watch`: redact files dropped into a folder, as they arrive."""
