"""`parentinvolve clinic init|override|show`: the tools for writing a clinic's own layer.

Only the command definitions live here; each imports what it needs when it runs, so `--help` stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from parentinvolve.cli.shared import shared_options
from parentinvolve.errors import UsageError
from parentinvolve.i18n import N_, _, current

app = typer.Typer(
    name="clinic",
    help=N_("Write and check a clinic's own layer: its name, contacts, policies and changes."),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

KINDS = {
    "therapies": N_("therapy"),
    "moments": N_("moment"),
    "topics": N_("topic"),
    "rules": N_("rule"),
    "asks": N_("question to ask"),
    "sources": N_("source"),
    "crisis": N_("crisis line"),
    "clinic": N_("policy"),
}
MAX_TRANSLATION_BYTES = 32 * 1024 * 1024  # as kb/translations/files.py reads them
NO_CLINIC = N_("Give the clinic's folder with --clinic DIR (or set PARENTINVOLVE_CLINIC).")

README = """\
# {name}'s layer for parentinvolve

`clinic.yaml` holds the clinic's name, contacts, after-hours line, welcome and policies. Beside it, files named
like the shipped content (`therapies.yaml`, `moments.yaml`, `topics.yaml`, `rules.yaml`, `asks.yaml`,
`sources.yaml`, `crisis.yaml`) change or add entries: an entry with a shipped id changes only the fields it
gives (`null` removes one), a new id adds an entry. Crisis lines can only be added.

    parentinvolve validate --clinic {folder}         check everything
    parentinvolve clinic set {folder} phone 555-0100     change one field (`clinic set --help` lists them)
    parentinvolve clinic policy add {folder} --title T --text "..."   add a policy
    parentinvolve clinic show --clinic {folder}      what this layer changes, and where
    parentinvolve clinic override pcit --clinic {folder}   copy a shipped entry here to edit it
    parentinvolve ask --clinic {folder}              a plan, as parents will see it

Set PARENTINVOLVE_CLINIC={full} on a front-desk computer to use it every time (a full path works from any folder).

