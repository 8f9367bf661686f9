"""``python -m sojourn``: the command line."""

from sojourn.cli import main

main()
