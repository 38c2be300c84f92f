""" "Did you mean …?" for a mistyped name (kept apart so light paths need not import the YAML reader)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import lru_cache

from parentinvolve.i18n import _


def close_matches(word: str, known: Iterable[str]) -> list[str]:
    """Up to three known names close to `word`, closest first."""
    return difflib.get_close_matches(word, list(known), n=3, cutoff=0.6)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    close = _suggest(word, tuple(known))
    return " " + _("(did you mean: {names}?)").format(names=", ".join(close)) if close else ""


@lru_cache(maxsize=4096)  # the same typo repeated thousands of times is looked up once
def _suggest(word: str, known: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(close_matches(word, known))
