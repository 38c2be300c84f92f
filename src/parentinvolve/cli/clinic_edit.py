"""`clinic init` with flags, `clinic set`, `clinic policy add`: a clinic's layer written without editing YAML.

clinic.yaml is changed one top-level field at a time: the field's lines are replaced (or its commented example
from the template, or a new block at the end), so whatever else the file says, comments included, stays as it
was. Every change is checked before it is written, as `validate --clinic` would check it, on a copy of the new
clinic.yaml in a temporary folder; a change that would make the layer invalid is refused and nothing is written.
Files are written whole under the folder's lock (`private_files.replace_file`), never through a link.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Union, cast

from parentinvolve.cli.terminal import shown
from parentinvolve.errors import UsageError
from parentinvolve.i18n import N_, _

Plain = Union[str, int, float, bool, None, list["Plain"], dict[str, "Plain"]]

ORDER = ("name", "website", "address", "contacts", "after_hours", "welcome", "policies", "disable", "reviewed")
PHONE, EMAIL = "Front desk", "Email"  # the names `--phone` and `--email` give their contacts
# `clinic set DIR FIELD VALUE`: each field a receptionist can set, and what it is, for --help and messages.
SETTABLE = {
    "name": N_("the clinic's name, in the title of every plan"),
    "website": N_("the clinic's web address, like https://www.example.org"),
    "address": N_("the clinic's address"),
    "phone": N_("the front desk's number"),
    "phone-name": N_("what the front desk's number is called (default: Front desk)"),
    "email": N_("the front desk's email address"),
    "email-name": N_("what the email address is called (default: Email)"),
    "after-hours-name": N_("the name of the after-hours line, added to the crisis lines"),
    "after-hours-phone": N_("the after-hours number"),
    "welcome": N_("a welcome paragraph near the top of every plan (replaces the welcome)"),
    "reviewed": N_("when the layer was last checked, YYYY-MM-DD"),
}
# What a clinic's own words in another language (i18n/<lang>/clinic.yaml) can say, by `clinic set --in LANG`.
TRANSLATABLE = ("name", "phone-name", "email-name", "after-hours-name", "welcome")

COMMENTED = {
    "website": "# website: https://www.example.org\n",
    "address": "# address: 1 Example Street, Example Town\n",
    "contacts": (
        "# contacts:                         # how parents reach you: front desk, email, portal...\n"
        "#   - name: Front desk\n"
        "#     contact: the number or address parents use\n"
    ),
    "after_hours": (
        "# after_hours:                      # your out-of-hours or on-call line: added to the crisis lines of every plan\n"
        "#   name: On-call clinician\n"
        "#   contact: the number\n"
    ),
    "welcome": (
        "# welcome:                          # paragraphs shown near the top of every plan\n"
        "#   - A few words of welcome.\n"
    ),
    "policies": (
        "# policies:                         # each is shown in plans and found by `parentinvolve explain ID`\n"
        "#   - id: missed-sessions\n"
        "#     title: Missed sessions\n"
        "#     text:\n"
        '#       - "What you ask of families, in plain words: put a sentence in quotes when it has a colon."\n'
    ),
    "disable": (
        "# disable:                          # shipped rules to switch off (ids from the content's rules.yaml)\n"
        "#   - ask-region-records\n"
    ),
    "reviewed": "# reviewed: 2026-01-31              # when you last checked this file\n",
}
HEADER = """\
# Your clinic's layer for parentinvolve: this file is required; everything but `name` is optional.
# Check it with `parentinvolve validate --clinic {folder}`; see a plan with `parentinvolve ask --clinic {folder}`.
# Change it without editing: `parentinvolve clinic set {folder} FIELD VALUE` (`clinic set --help` lists them).
# Editing by hand: a field starts at the beginning of its line; put a sentence in "quotes" when it has a colon.
# The authoring guide (content/README.md, "Your clinic's layer") explains every field.

