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
    from parentinvolve import loader

    return loader.load(folder if folder is not None else shipped_content())
