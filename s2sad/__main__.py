"""`python -m s2sad` runs the command line."""
import sys

from .teach.cli import main

sys.exit(main())
