"""Shell completion for `explain TOPIC`: ids and every name or alias, from the cached knowledge base
(a warm completion never imports yaml, so Tab answers at once)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

_SHELL_SAFE = re.compile(r"[a-z0-9][a-z0-9-]*")


def topics(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """(word, what it is) for every topic whose id, name or alias starts with what was typed so far.
    Names are offered with hyphens for spaces (`parent-only-sessions`), which `explain` reads alike."""
    from parentinvolve import kb as kb_package
    from parentinvolve.errors import ParentInvolveError
    from parentinvolve.model import lookup_key

    content = ctx.find_root().params.get("content")
    try:
        kb = kb_package.load(Path(content) if content else None)
    except (ParentInvolveError, OSError):  # a broken content folder: nothing to offer, and no noise
        return []
    typed = lookup_key(incomplete).replace(" ", "-")
    titles = {e.id: e.name for e in kb.entries}
    offered: dict[str, str] = {}
    for entry_id in titles:  # ids first, in the knowledge base's order
        if entry_id.startswith(typed):
            offered[entry_id] = titles[entry_id]
    for key, entry_id in kb.names.items():
        word = key.replace(" ", "-")
        if word.startswith(typed) and word not in offered and _SHELL_SAFE.fullmatch(word):
            offered[word] = titles.get(entry_id, entry_id)
    return list(offered.items())