"""


def template(folder: str, values: dict[str, Plain]) -> str:
    """A new clinic.yaml: the given fields written out, the others as commented examples."""
    out = [HEADER.format(folder=folder), block("name", values.get("name") or "Your clinic's name")]
    for key in ORDER[1:]:
        out.append("\n" + (block(key, values[key]) if key in values else COMMENTED[key]))
    return "".join(out)


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def block(key: str, value: Plain) -> str:
    """`key: value` as block YAML, every text quoted (so a colon or a `#` in it is only text)."""
    return "".join(_lines(key, value, 0))


def _scalar(value: Plain, key: str = "") -> str:
    if isinstance(value, str):
        return value if key == "reviewed" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else quoted(value)
    return json.dumps(value)


def _lines(key: str, value: Plain, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{key}:\n", *(ln for k, v in value.items() for ln in _lines(k, v, indent + 2))]
    if isinstance(value, list):
        out = [f"{pad}{key}:\n"]
        for item in value:
            if isinstance(item, dict):
                inner = [ln for k, v in item.items() for ln in _lines(k, v, indent + 4)]
                out += [f"{pad}  - {inner[0].lstrip()}", *inner[1:]] if inner else [f"{pad}  - {{}}\n"]
            else:
                out.append(f"{pad}  - {_scalar(item)}\n")
        return out
    return [f"{pad}{key}: {_scalar(value, key)}\n"]


def read_layer(path: Path) -> tuple[str, dict[str, Plain], dict[str, tuple[int, int]]]:
    """clinic.yaml's text, its fields as plain values, and each top-level field's lines (first, last; from 1)."""
    from parentinvolve.cli.clinic_copy import _read
    from parentinvolve.kb.reader import Map, parse_yaml

    text = _read(path)
    node, problems = parse_yaml(text, str(path))
    if problems or not isinstance(node, Map):
        raise UsageError(
            _(
                "{path} has a problem to fix by hand first; see it with `parentinvolve validate --clinic {folder}`."
            ).format(path=shown(path), folder=shown(path.parent))
        )
    return _reparse(text, path)


def replaced(text: str, spans: dict[str, tuple[int, int]], key: str, value: Plain | None) -> str:
    """The text with one top-level field's lines replaced (or removed when `value` is None): in place, else
    where the template's commented example is, else at the end."""
    lines = text.splitlines(keepends=True)
    new = block(key, value).splitlines(keepends=True) if value is not None else []
    if key in spans:
        first, last = spans[key]
        return "".join([*lines[: first - 1], *new, *lines[last:]])
    start = next((n for n, ln in enumerate(lines) if re.match(rf"#\s?{re.escape(key)}:", ln)), None)
    if start is not None:
        end = start + 1
        while end < len(lines) and re.match(r"#\s{2,}\S", lines[end]):
            end += 1
        return "".join([*lines[:start], *new, *lines[end:]])
    body = "".join(lines)
    return body + ("" if body.endswith("\n") or not body else "\n") + ("\n" if body.strip() else "") + "".join(new)


def is_email(contact: Plain) -> bool:
    return isinstance(contact, str) and "@" in contact


def contact_index(values: dict[str, Plain], email: bool) -> int | None:
    """Where the front desk's number (the first contact that is not an email address) or the email address is."""
    have = values.get("contacts")
    for n, item in enumerate(have if isinstance(have, list) else []):
        if isinstance(item, dict) and is_email(item.get("contact")) == email:
            return n
    return None


def contacts_with(values: dict[str, Plain], email: bool, contact: str | None, label: str | None) -> list[Plain]:
    """The contacts with the front desk's number (or the email address) given a new contact or name."""
    have = values.get("contacts")
    contacts: list[Plain] = list(have) if isinstance(have, list) else []
    at = contact_index(values, email)
    if at is not None:
        fresh = dict(cast(dict[str, Plain], contacts[at]))
        if contact is not None:
            fresh["contact"] = contact
        if label is not None:
            fresh["name"] = label
        contacts[at] = fresh
        return contacts
    if contact is None:
        what = "email" if email else "phone"
        raise UsageError(_("There is no {what} yet; set it first (`clinic set DIR {what} ...`).").format(what=what))
    contacts.append({"name": label or (EMAIL if email else PHONE), "contact": contact})
    return contacts


def checked(content: Path | None, text: str) -> None:
    """Refuse a clinic.yaml that `validate --clinic` would refuse: check the new text alone over the content."""
    import tempfile

    from parentinvolve import kb

    with tempfile.TemporaryDirectory(prefix="parentinvolve-clinic-") as tmp:
        (Path(tmp) / "clinic.yaml").write_text(text, encoding="utf-8")
        _found, problems, _counts = kb.check(content or kb.shipped(), Path(tmp))
    if problems:
        said = "; ".join(dict.fromkeys(p.message for p in problems))
        raise UsageError(_("Nothing was written: {problems}.").format(problems=said.rstrip(".")))


