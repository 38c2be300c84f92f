""" "Did you mean …?" for a mistyped name (kept apart so light paths need not import the YAML reader)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(word: str, known: Iterable[str]) -> list[str]:
    """Up to three known names close to `word`, closest first."""
    return difflib.get_close_matches(word, list(known), n=3, cutoff=0.6)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    close = close_matches(word, known)
    return f" (did you mean: {', '.join(close)}?)" if close else ""
