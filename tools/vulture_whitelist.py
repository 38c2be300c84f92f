"""Names vulture cannot see being used: Typer commands and prompt_toolkit key handlers are registered
by decorators and called by the frameworks. Checked by `vulture src tools/vulture_whitelist.py` in .ci/run."""

from parentinvolve.cli import explain, validate

explain, validate  # noqa: B018
end_on_ctrl_d  # noqa: B018, F821  (a key handler in cli/prompts.py)
erase_when_done  # noqa: B018, F821  (a prompt_toolkit Application setting, read by prompt_toolkit)
answer_labels  # noqa: B018, F821  (a Plan field kept for integrators; the plan itself now says one sentence)
