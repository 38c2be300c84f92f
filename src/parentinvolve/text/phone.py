"""Telephone numbers in text, found whole and written as dialled (RFC 3966's `tel:` URI).

A number is a run of digits with only visual separators inside (spaces, hyphens, dots, brackets), optionally
after a `+`: `+44 20 7946 0018` dials `tel:+442079460018`, `(555) 010-0199` dials `tel:5550100199`. A number
joined to letters (`1-800-HELP-NOW`) is never linked: a link dials exactly what is written, or nothing. Short
codes (`988`, `116 123`) are numbers too; runs of fewer than three digits ("under 19") are not.
"""

from __future__ import annotations

import re

# An optional country code (+44) and area code in brackets ((555)), then digits with spaces, hyphens or dots.
_NUMBER = re.compile(r"(?<![\w.+/-])(?:\+\d{1,3}[ .\-]?)?(?:\(\d{1,5}\)[ .\-]?)?\d(?:[\d .\-]*\d)?(?!\w|[.\-]\w)")
_JOINED = re.compile(r"[^\W\d_]-$")  # a letter and a hyphen right before: part of a vanity number
_LETTERS_IN_NUMBER = re.compile(r"\d-[A-Za-z]{2,}\b|\b[A-Z]{2,}-\d|\d[A-Z]{3,}\b")
MIN_DIGITS = 3


def dialled(number: str) -> str:
    """`number` as RFC 3966 writes it: the `+` kept, the visual separators dropped."""
    return ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)


def find(text: str) -> list[tuple[int, int, str]]:
    """Each whole telephone number in `text`: (start, end, number as written)."""
    out = []
    for m in _NUMBER.finditer(text):
        start, number = m.start(), m.group(0)
        if _JOINED.search(text[:start]) or sum(ch.isdigit() for ch in number) < MIN_DIGITS:
            continue
        out.append((start, start + len(number), number))
    return out


def questionable(contact: str) -> bool:
    """Whether `contact` has letters among a number's digits (`1-800-HELP-NOW`): it cannot be dialled from a
    link, and a parent may misdial it. Web and mail addresses are not numbers."""
    if "@" in contact or "://" in contact:
        return False
    return bool(_LETTERS_IN_NUMBER.search(contact))
