"""Maintainers' tool for translations. Run from the repository root with the project's venv:

    .venv/bin/python tools/i18n.py extract            # interface text -> i18n/locale/parentinvolve.pot, merged into each .po
    .venv/bin/python tools/i18n.py compile            # .po -> .mo beside it (the build hook does this for wheels)
    .venv/bin/python tools/i18n.py status [LANG]      # content entries missing or stale in LANG (default: all)
    .venv/bin/python tools/i18n.py skeleton LANG FILE # content/i18n/LANG/FILE.yaml: every missing or stale entry,
                                                      # with the English text and its fingerprint, to translate

`extract` finds, in src/parentinvolve: the string arguments of `_()`, `N_()`, `gettext()` and `ngettext()`; the
docstrings of Typer commands (`@app.command()`, `@app.callback()`: Typer shows them as the command's help); and
the `help=` strings of `typer.Option`/`typer.Argument`. It keeps existing translations and drops messages that are
gone. No f-strings in translatable text: use named placeholders, `_("Hello {name}").format(name=...)`.
Finding the messages is ours (Typer's docstrings and `help=` are not calls Babel's extractor knows); the catalogs
are Babel's (`parentinvolve.i18n.catalogs`: read, merged, written and compiled), a development dependency.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "parentinvolve"
LOCALE = PACKAGE / "i18n" / "locale"
sys.path.insert(0, str(ROOT / "src"))

from parentinvolve.i18n import catalogs  # noqa: E402

_CALLS = {"_": 1, "N_": 1, "gettext": 1, "ngettext": 2}
_TYPER_PARAMS = {"Option", "Argument"}


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def extract(package: Path = PACKAGE) -> dict[str, list[tuple[str, int]]]:
    """msgid (plural joined by NUL) -> where it is used (file, line), in source order."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            where = (rel, getattr(node, "lineno", 0))
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in _CALLS and len(node.args) >= _CALLS[name]:
                    parts = [_literal(a) for a in node.args[: _CALLS[name]]]
                    if all(p is not None for p in parts):
                        found.setdefault("\0".join(p for p in parts if p is not None), []).append(where)
                elif name in _TYPER_PARAMS:
                    for kw in node.keywords:
                        text = _literal(kw.value) if kw.arg == "help" else None
                        if text:
                            found.setdefault(text, []).append(where)
            elif isinstance(node, ast.FunctionDef) and any(_is_typer_command(d) for d in node.decorator_list):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    found.setdefault(doc, []).append(where)
    return found


def _is_typer_command(node: ast.AST) -> bool:
    func = node.func if isinstance(node, ast.Call) else node
    return isinstance(func, ast.Attribute) and func.attr in ("command", "callback")


def write_po(messages: dict[str, list[tuple[str, int]]], old: catalogs.Catalog | None, header: str) -> str:
    """The `.po` text of `messages` (a `.pot` when there is no `old` catalog), with `old`'s translations kept."""
    new = catalogs.template((tuple(m.split("\0")) if "\0" in m else m, where) for m, where in messages.items())
    return catalogs.text(catalogs.merged(old, new) if old is not None else new, header)


HEADER = """# Interface text of parentinvolve. Regenerate with `python tools/i18n.py extract`; translate the msgstr lines.
msgid ""
msgstr ""
"Project-Id-Version: parentinvolve\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""


def po_header(lang: str) -> str:
    return HEADER + f'"Language: {lang}\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'


def cmd_extract() -> None:
    messages = extract()
    (LOCALE / "parentinvolve.pot").write_text(write_po(messages, None, HEADER), encoding="utf-8")
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/parentinvolve.po")):
        lang = po.parent.parent.name
        text = write_po(messages, catalogs.read(po.read_text(encoding="utf-8"), str(po)), po_header(lang))
        po.write_text(text, encoding="utf-8")
        new = catalogs.read(text, str(po))
        done = sum(1 for m in new if m.id and _translated(m.string))
        print(f"{po.relative_to(ROOT)}: {done}/{len(messages)} messages translated")


def _translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    """Whether a message's translation is there (every plural form of it)."""
    if string is None or isinstance(string, str):
        return bool(string)
    return bool(string) and all(string)


def cmd_compile() -> None:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/parentinvolve.po")):
        po.with_suffix(".mo").write_bytes(catalogs.compile_file(po))
        print(f"wrote {po.with_suffix('.mo').relative_to(ROOT)}")


def cmd_status(langs: list[str]) -> None:
    from parentinvolve import kb
    from parentinvolve.kb.translations import status

    content = ROOT / "content"
    base = kb.load(content, lang="en")
    for report in status.reports(base, content, [content / "i18n"], langs or None):
        print(report.summary())
        for problem in report.problems:  # (the locked safety set untranslated: an error, never English)
            print(f"  {problem} (error)")
        for line in report.warnings:
            print(f"  {line}")


def cmd_skeleton(lang: str, file: str) -> None:
    from parentinvolve import kb
    from parentinvolve.kb.translations import status

    content = ROOT / "content"
    base = kb.load(content, lang="en")
    target = content / "i18n" / lang / f"{file}.yaml"
    text = status.skeleton(base, file, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}: translate the text fields, keep ids and source_hash")


def main(argv: list[str]) -> int:
    if argv[:1] == ["extract"]:
        cmd_extract()
    elif argv[:1] == ["compile"]:
        cmd_compile()
    elif argv[:1] == ["status"]:
        cmd_status(argv[1:])
    elif argv[:1] == ["skeleton"] and len(argv) == 3:
        cmd_skeleton(argv[1], argv[2])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
