"""The command line's language: `--lang` (before or after the command), then the environment; and the help
and usage text, ours and Click's, in that language.

Typer vendors Click without its gettext calls, so Click's own words ("Usage:", "Show this message and exit.",
"Missing argument", "No such option" ...) are plain English there; Typer's ("Options", "[default: ...]",
"Missing command." ...) go through the process's global `gettext`, which we leave alone. We reach them only
through Click's and Typer's public interfaces, never by patching either (tests/test_public_api.py checks):
- `prepare(command, language)` sets, on the command tree `typer.main.get_command` has built, our help texts and
  metavariables in the current language and each command's `context_class` (Click's documented hook) to
  `HelpContext`;
- `HelpContext.make_formatter` makes Click's help formatter (`Context.formatter_class`) with three of its
  public methods overridden: the usage line, written from the command's own metavariables (`explain [OPTIONS]
  TOPIC`, not Typer's `{TOPIC}`), the section headings and the help rows (Click's and Typer's words in them);
- Click's error messages are matched and translated where they are printed (`click_message`, cli/errors.py).
The same formatter serves English, so the help reads the same with every Typer release we support.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import typer

from parentinvolve import i18n
from parentinvolve.errors import UsageError
from parentinvolve.i18n import N_, _

# Click's and Typer's own strings, so the catalog has them: the formatter translates the headings and the
# help rows' words (`help_row`); `click_message` matches the error messages.
CLICK_STRINGS = (
    N_("Usage:"),
    N_("Show this message and exit."),
    N_("Options"),
    N_("Arguments"),
    N_("Commands"),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("Missing command."),
    # Typer's completion options (their help is translated with ours, in prepare)
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)
_CLICK_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Missing argument (?P<name>.+?)\.?$"), N_("Missing argument {name}.")),
    (re.compile(r"Missing option (?P<name>.+?)\.?$"), N_("Missing option {name}.")),
    (re.compile(r"Missing command\.?$"), N_("Missing command.")),
    (re.compile(r"No such command (?P<name>.+?)\.?$"), N_("No such command {name}.")),
    (
        re.compile(r"No such option: (?P<name>\S+) Did you mean (?P<options>.+)\?$"),
        N_("No such option: {name}. Did you mean {options}?"),
    ),
    (
        re.compile(r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)$"),
        N_("No such option: {name} (Possible options: {options})"),
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
    N_("[FILE]..."),
    N_("FIELD"),
    N_("[FIELD]"),
    N_("VALUE"),
    N_("TEXT"),
    N_("NAME"),
    N_("NUMBER"),
    N_("ADDRESS"),
    N_("PORT"),
    N_("URL"),
    N_("REGION"),
)


def prepare(command: Any, language: str) -> None:
    """Ready the command tree built by `typer.main.get_command` for `language`, in place: our help
    texts (commands, arguments, options), the usage line's pieces and the metavariables (TOPIC, FILE ...;
    Click's "Missing argument 'TOPIC'" names the metavariable) translated; every command's contexts made by
    `HelpContext`. Only public attributes of Click's commands and parameters are set."""
    translate = language != i18n.ENGLISH
    seen: list[Any] = [command]
    while seen:
        cmd = seen.pop()
        cmd.context_class = HelpContext
        if translate:
            _translate(cmd)
        seen += list(getattr(cmd, "commands", {}).values())


def _translate(cmd: Any) -> None:
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


def usage_pieces(ctx: typer.Context) -> list[str]:
    """What follows the command's name in its usage line: `[OPTIONS]`, each argument's metavariable as
    given (`TOPIC`, `[DIR]`, `[FILE]...`) and, for a group, `COMMAND [ARGS]...`."""
    cmd = ctx.command
    pieces = [cmd.options_metavar] if cmd.options_metavar else []
    for param in cmd.get_params(ctx):
        if param.param_type_name == "argument":
            pieces.append(param.metavar or (param.name or "").upper())
    subcommands = getattr(cmd, "subcommand_metavar", None)  # a group's
    return [*pieces, subcommands] if subcommands else pieces


_EXTRAS = re.compile(r"(?P<text>.*?)(?P<gap>\s*)\[(?P<extras>[^\[\]]*)\]", re.S)
_EXTRA_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"default: (?P<default>.*)", re.S), N_("default: {default}")),
    (re.compile(r"env var: (?P<var>.*)", re.S), N_("env var: {var}")),
    (re.compile(r"required"), N_("required")),
)


def help_row(text: str) -> str:
    """A help row's text in the current language: Click's own ("Show this message and exit.") from the
    catalog, and the `[default: ...; required]` Typer puts after a parameter's help, piece by piece."""
    if i18n.current() == i18n.ENGLISH or not text:
        return text
    found = _EXTRAS.fullmatch(text)
    if found is None:
        return _(text)
    pieces = []
    for piece in found["extras"].split("; "):
        for pattern, msgid in _EXTRA_WORDS:
            match = pattern.fullmatch(piece)
            if match:
                pieces.append(_(msgid).format(**match.groupdict()))
                break
        else:
            return _(text)  # brackets that are not Typer's: the whole text, as it is
    words = _(found["text"]) if found["text"] else ""
    return f"{words}{found['gap']}[{'; '.join(pieces)}]"


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


# Click's help formatter, the class a context makes (`Context.formatter_class`, public), with three of its
# public methods overridden. It is made with type() because its class is reached only through that attribute
# (Typer does not export it), which a type checker cannot take as a base class.
_CLICK_FORMATTER = typer.Context.formatter_class


def _formatter_init(self: Any, ctx: typer.Context, **kwargs: Any) -> None:
    _CLICK_FORMATTER.__init__(self, **kwargs)
    self.ctx = ctx
    self.heading = ""


def _write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
    """The usage line from the command's own pieces (`args`, as Typer writes them, varies by release)."""
    del args
    shown = _("Usage:") + " " if prefix is None else prefix
    _CLICK_FORMATTER.write_usage(self, prog, " ".join(usage_pieces(self.ctx)), shown)


def _write_heading(self: Any, heading: str) -> None:
    self.heading = heading
    _CLICK_FORMATTER.write_heading(self, _(heading))


def _write_dl(self: Any, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
    """Help rows in the current language; an argument is named by its metavariable alone (some Typer
    releases add its type, `DIR <path>`, which is not a word for a reader)."""
    names: list[str] = []
    if self.heading == "Arguments":
        names = [
            p.metavar for p in self.ctx.command.get_params(self.ctx) if p.param_type_name == "argument" and p.metavar
        ]

    def term(shown: str) -> str:
        return next((name for name in names if shown.startswith(name + " <") and shown.endswith(">")), shown)

    _CLICK_FORMATTER.write_dl(self, [(term(t), help_row(text)) for t, text in rows], col_max, col_spacing)


_Formatter = type(
    "_Formatter",
    (_CLICK_FORMATTER,),
    {
        "__init__": _formatter_init,
        "__doc__": "Click's help formatter, with our usage line and its fixed words in the current language.",
        "write_usage": _write_usage,
        "write_heading": _write_heading,
        "write_dl": _write_dl,
    },
)


class HelpContext(typer.Context):
    """Click's context, whose help is written by our formatter (`make_formatter`, Click's public hook)."""

    def make_formatter(self) -> Any:
        return _Formatter(self, width=self.terminal_width, max_width=self.max_content_width)
