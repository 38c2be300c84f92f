""" "Did you mean …?" for a mistyped name (kept apart so light paths need not import the YAML reader)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache


def did_you_mean(word: str, known: Iterable[str]) -> str:
    return _suggest(word, tuple(known))


@lru_cache(maxsize=4096)  # the same typo repeated thousands of times is looked up once
def _suggest(word: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(known), n=3, cutoff=0.6)
    return f" (did you mean: {', '.join(close)}?)" if close else ""
