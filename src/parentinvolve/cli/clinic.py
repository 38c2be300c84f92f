"""`parentinvolve clinic init|override|show`: the tools for writing a clinic's own layer.

Only the command definitions live here; each imports what it needs when it runs, so `--help` stays instant.
"""

from __future__ import annotations

from pathlib import Path

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
MAX_TRANSLATION_BYTES = 32 * 1024 * 1024  # as kb/i18n.py reads them
NO_CLINIC = N_("Give the clinic's folder with --clinic DIR (or set PARENTINVOLVE_CLINIC).")

TEMPLATE = """\
# Your clinic's layer for parentinvolve: this file is required; everything but `name` is optional.
# Check it with `parentinvolve validate --clinic {folder}`; see a plan with `parentinvolve ask --clinic {folder}`.
# The authoring guide (content/README.md, "Your clinic's layer") explains every field.

name: Your clinic's name            # shown in the title of every plan

# website: https://www.example.org
# address: 1 Example Street, Example Town
# contacts:                         # how parents reach you: front desk, email, portal...
#   - name: Front desk
#     contact: the number or address parents use
# after_hours:                      # your out-of-hours or on-call line: added to the crisis lines of every plan
#   name: On-call clinician
#   contact: the number
# welcome:                          # paragraphs shown near the top of every plan
#   - A few words of welcome.
# policies:                         # each is shown in plans and found by `parentinvolve explain ID`
#   - id: missed-sessions
#     title: Missed sessions
#     text:
#       - What you ask of families, in plain words.
# disable:                          # shipped rules to switch off (ids from the content's rules.yaml)
#   - ask-region-records
# reviewed: 2026-01-31              # when you last checked this file
"""

README = """\
# {name}'s layer for parentinvolve

`clinic.yaml` holds the clinic's name, contacts, after-hours line, welcome and policies. Beside it, files named
like the shipped content (`therapies.yaml`, `moments.yaml`, `topics.yaml`, `rules.yaml`, `asks.yaml`,
`sources.yaml`, `crisis.yaml`) change or add entries: an entry with a shipped id changes only the fields it
gives (`null` removes one), a new id adds an entry. Crisis lines can only be added.

    parentinvolve validate --clinic {folder}         check everything
    parentinvolve clinic show --clinic {folder}      what this layer changes, and where
    parentinvolve clinic override pcit --clinic {folder}   copy a shipped entry here to edit it
    parentinvolve ask --clinic {folder}              a plan, as parents will see it

Set PARENTINVOLVE_CLINIC={folder} on a front-desk computer to use it every time.

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
def init(folder: Path = typer.Argument(..., help="A new (or empty) folder for the layer.", metavar="DIR")) -> None:
    """Start a clinic's layer: a commented clinic.yaml and a short README in a new folder.

    \b
    Example:
      parentinvolve clinic init ./our-clinic
    """
    from parentinvolve.cli.terminal import shown

    name = shown(folder)  # as messages and the template show it: an odd name quoted, never raw
    if folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(folder.iterdir()))):
        raise UsageError(
            _("{folder} already exists and is not an empty folder; give a new one. Nothing was written.").format(
                folder=name
            )
        )
    _write_new_layer(folder, name)
    wrote = _("Wrote {config} and {readme}. Fill in clinic.yaml, then run:")
    print(wrote.format(config=shown(folder / "clinic.yaml"), readme=shown(folder / "README.md")))
    print(f"  parentinvolve validate --clinic {_shell(folder)}")


def _shell(folder: Path) -> str:
    """The folder as it can be typed in a shell (quoted when it needs to be), or shown quoted when it cannot."""
    from shlex import quote

    from parentinvolve.cli.terminal import shown

    text = str(folder)
    return quote(text) if text.isprintable() else shown(folder)


def _write_new_layer(folder: Path, name: str) -> None:
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
                ("clinic.yaml", TEMPLATE.format(folder=typed.replace("\n", " "))),
                ("README.md", README.format(name="Your clinic", folder=typed)),
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
) -> None:
    """Copy a shipped therapy, moment or topic into the clinic's layer, ready to edit.

    The copy is stamped with a fingerprint of the shipped text, so `validate --clinic` warns when that text
    changes later. Delete the fields you keep as shipped: those then follow the shipped content.

    \b
    Example:
      parentinvolve clinic override pcit --clinic ./our-clinic
    """
    from parentinvolve.cli.clinic_copy import copy_entry

    obj = ctx.obj or {}
    target, line = copy_entry(obj.get("content"), _folder(ctx), entry)
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
