"""`piiscan audit` and `piiscan find`: scheduled scans with state, retention and reports."""
