"""`python -m refactor` runs the msb-refactor command."""

from .cli import main

main()
