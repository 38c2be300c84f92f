"""Where the knowledge base lives, and loading it (the one place that touches the content folder)."""

from __future__ import annotations

from pathlib import Path

from parentinvolve.errors import ContentError, Problem
from parentinvolve.knowledge import KnowledgeBase

_HERE = Path(__file__).resolve().parent


def shipped_content() -> Path:
    """The content that came with parentinvolve: inside the package (wheel), or beside `src/` (editable)."""
    for candidate in (_HERE / "content", _HERE.parent.parent / "content"):
        if (candidate / "rules.yaml").is_file():
            return candidate
    raise ContentError(
        [Problem(str(_HERE / "content"), 1, 1, "the built-in content is missing; reinstall parentinvolve")]
    )


def load_kb(folder: Path | None = None) -> KnowledgeBase:
    """The validated knowledge base: from the cache when the content is unchanged, else from the YAML.

    The YAML path is the source of truth: the cache only ever holds what it produced for the same bytes,
    and is skipped on any doubt (see `cache.py`). `validate` does not come through here.
    """
    root = folder if folder is not None else shipped_content()
    from parentinvolve import cache

    key = cache.content_key(root) if cache.enabled() else None
    if key is not None:
        kb = cache.load(root, key)
        if kb is not None:
            return kb
    from parentinvolve import loader

    kb = loader.load(root)  # validates everything; pauses the cyclic GC while it reads
    if key is not None and cache.content_key(root) == key:  # unchanged while we read it
        cache.store(root, key, kb)
    return kb
