"""Options every command accepts both before and after its name, with an environment variable.

`parentinvolve --clinic D ask` and `parentinvolve ask --clinic D` mean the same; so does
`PARENTINVOLVE_CLINIC=D parentinvolve ask`. The root callback takes each option in `SHARED` (with its
environment variable), every command takes it again (without), and a value given after the command wins.
Both land in `ctx.obj[name]`, which is all a command reads. To add an option to all of them, add one line
to `SHARED`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, Optional

import typer

from parentinvolve.i18n import N_


class Shared(NamedTuple):
    name: str  # the parameter's name, and its key in ctx.obj
    flag: str
    metavar: str
    help: str  # after a command
    top_help: str  # before the command, where the environment variable works too
    envvar: str
    kind: type[Any] = Path


SHARED = (
    Shared(
        "content",
        "--content",
        "DIR",
        N_("Use the knowledge base in DIR, not the built-in one."),
        N_("Use the knowledge base in DIR, not the built-in one (or $PARENTINVOLVE_CONTENT)."),
        "PARENTINVOLVE_CONTENT",
    ),
    Shared(
        "clinic",
        "--clinic",
        "DIR",
        N_("Add the clinic's own layer in DIR: clinic.yaml and changes."),
        N_("Add the clinic's own layer in DIR: clinic.yaml and changes (or $PARENTINVOLVE_CLINIC)."),
        "PARENTINVOLVE_CLINIC",
    ),
)


def _parameters(top: bool) -> list[inspect.Parameter]:
    out = []
    for s in SHARED:
        help_text = s.top_help if top else s.help
        option = typer.Option(
            None, s.flag, help=help_text, metavar=s.metavar, envvar=s.envvar if top else None, show_envvar=False
        )
        out.append(
            inspect.Parameter(s.name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=Optional[s.kind])
        )
    return out


def shared_options(*, top: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command (or, with `top`, the root callback) the shared options; their values go to ctx.obj.

    The command must take `ctx: typer.Context`. Before the command, the root fills ctx.obj (flag, else the
    environment); after it, a value given to the command replaces the root's.
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func, eval_str=True)
        own = list(signature.parameters.values())
        added = _parameters(top)
        ctx_name = next(p.name for p in own if p.annotation is typer.Context)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            ctx = kwargs[ctx_name]
            values = {s.name: kwargs.pop(s.name, None) for s in SHARED}
            if top:
                ctx.obj = dict(values)
            else:
                if not isinstance(ctx.obj, dict):
                    ctx.obj = {}
                ctx.obj.update({k: v for k, v in values.items() if v is not None})
            return func(*args, **kwargs)

        if top:  # first in --help, as they were; the rest become keyword-only (typer passes every value by name)
            rest = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[1:]]
            params = [*own[:1], *added, *rest]
        else:
            params = [*own, *added]
        wrapper.__dict__["__signature__"] = signature.replace(parameters=params)  # typer reads this signature
        return wrapper

    return decorate