Spanish plans (`--lang es`) show the clinic's own Spanish from `i18n/es/clinic.yaml` (name, welcome, contacts'
names, after-hours line's name, policies; see examples/clinic in parentinvolve's repository); what it leaves out
is shown as clinic.yaml says it, and `validate --clinic` names it.
"""


def _folder(ctx: typer.Context) -> Path:
    clinic = (ctx.obj or {}).get("clinic")
    if clinic is None:
        raise UsageError(_(NO_CLINIC))
    return Path(clinic)


@app.command()
@shared_options()
def init(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="A new (or empty) folder for the layer.", metavar="DIR"),
    name: Optional[str] = typer.Option(
        None, "--name", help="The clinic's name, in the title of every plan.", metavar="NAME"
    ),
    phone: Optional[str] = typer.Option(None, "--phone", help="The front desk's number.", metavar="NUMBER"),
    email: Optional[str] = typer.Option(None, "--email", help="The front desk's email address.", metavar="ADDRESS"),
    after_hours_name: Optional[str] = typer.Option(
        None,
        "--after-hours-name",
        help="Your on-call or after-hours line's name (added to the crisis lines).",
        metavar="NAME",
    ),
    after_hours_phone: Optional[str] = typer.Option(None, "--after-hours-phone", help="Its number.", metavar="NUMBER"),
    website: Optional[str] = typer.Option(
        None, "--website", help="Your web address, like https://www.example.org.", metavar="URL"
    ),
    address: Optional[str] = typer.Option(None, "--address", help="Your address.", metavar="TEXT"),
    welcome: Optional[str] = typer.Option(
        None, "--welcome", help="A paragraph of welcome, near the top of every plan.", metavar="TEXT"
    ),
) -> None:
    """Start a clinic's layer: clinic.yaml (with your answers, or to fill in) and a short README.

    On a terminal, without --name, it asks for each field (Enter skips one). Whatever is given is checked
    as `validate --clinic` checks it before anything is written.

    \b
    Examples:
      parentinvolve clinic init ./our-clinic
      parentinvolve clinic init ./our-clinic --name "Riverside Family Clinic" --phone 555-0100 \\
          --after-hours-name "Riverside on-call nurse" --after-hours-phone 555-0199
    """
    from parentinvolve.cli.clinic_edit import init_values, template
    from parentinvolve.cli.terminal import shown

    shown_name = shown(folder)  # as messages and the template show it: an odd name quoted, never raw
    if folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(folder.iterdir()))):
        raise UsageError(
            _("{folder} already exists and is not an empty folder; give a new one. Nothing was written.").format(
                folder=shown_name
            )
        )
    flags = {
        "name": name,
        "phone": phone,
        "email": email,
        "after-hours-name": after_hours_name,
        "after-hours-phone": after_hours_phone,
        "website": website,
        "address": address,
        "welcome": welcome,
    }
    values = init_values(flags, ask=name is None and not any(flags.values()) and _on_terminal())
    typed = _shell(folder).replace("\n", " ")
    text = template(typed, values)
    if values:
        from parentinvolve.cli.clinic_edit import checked

        checked((ctx.obj or {}).get("content"), text)
    _write_new_layer(folder, shown_name, text, str(values.get("name") or "Your clinic"))
    wrote = _("Wrote {config} and {readme}. Fill in clinic.yaml, then run:")
    if values:
        wrote = _("Wrote {config} and {readme}. Check it and see a plan with:")
    print(wrote.format(config=shown(folder / "clinic.yaml"), readme=shown(folder / "README.md")))
    print(f"  parentinvolve validate --clinic {_shell(folder)}")
    if values:
        print(f"  parentinvolve ask --clinic {_shell(folder)}")


def _on_terminal() -> bool:
    import sys

    return sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()


def _shell(folder: Path) -> str:
    """The folder as it can be typed in a shell (quoted when it needs to be), or shown quoted when it cannot."""
    from shlex import quote

    from parentinvolve.cli.terminal import shown

    text = str(folder)
    return quote(text) if text.isprintable() else shown(folder)


def _write_new_layer(folder: Path, name: str, config: str, clinic: str) -> None:
    """clinic.yaml and README.md, each written whole (or not at all), under the folder's lock; on a failure
    nothing is left behind: the files written so far, and the folder if this made it."""
    from parentinvolve.cli.private_files import folder_locked, replace_file
    from parentinvolve.errors import OutputError

    made = not folder.exists()
    written: list[Path] = []
    typed = _shell(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with folder_locked(folder):
            for file, text in (
                ("clinic.yaml", config),
                ("README.md", README.format(name=clinic, folder=typed, full=_shell(folder.resolve()))),
            ):
                replace_file(folder / file, text)
                written.append(folder / file)
    except OSError as exc:
        from parentinvolve.kb.textfiles import os_reason

        reason = os_reason(exc)
        _undo(written, folder if made else None)
        raise OutputError(_("Could not write {folder}: {reason}.").format(folder=name, reason=reason)) from exc
    except (OutputError, UsageError):
        _undo(written, folder if made else None)
        raise


def _undo(written: list[Path], folder: Path | None) -> None:
    import contextlib

    for path in written:
        with contextlib.suppress(OSError):
            path.unlink()
    if folder is not None:
        with contextlib.suppress(OSError):
            folder.rmdir()


@app.command()
@shared_options()
def override(
    ctx: typer.Context,
    entry: str = typer.Argument(..., help="The id of a shipped therapy, moment or topic.", metavar="ID"),
    field: Optional[str] = typer.Argument(
        None,
        help="Copy only this field (like summary or description); the rest keeps following the content.",
        metavar="[FIELD]",
    ),
) -> None:
    """Copy a shipped therapy, moment or topic (or one of its fields) into the clinic's layer, ready to edit.

    The copy is stamped with a fingerprint of the shipped text, so `validate --clinic` warns when that text
    changes later. Delete the fields you keep as shipped: those then follow the shipped content.

    \b
    Example:
      parentinvolve clinic override pcit --clinic ./our-clinic
      parentinvolve clinic override cbt summary --clinic ./our-clinic
    """
    from parentinvolve.cli.clinic_copy import copy_entry

    obj = ctx.obj or {}
    target, line = copy_entry(obj.get("content"), _folder(ctx), entry, field)
    copied = _("Copied {entry} to {where}. Change what you need, delete the fields you keep as shipped,")
    from parentinvolve.cli.terminal import shown

    print(copied.format(entry=shown(entry), where=f"{shown(target)}:{line}"))
    print(_("then check with `parentinvolve validate --clinic {folder}`.").format(folder=_shell(target.parent)))


@app.command()
@shared_options()
def show(ctx: typer.Context) -> None:
    """List what the clinic's layer changes, each with the file and line that says so.

    \b
    Example:
      parentinvolve clinic show --clinic ./our-clinic
    """
    from parentinvolve import kb
    from parentinvolve.cli.terminal import shown, strip

    obj = ctx.obj or {}
    base = kb.load(obj.get("content"), _folder(ctx), lang=current())  # the clinic's name in this language
    clinic = base.clinic
    assert clinic is not None  # loading with a clinic's folder always gives one
    from parentinvolve.kb.overlay import translations

    changes = [*clinic.changes, *translations(Path(clinic.folder), MAX_TRANSLATION_BYTES)]
    rows = [(_where(c.where), strip(_describe(c.what, c.file, c.id, c.field))) for c in changes]
    width = max((len(w) for w, _what in rows), default=0)
    from parentinvolve.render.doc import day_words

    reviewed = _(", reviewed {date}").format(date=day_words(clinic.reviewed)) if clinic.reviewed else ""
    print(
        _("{clinic} — the layer in {folder}{reviewed}").format(
            clinic=strip(clinic.name), folder=shown(clinic.folder), reviewed=reviewed
        )
    )
    for where, what in rows:
        print(f"{where.ljust(width)}  {what}")
    if not rows:
        print(_("It changes nothing in the content: it only adds the clinic's name."))


def _where(where: str) -> str:
    """`path:line`, the path shown as messages show file names (an odd one quoted, never raw)."""
    from parentinvolve.cli.terminal import shown

    path, _sep, line = where.rpartition(":")
    return f"{shown(path)}:{line}" if path else shown(where)


def _describe(what: str, file: str, entry_id: str, field: str) -> str:
    kind = _(KINDS[file]) if file in KINDS else file
    if what == "line":
        if entry_id == "after_hours":
            return _("added the after-hours line to every region's crisis lines, after the shipped lines")
        return _("added crisis line {name} to region {region}").format(name=repr(field), region=entry_id)
    if what == "translated":
        return _("translated {kind} {id} into {language}").format(kind=kind, id=entry_id, language=field)
    if what == "stale":
        return _("{kind} {id} changed in the shipped content since it was copied here").format(kind=kind, id=entry_id)
    verb = {
        "added": N_("added"),
        "changed": N_("changed"),
        "removed": N_("removed"),
        "disabled": N_("disabled"),
        "policy": N_("added"),
    }
    done = _(verb[what]) if what in verb else what
    return _("{done} {kind} {id}").format(done=done, kind=kind, id=entry_id) + (f": {field}" if field else "")


@app.command("set")
@shared_options()
def set_(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="The clinic's folder.", metavar="DIR"),
    field: str = typer.Argument(
        ...,
        help="name, website, address, phone, phone-name, email, email-name, after-hours-name, after-hours-phone, "
        "welcome or reviewed.",
        metavar="FIELD",
    ),
    value: str = typer.Argument(..., help="The new value (in quotes when it has spaces).", metavar="VALUE"),
    lang: Optional[str] = typer.Option(
        None,
        "--in",
        help="Set the clinic's own words in this language (es): name, welcome, the lines' names.",
        metavar="LANG",
    ),
) -> None:
    """Change one field of clinic.yaml, checked before it is written; everything else is kept as it is.

    \b
    Examples:
      parentinvolve clinic set ./our-clinic phone 555-0100
      parentinvolve clinic set ./our-clinic welcome "Welcome to Riverside. Bring this page to your first visit."
      parentinvolve clinic set ./our-clinic name "Clínica Familiar Riverside" --in es
    """
    from parentinvolve.cli.clinic_edit import set_field, set_translation
    from parentinvolve.cli.terminal import shown

    if lang is not None:
        path = set_translation(folder, _language(lang), field, value)
    else:
        path = set_field((ctx.obj or {}).get("content"), folder, field, value)
    print(_("Changed {field} in {path}.").format(field=field, path=shown(path)))


def _language(lang: str) -> str:
    from parentinvolve.i18n import AVAILABLE as LANGUAGES

    code = lang.strip().lower()
    if code not in LANGUAGES or code == "en":
        others = ", ".join(x for x in LANGUAGES if x != "en")
        raise UsageError(_("--in takes a language the clinic's words can be given in: {codes}.").format(codes=others))
    return code


policy_app = typer.Typer(
    name="policy",
    help=N_("Add a policy to a clinic's layer (shown in every plan, and by `explain ID`)."),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(policy_app)


@policy_app.command("add")
@shared_options()
def policy_add(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="The clinic's folder.", metavar="DIR"),
    title: str = typer.Option(..., "--title", help='The policy\'s title, like "Cancellations".', metavar="TEXT"),
    text: list[str] = typer.Option(..., "--text", help="A paragraph; give --text again for another.", metavar="TEXT"),
    pid: Optional[str] = typer.Option(
        None, "--id", help="Its id, for `explain ID` (default: from the title).", metavar="ID"
    ),
    lang: Optional[str] = typer.Option(
        None, "--in", help="Give the policy's words in this language (es); --id names the policy.", metavar="LANG"
    ),
) -> None:
    """Add a policy to clinic.yaml; every plan shows it. A colon or quotes in the text are fine.

    \b
    Examples:
      parentinvolve clinic policy add ./our-clinic --title Cancellations \\
          --text "Please call at least one day ahead: we can then offer the time to another family."
      parentinvolve clinic policy add ./our-clinic --in es --id cancellations --title Cancelaciones \\
          --text "Llame por lo menos un día antes."
    """
    from parentinvolve.cli.clinic_edit import add_policy, translate_policy
    from parentinvolve.cli.terminal import shown

    if lang is not None:
        if not pid:
            raise UsageError(_("Give --id: the id of the policy in clinic.yaml these words translate."))
        path = translate_policy(folder, _language(lang), pid, title, text)
        print(_("Added the words of policy {id} to {path}.").format(id=pid, path=shown(path)))
        return
    path, new_id = add_policy((ctx.obj or {}).get("content"), folder, title, text, pid)
    print(_("Added policy {id} to {path}.").format(id=new_id, path=shown(path)))


@app.command()
@shared_options()
def pack(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="The folder for the pages (made when missing).", metavar="DIR"),
    region: str = typer.Option(
        "us", "--region", help="Your country, for the crisis lines: us, uk, ca, au or ie.", metavar="REGION"
    ),
    force: bool = typer.Option(False, "--force", help="Replace pages already in the folder."),
) -> None:
    """Write handouts for families who have not answered yet: one page per therapy and age band, in each
    language the layer has, and an index.html listing them, to print or put on your patient portal.

    \b
    Example:
      parentinvolve clinic pack --clinic ./our-clinic --out ./handouts
    """
    from parentinvolve.cli.clinic_pack import pack as write_pack
    from parentinvolve.cli.terminal import shown

    folder = _folder(ctx)
    if out.exists() and not out.is_dir():
        raise UsageError(_("{folder} is not a folder; give another --out.").format(folder=shown(out)))
    out.mkdir(parents=True, exist_ok=True)
    written = write_pack((ctx.obj or {}).get("content"), folder, out, region, force=force)
    print(_("Wrote {count} pages and {index}.").format(count=len(written), index=shown(out / "index.html")))
