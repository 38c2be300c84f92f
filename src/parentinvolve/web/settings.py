"""What the web page serves, read from the environment (`serve` sets it from its options)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from parentinvolve import i18n
from parentinvolve.errors import UsageError
from parentinvolve.i18n import _

CONTENT = "PARENTINVOLVE_CONTENT"
CLINIC = "PARENTINVOLVE_CLINIC"
HOSTS = "PARENTINVOLVE_ALLOWED_HOSTS"  # comma-separated names the Host header may carry (DNS rebinding)
EXIT_URL = "PARENTINVOLVE_EXIT_URL"
# GOV.UK's "Exit this page" goes to BBC Weather; a clinic can choose its own neutral page.
DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


class Settings(NamedTuple):
    content: Path | None = None
    clinic: Path | None = None
    lang: str = i18n.ENGLISH  # when the browser asks for no language we have
    hosts: tuple[str, ...] = LOCAL_HOSTS
    exit_url: str = DEFAULT_EXIT_URL


def from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings in `environ` (the process's environment when not given); UsageError when one is wrong."""
    env = os.environ if environ is None else environ
    lang, problem = i18n.choose(None, env)
    if problem:
        raise UsageError(problem)
    exit_url = env.get(EXIT_URL, "").strip() or DEFAULT_EXIT_URL
    if not exit_url.startswith(("https://", "http://")) or any(c in exit_url for c in "\"'<> "):
        raise UsageError(_("{variable} must be a web address starting with https://").format(variable=EXIT_URL))
    hosts = tuple(h.strip() for h in env.get(HOSTS, "").split(",") if h.strip()) or LOCAL_HOSTS
    return Settings(
        content=Path(env[CONTENT]) if env.get(CONTENT) else None,
        clinic=Path(env[CLINIC]) if env.get(CLINIC) else None,
        lang=lang,
        hosts=hosts,
        exit_url=exit_url,
    )
