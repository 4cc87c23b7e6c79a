"""`python -m piiscan` is the `piiscan` command."""

from piiscan.cli import main

main()
