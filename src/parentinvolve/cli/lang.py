"""The command line's language: `--lang` (before or after the command), then the environment; and the help
and usage text, ours and Click's, in that language.

typer 0.28 vendors Click as `typer._click` with its gettext calls removed: "Usage:", "Show this message and
exit.", "Missing argument", "No such option" ... are plain English there. Typer's own `typer.core` still calls
`gettext.gettext` (the global "messages" domain) for "Options", "Arguments", "Commands", "[default: ...]",
"[required]", "Missing command." and "No such command ...". So, for a language other than English:
- our help texts are translated in the command tree once `get_command` has built it (`translate_commands`);
- `typer.core._` is pointed at our catalog, and Click's help formatter translates the usage prefix and the
  help option's text (`_Formatter`);
- Click's error messages are matched and translated before we print them (`click_message`).
English touches none of this, so English output and start-up are unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from typer._click.formatting import HelpFormatter

from parentinvolve import i18n
from parentinvolve.errors import UsageError
from parentinvolve.i18n import N_, _

# Click's own strings (typer._click), so the catalog has them; `click_message` matches its error messages.
CLICK_STRINGS = (
    N_("Usage:"),
    N_("Show this message and exit."),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("required"),
    N_("default: {default}"),
    N_("Missing command."),
    N_("No such command {name!r}."),
    N_("Aborted!"),
    # Typer's completion options (their help is translated with ours, in translate_commands)
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)
_CLICK_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Missing argument (?P<name>.+?)\.?$"), N_("Missing argument {name}.")),
    (re.compile(r"Missing option (?P<name>.+?)\.?$"), N_("Missing option {name}.")),
    (re.compile(r"No such command (?P<name>.+?)\.?$"), N_("No such command {name}.")),
    (
        re.compile(r"No such option: (?P<name>\S+) Did you mean (?P<options>.+)\?$"),
        N_("No such option: {name}. Did you mean {options}?"),
    ),
    (re.compile(r"No such option: (?P<name>\S+)$"), N_("No such option: {name}")),
    (
        re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$"),
        N_("Got unexpected extra argument(s) ({args})"),
    ),
    (re.compile(r"Option '?(?P<name>[^' ]+)'? requires an argument\.?$"), N_("Option {name} requires an argument.")),
    (re.compile(r"Invalid value for (?P<name>.+?): (?P<detail>.+)$"), N_("Invalid value for {name}: {detail}")),
)


def choose_language(argv: Sequence[str]) -> list[str]:
    """Pick and switch to the language for this run; the arguments without `--lang`. UsageError (exit 2)
    when `--lang` names a language we do not have, or has no value."""
    value, rest, ok = i18n.split_lang_option(argv)
    i18n.activate(i18n.ENGLISH)
    if not ok:
        raise UsageError(_("--lang needs a language: {available}.").format(available=", ".join(i18n.AVAILABLE)))
    lang, problem = i18n.choose(value, os.environ)
    if problem:
        raise UsageError(problem)
    i18n.activate(lang)
    _patch_click(lang != i18n.ENGLISH)
    return rest


# The metavariables and usage pieces, so the catalog has them (set through Click's public attributes:
# `Command.options_metavar`, `Group.subcommand_metavar`, `Parameter.metavar`).
METAVARS = (
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("TOPIC"),
    N_("FILE"),
    N_("FORMAT"),
    N_("DIR"),
    N_("[DIR]"),
    N_("ID"),
    N_("LANG"),
)


def translate_commands(command: Any) -> None:
    """Our help texts (commands, arguments, options), the usage line's pieces and the metavariables (TOPIC,
    FILE ...; Click's "Missing argument 'TOPIC'" names the metavariable) in the current language, in place."""
    if i18n.current() == i18n.ENGLISH:
        return
    seen: list[Any] = [command]
    while seen:
        cmd = seen.pop()
        if getattr(cmd, "help", None):
            cmd.help = _(cmd.help)
        if getattr(cmd, "options_metavar", None):
            cmd.options_metavar = _(cmd.options_metavar)
        if getattr(cmd, "subcommand_metavar", None):
            cmd.subcommand_metavar = _(cmd.subcommand_metavar)
        for param in getattr(cmd, "params", ()):
            if getattr(param, "help", None):
                param.help = _(param.help)
            if getattr(param, "metavar", None):
                param.metavar = _(param.metavar)
        seen += list(getattr(cmd, "commands", {}).values())


_SUGGESTION = re.compile(r"(?P<message>.+?)\.? Did you mean (?P<options>.+)\?$")


def click_message(message: str) -> str:
    """One of Click's error messages in the current language (unchanged when it is not one we know); Typer's
    "Did you mean 'explain'?" after it too."""
    if i18n.current() == i18n.ENGLISH:
        return message
    suggested = _SUGGESTION.match(message)
    if suggested and not message.startswith("No such option:"):
        return _("{message} Did you mean {options}?").format(
            message=click_message(suggested["message"] + "."), options=suggested["options"]
        )
    for pattern, msgid in _CLICK_ERRORS:
        found = pattern.match(message)
        if found:
            return _(msgid).format(**found.groupdict())
    return message


_ORIGINAL: dict[str, Any] = {}


def _patch_click(on: bool) -> None:
    if not on and not _ORIGINAL:
        return
    from typer import core as typer_core
    from typer._click import core as click_core

    if not _ORIGINAL:
        _ORIGINAL.update(formatter=click_core.Context.formatter_class, gettext=vars(typer_core)["_"])
    if on:
        click_core.Context.formatter_class = _Formatter
        vars(typer_core)["_"] = i18n.gettext
    else:
        click_core.Context.formatter_class = _ORIGINAL["formatter"]
        vars(typer_core)["_"] = _ORIGINAL["gettext"]


class _Formatter(HelpFormatter):
    """Click's help formatter, with its fixed English strings in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage:") + " " if prefix is None else prefix)

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _(text) if text else text) for term, text in rows], col_max, col_spacing)