def slug(title: str) -> str:
    """A policy's id from its title: lower-case words joined by hyphens (ASCII letters and digits only)."""
    import unicodedata

    flat = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", flat))[:60].strip("-") or "policy"


def changed_values(values: dict[str, Plain], field: str, value: str) -> dict[str, Plain]:
    """The top-level fields `clinic set FIELD VALUE` changes, with their new values."""
    if field in ("name", "website", "address", "reviewed"):
        return {field: value}
    if field in ("phone", "phone-name", "email", "email-name"):
        email, label = field.startswith("email"), field.endswith("-name")
        return {"contacts": contacts_with(values, email, None if label else value, value if label else None)}
    if field == "welcome":
        return {"welcome": [value]}
    have = values.get("after_hours")
    line = dict(have) if isinstance(have, dict) else {}
    line["name" if field == "after-hours-name" else "contact"] = value
    if "name" not in line or "contact" not in line:
        other = "--after-hours-phone" if "name" in line else "--after-hours-name"
        raise UsageError(_("An after-hours line needs a name and a number: give {other} too.").format(other=other))
    return {"after_hours": {"name": line["name"], "contact": line["contact"]}}


def unknown_field(field: str) -> UsageError:
    from parentinvolve.text.didyoumean import did_you_mean

    return UsageError(
        _("There is no field {field}{suggestion}. The fields: {fields}.").format(
            field=quoted(field), suggestion=did_you_mean(field, list(SETTABLE)), fields=", ".join(SETTABLE)
        )
    )


def set_field(content: Path | None, folder: Path, field: str, value: str) -> Path:
    """Change one field of clinic.yaml, checked before it is written; the file written."""
    from parentinvolve.cli.private_files import folder_locked, replace_file

    if field not in SETTABLE:
        raise unknown_field(field)
    path = _layer_file(folder)
    with folder_locked(folder):
        text, values, spans = read_layer(path)
        for key, new in changed_values(values, field, value.strip()).items():
            text = replaced(text, spans, key, new)
            _t, values, spans = _reparse(text, path)
        checked(content, text)
        replace_file(path, text)
    return path


def set_translation(folder: Path, lang: str, field: str, value: str) -> Path:
    """The clinic's own words in `lang` (i18n/<lang>/clinic.yaml): one field changed, the rest kept."""
    from parentinvolve.cli.private_files import folder_locked, replace_file

    if field not in TRANSLATABLE:
        raise UsageError(
            _("Only these fields have words to translate: {fields}.").format(fields=", ".join(TRANSLATABLE))
        )
    _path = _layer_file(folder)
    target = folder / "i18n" / lang / "clinic.yaml"
    with folder_locked(folder):
        _text, values, _spans = read_layer(folder / "clinic.yaml")
        text, have, spans = read_layer(target) if target.exists() else ("", {}, {})
        value = value.strip()
        if field in ("phone-name", "email-name"):
            at = contact_index(values, field.startswith("email"))
            if at is None:
                raise UsageError(_("There is no such contact in clinic.yaml yet; set it first."))
            english = cast(list[dict[str, Plain]], values["contacts"])
            names = cast(list[Plain], have.get("contacts") or [str(c.get("name", "")) for c in english])
            names = [*names, *[str(c.get("name", "")) for c in english[len(names) :]]]
            names[at] = value
            key, new = "contacts", cast(Plain, names)
        else:
            key = {"after-hours-name": "after_hours"}.get(field, field)
            new = [value] if field == "welcome" else value
        text = replaced(text, spans, key, new)
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, text)
    return target


def add_policy(content: Path | None, folder: Path, title: str, text: list[str], pid: str | None) -> tuple[Path, str]:
    """A policy added at the end of clinic.yaml's policies: the file and the policy's id."""
    from parentinvolve.cli.private_files import folder_locked, replace_file

    path = _layer_file(folder)
    with folder_locked(folder):
        body, values, spans = read_layer(path)
        have = values.get("policies")
        policies: list[Plain] = list(have) if isinstance(have, list) else []
        taken = {p.get("id") for p in policies if isinstance(p, dict)}
        new_id = pid or slug(title)
        if pid is None:
            n = 2
            while new_id in taken:
                new_id, n = f"{slug(title)}-{n}", n + 1
        policies.append({"id": new_id, "title": title.strip(), "text": cast(Plain, [t.strip() for t in text])})
        body = replaced(body, spans, "policies", policies)
        checked(content, body)
        replace_file(path, body)
    return path, new_id


