"""`python -m parentinvolve`."""

import sys

from parentinvolve.cli import main

sys.exit(main())
