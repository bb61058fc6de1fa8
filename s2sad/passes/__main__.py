"""`python -m s2sad.passes`: print the README's list of passes (`manager.py`); `python -m s2sad.teach.readme --write` writes it."""
from .manager import main

if __name__ == "__main__":
    raise SystemExit(main())