def translate_policy(folder: Path, lang: str, pid: str, title: str, text: list[str]) -> Path:
    from parentinvolve.cli.private_files import folder_locked, replace_file

    target = folder / "i18n" / lang / "clinic.yaml"
    with folder_locked(folder):
        _t, values, _s = read_layer(_layer_file(folder))
        ids = [p.get("id") for p in cast(list[dict[str, Plain]], values.get("policies") or []) if isinstance(p, dict)]
        if pid not in ids:
            raise UsageError(
                _("clinic.yaml has no policy {id}; its policies: {ids}.").format(
                    id=quoted(pid), ids=", ".join(str(i) for i in ids) or "-"
                )
            )
        body, have, spans = read_layer(target) if target.exists() else ("", {}, {})
        policies = dict(cast(dict[str, Plain], have.get("policies") or {}))
        policies[pid] = {"title": title.strip(), "text": cast(Plain, [t.strip() for t in text])}
        body = replaced(body, spans, "policies", cast(Plain, policies))
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, body)
    return target


def _reparse(text: str, path: Path) -> tuple[str, dict[str, Plain], dict[str, tuple[int, int]]]:
    from parentinvolve.kb.reader import Map, parse_yaml, to_plain

    node, _problems = parse_yaml(text, str(path))
    assert isinstance(node, Map)  # we wrote it
    lines = text.splitlines()
    starts = sorted((loc.line, key) for key, loc in node.keys.items())
    spans = {}
    for n, (line, key) in enumerate(starts):
        last = starts[n + 1][0] - 1 if n + 1 < len(starts) else len(lines)
        while last > line and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
            last -= 1
        spans[key] = (line, last)
    return text, {k: cast(Plain, to_plain(v)) for k, v in node.items.items()}, spans


def _layer_file(folder: Path) -> Path:
    path = folder / "clinic.yaml"
    if folder.is_symlink() or not folder.is_dir() or not path.exists():
        raise UsageError(
            _(
                "{folder} is not a clinic's layer (no clinic.yaml); start one with `parentinvolve clinic init {folder}`."
            ).format(folder=shown(folder))
        )
    return path


QUESTIONS = (
    ("name", N_("The clinic's name")),
    ("phone", N_("The front desk's number")),
    ("email", N_("The front desk's email address")),
    ("after-hours-name", N_("Your after-hours or on-call line's name")),
    ("after-hours-phone", N_("Its number")),
    ("website", N_("Your web address (https://...)")),
    ("address", N_("Your address")),
    ("welcome", N_("A sentence of welcome for families")),
)


def init_values(flags: dict[str, str | None], *, ask: bool) -> dict[str, Plain]:
    """clinic.yaml's fields from `clinic init`'s flags, or asked one by one on the terminal (Enter skips)."""
    if ask:
        import sys

        print(_("A few questions for clinic.yaml; press Enter to skip one (change it later with `clinic set`)."))
        for field, question in QUESTIONS:
            while True:
                try:
                    answer = input(f"{_(question)}: ").strip()
                except EOFError:
                    print(file=sys.stderr)
                    from parentinvolve.errors import Interrupted

                    raise Interrupted(_("stopped. Nothing was saved.")) from None
                if answer or field != "name":
                    break
                print(_("The name is needed: it is in the title of every plan."))
            flags[field] = answer or None
    given = {k: v.strip() for k, v in flags.items() if v is not None and v.strip()}
    values: dict[str, Plain] = {}
    for key in ("name", "website", "address"):
        if key in given:
            values[key] = given[key]
    contacts: list[Plain] = []
    if "phone" in given:
        contacts.append({"name": PHONE, "contact": given["phone"]})
    if "email" in given:
        contacts.append({"name": EMAIL, "contact": given["email"]})
    if contacts:
        values["contacts"] = contacts
    hours = (given.get("after-hours-name"), given.get("after-hours-phone"))
    if any(hours):
        if not all(hours):
            other = "--after-hours-phone" if hours[0] else "--after-hours-name"
            raise UsageError(_("An after-hours line needs a name and a number: give {other} too.").format(other=other))
        values["after_hours"] = {"name": hours[0], "contact": hours[1]}
    if "welcome" in given:
        values["welcome"] = [given["welcome"]]
    if values and "name" not in values:
        raise UsageError(_("Give the clinic's name too (--name): it is in the title of every plan."))
    return values
