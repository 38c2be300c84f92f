"""`validate`'s report on content translations: coverage and staleness per language."""

from __future__ import annotations

from pathlib import Path

from parentinvolve.cli.errors import say
from parentinvolve.errors import ContentError, ParentInvolveError
from parentinvolve.i18n import _, ngettext
from parentinvolve.model import KnowledgeBase


class TranslationsOutOfDate(ParentInvolveError):
    """`validate --strict` found translations missing or stale."""


def check_translations(kb: KnowledgeBase, root: Path, *, strict: bool, clinic: Path | None = None) -> list[str]:
    """Report per language (`es: 148/148 entries, 0 stale`) after validating `root`: malformed translation
    files are content problems (exit 1); missing or stale entries are warnings on stderr, one `file:line` each
    (exit 1 only with `strict`). Returns the summary lines, to print after the content's own summary."""
    from parentinvolve import kb as kb_package
    from parentinvolve.kb.translations import status

    folders = kb_package.translation_folders(root, clinic)
    reports = status.reports(kb, root, folders)
    problems = [p for r in reports for p in r.problems]
    warnings = [w for r in reports for w in r.warnings]
    if clinic is not None:  # the clinic's own words: what its layer leaves in English, per language
        from parentinvolve.kb.translations import clinic as clinic_words

        for lang in status.languages(folders):
            left, found = clinic_words.untranslated(kb, folders[-1:], lang)
            warnings += left
            problems += found
    if problems:
        shipped = not clinic or root == kb_package.shipped()
        raise ContentError(problems, root="" if clinic and shipped else str(root), clinic=str(clinic or ""))
    for line in [*warnings, *(w for r in reports for w in r.layer_warnings)]:
        say(_("{location} (warning)").format(location=line))
    if strict and warnings:
        raise TranslationsOutOfDate(
            ngettext(
                "{count} translation is missing or stale (--strict).",
                "{count} translations are missing or stale (--strict).",
                len(warnings),
            ).format(count=len(warnings))
        )
    return [r.summary() for r in reports]
