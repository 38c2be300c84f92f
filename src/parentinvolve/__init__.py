"""parentinvolve: what a parent's part will be in their child's therapy."""

__version__ = "0.3.0"
