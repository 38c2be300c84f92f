"""Names vulture cannot see being used: Typer commands and prompt_toolkit key handlers are registered
by decorators and called by the frameworks. Checked by `vulture src tools/vulture_whitelist.py` in .ci/run."""

from parentinvolve.cli import explain, serve, validate

explain, serve, validate  # noqa: B018
from parentinvolve.cli.clinic import init, override, pack, policy_add, set_, show  # noqa: E402

init, override, pack, policy_add, set_, show  # noqa: B018
end_on_ctrl_d  # noqa: B018, F821  (a key handler in cli/prompts.py)
CLICK_STRINGS  # noqa: B018, F821  (cli/lang.py: Click's strings, listed for the gettext catalog)
METAVARS  # noqa: B018, F821  (cli/lang.py: the usage pieces and metavariables, listed for the gettext catalog)
skeleton  # noqa: B018, F821  (kb/translations/status.py: used by tools/i18n.py, for translators)
erase_when_done  # noqa: B018, F821  (a prompt_toolkit Application setting, read by prompt_toolkit)
end_on_sigint  # noqa: B018, F821  (a key handler in cli/prompts.py)
suspend  # noqa: B018, F821  (a key handler in cli/prompts.py: Ctrl-Z)
say_yes  # noqa: B018, F821  (a key handler in cli/prompts.py: the Spanish "s" at the save offer)
merged  # noqa: B018, F821  (i18n/catalogs.py: used by tools/i18n.py extract)
creation_date  # noqa: B018, F821  (i18n/catalogs.py: set for Babel, which writes it in a .mo's header)
revision_date  # noqa: B018, F821  (i18n/catalogs.py: likewise)
context_class  # noqa: B018, F821  (cli/lang.py: set on Click's commands, read by Click's Command.make_context)
make_formatter  # noqa: B018, F821  (cli/lang.py: HelpContext's, called by Click for every help and usage)
