"""``python -m sojourn.cli``: the command line."""

from sojourn.cli import main

main()
