#!/usr/bin/env python
"""Django's manage.py, kept for habit; ``safepassage`` is the same command."""

import sys

from safepassage.cli import main

if __name__ == "__main__":
    sys.exit(main())
