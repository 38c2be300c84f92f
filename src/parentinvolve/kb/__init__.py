"""The knowledge base: finding the content, reading and validating it, and the cache.

Nothing outside this package reads content files. Its interface is five functions: `shipped()` (where the
built-in content is), `load()` (the validated, cached `KnowledgeBase`, in a language), `check()` (every problem
in a folder, for `validate`), `translation_folders()` and `translate()` (the translations that apply, and
applying them). (`cli` still reaches into `kb.reader`, `kb.overlay` and `kb.translations` for `validate` and
the clinic commands: issue 25 asks for one interface.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from parentinvolve.errors import ContentError, Problem
from parentinvolve.i18n import _
from parentinvolve.model import AFTER_HOURS_LINE, CLINIC_LINE, KnowledgeBase

if TYPE_CHECKING:
    from parentinvolve.kb.build import Counts

_PACKAGE = Path(__file__).resolve().parent.parent


def shipped() -> Path:
    """The content that came with parentinvolve: inside the package (wheel), or beside `src/` (editable)."""
    for candidate in (_PACKAGE / "content", _PACKAGE.parent.parent / "content"):
        if (candidate / "rules.yaml").is_file():
            return candidate
    raise ContentError(
        [Problem(str(_PACKAGE / "content"), 1, 1, _("the built-in content is missing; reinstall parentinvolve"))]
    )


def load(folder: Path | None = None, clinic: Path | None = None, lang: str = "en") -> KnowledgeBase:
    """The validated knowledge base (with a clinic's layer over it, if given), in `lang` where it is
    translated: from the cache when the content, the layer and the translations are unchanged, else from the YAML.

    The YAML path is the source of truth: the cache only ever holds what it produced for the same bytes,
    and is skipped on any doubt (see `cache.py`). `validate` does not come through here.
    """
    root = folder if folder is not None else shipped()
    from parentinvolve.kb import cache

    extra = translation_folders(root, clinic) if lang != "en" else []
    key = cache.content_key(root, clinic, lang, extra) if cache.enabled() else None
    if key is not None:
        kb = cache.load(root, key, clinic, lang)
        if kb is not None:
            return kb
    from parentinvolve.kb import build

    try:
        kb = build.load(root, clinic)  # validates everything; pauses the cyclic GC while it reads
    except ContentError as exc:
        if folder is not None:
            raise
        # The built-in content with a clinic's layer: the hint names the layer (`validate --clinic DIR`).
        raise ContentError(exc.problems, clinic=str(clinic) if clinic else "") from None
    if extra:
        kb = translate(kb, lang, extra)
    if key is not None and cache.content_key(root, clinic, lang, extra) == key:  # unchanged while we read it
        cache.store(root, key, kb, clinic, lang)
    return kb


def translation_folders(root: Path, clinic: Path | None = None) -> list[Path]:
    """Where the translations live (`i18n/<lang>/*.yaml`): the content's own, then a clinic layer's, which wins."""
    return [root / "i18n"] + ([clinic / "i18n"] if clinic is not None else [])


def translate(kb: KnowledgeBase, lang: str, folders: list[Path]) -> KnowledgeBase:
    """`kb` with the up-to-date translations of `lang` in `folders` applied (later folders win), English
    for every entry without one. A clinic layer passes the shipped folder, then its own."""
    from parentinvolve import i18n
    from parentinvolve.kb.translations import merge

    catalog = i18n.catalog(lang)
    fixed = (*merge.HEADINGS, merge.POLICY_OF, merge.POLICY_OF_YOURS, CLINIC_LINE, AFTER_HOURS_LINE)
    headings = {h: catalog.gettext(h) for h in fixed}
    return merge.apply(kb, lang, folders, headings)


def check(folder: Path, clinic: Path | None = None) -> tuple[KnowledgeBase | None, list[Problem], Counts]:
    """Every problem in the content folder and a clinic's layer over it (never cached): the knowledge base
    when there are none."""
    from parentinvolve.kb import build

    return build.check(folder, clinic)
