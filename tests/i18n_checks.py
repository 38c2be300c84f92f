"""Checks for translated text, for tests (phase 2 of issue 14 applies them to every Spanish output).

- `english_ratio(text)`: the share of words that are English function words ("the", "and", "your" ...). English
  prose is around 40%; Spanish prose is 0%. Names, acronyms, ids and web addresses do not count as words.
- `fernandez_huerta(text)`: Spanish readability (Fernández-Huerta, like Flesch: 70+ is easy), with textstat
  0.7.4, which syllabifies with pyphen's Spanish dictionary and works offline.
- `po_messages(path)`: a `.po` file's translated messages, read with Babel, keyed as a `.mo` file keys them.
"""

from __future__ import annotations

import re
from pathlib import Path

from parentinvolve.i18n import catalogs

# English words that are not also Spanish words ("a", "no", "me", "he", "son" ... are left out).
ENGLISH_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "is",
        "you",
        "your",
        "in",
        "that",
        "it",
        "for",
        "with",
        "are",
        "be",
        "this",
        "on",
        "or",
        "at",
        "by",
        "from",
        "not",
        "but",
        "have",
        "will",
        "can",
        "what",
        "how",
        "when",
        "if",
        "they",
        "their",
        "we",
        "our",
        "an",
        "was",
        "were",
        "has",
        "had",
        "do",
        "does",
        "about",
        "into",
        "than",
        "then",
        "them",
        "there",
        "which",
        "who",
        "would",
        "should",
        "could",
        "may",
        "might",
        "after",
        "before",
        "during",
        "its",
        "it's",
        "don't",
        "you'll",
        "you're",
        "isn't",
        "these",
        "those",
        "while",
        "where",
        "why",
    ]
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SKIP = re.compile(r"https?://\S+|\S+\.(?:org|com|uk|ca|au|ie)\S*|`[^`]*`|(?<![\w-])--?[a-z][\w-]*")


def words(text: str) -> list[str]:
    """The words of `text`, lower-cased, without web addresses, code, --options and all-capital names (PCIT)."""
    return [w.lower() for w in _WORD.findall(_SKIP.sub(" ", text)) if not (w.isupper() and len(w) > 1)]


def english_ratio(text: str) -> float:
    found = words(text)
    return sum(w in ENGLISH_STOPWORDS for w in found) / len(found) if found else 0.0


def english_sentences(text: str, threshold: float = 0.25) -> list[str]:
    """The lines of `text` that read as English (for a useful failure message)."""
    return [line for line in text.splitlines() if len(words(line)) >= 4 and english_ratio(line) >= threshold]


def fernandez_huerta(text: str) -> float:
    import textstat

    textstat.set_lang("es")
    try:
        return float(textstat.fernandez_huerta(text))
    finally:
        textstat.set_lang("en_US")


def po_messages(path: Path) -> dict[str, str]:
    """The translated messages of a `.po` file (fuzzy and empty ones left out, as in the `.mo`), msgid -> msgstr;
    a plural's forms joined by NUL on both sides, as gettext keys them; the header is the "" message."""
    out: dict[str, str] = {}
    for message in catalogs.read(path.read_text(encoding="utf-8"), str(path)):
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (message.string or "",) if isinstance(message.string, str | None) else tuple(message.string)
        if all(strings) and (not message.fuzzy or not message.id):
            out["\0".join(ids)] = "\0".join(strings)
    return out
