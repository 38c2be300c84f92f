"""`python -m parentinvolve`: the same start as the `parentinvolve` command (signals first)."""

from parentinvolve.startup import run

run()
