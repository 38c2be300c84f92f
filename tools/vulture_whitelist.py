"""Names vulture cannot see being used: Typer commands and prompt_toolkit key handlers are registered
by decorators and called by the frameworks. Checked by `vulture src tools/vulture_whitelist.py` in .ci/run."""

from parentinvolve.cli import explain, validate

explain, validate  # noqa: B018
end_on_ctrl_d  # noqa: B018, F821  (a key handler in cli/prompts.py)
end_on_sigint  # noqa: B018, F821  (a key handler in cli/prompts.py)
