"""`python -m s2sad.passes [--write]`: print the README's list of passes (`manager.py`), or write it into README.md."""
from .manager import main

if __name__ == "__main__":
    raise SystemExit(main())
