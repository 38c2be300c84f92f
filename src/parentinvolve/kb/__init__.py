"""The knowledge base: finding the content, reading and validating it, and the cache.

Nothing outside this package reads content files. Its whole interface is three functions:
`shipped()` (where the built-in content is), `load()` (the validated, cached `KnowledgeBase`) and
`check()` (every problem in a folder, for `validate`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from parentinvolve.errors import ContentError, Problem
from parentinvolve.model import KnowledgeBase

if TYPE_CHECKING:
    from parentinvolve.kb.build import Counts

_PACKAGE = Path(__file__).resolve().parent.parent


def shipped() -> Path:
    """The content that came with parentinvolve: inside the package (wheel), or beside `src/` (editable)."""
    for candidate in (_PACKAGE / "content", _PACKAGE.parent.parent / "content"):
        if (candidate / "rules.yaml").is_file():
            return candidate
    raise ContentError(
        [Problem(str(_PACKAGE / "content"), 1, 1, "the built-in content is missing; reinstall parentinvolve")]
    )


def load(folder: Path | None = None, clinic: Path | None = None) -> KnowledgeBase:
    """The validated knowledge base: from the cache when the content is unchanged, else from the YAML.

    The YAML path is the source of truth: the cache only ever holds what it produced for the same bytes,
    and is skipped on any doubt (see `cache.py`). `validate` does not come through here.
    """
    root = folder if folder is not None else shipped()
    from parentinvolve.kb import cache

    key = cache.content_key(root, clinic) if cache.enabled() else None
    if key is not None:
        kb = cache.load(root, key, clinic)
        if kb is not None:
            return kb
    from parentinvolve.kb import build

    kb = build.load(root, clinic)  # validates everything; pauses the cyclic GC while it reads
    if key is not None and cache.content_key(root, clinic) == key:  # unchanged while we read it
        cache.store(root, key, kb, clinic)
    return kb


def check(folder: Path, clinic: Path | None = None) -> tuple[KnowledgeBase | None, list[Problem], Counts]:
    """Every problem in the content folder and a clinic's layer over it (never cached): the knowledge base
    when there are none."""
    from parentinvolve.kb import build

    return build.check(folder, clinic)
