"""`parentinvolve serve`: the web page (`parentinvolve.web`) on this computer or the clinic's network.

The CLI does not import `parentinvolve.web` (cli and web are independent peers, see pyproject's contracts):
it checks the content, puts the settings in the environment, and hands uvicorn the same import string a
clinic gives uvicorn or gunicorn itself (`parentinvolve.web:create_app`, a factory reading the environment).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from parentinvolve import i18n
from parentinvolve.errors import UsageError
from parentinvolve.i18n import _

APP = "parentinvolve.web:create_app"
EXTRA = "pip install 'parentinvolve[web]'"
ANYWHERE = ("0.0.0.0", "::", "")
# uvicorn's own lines: its start-up chatter off (we say where to go), its access log on (method, path and
# status: the answers are only ever in POST bodies, which it never logs).
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "access": {
            "()": "uvicorn.logging.AccessFormatter",
            "fmt": '%(asctime)s %(client_addr)s "%(request_line)s" %(status_code)s',
            "use_colors": False,
        },
        "plain": {"format": "%(asctime)s %(message)s"},
    },
    "handlers": {
        "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stderr"},
        "plain": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "uvicorn.error": {"handlers": ["plain"], "level": "WARNING", "propagate": False},
        "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}


def web_extra_missing() -> bool:
    return any(importlib.util.find_spec(name) is None for name in ("starlette", "uvicorn"))


def address(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ANYWHERE else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def allowed_hosts(host: str, extra: list[str]) -> list[str]:
    """The names the Host header may carry: this computer's when listening on it alone; on a network, also
    its name and addresses, and any name the clinic gives (`--allow-host`)."""
    names = ["127.0.0.1", "localhost", "[::1]"]
    if host in ANYWHERE:
        import socket

        machine = socket.gethostname()
        names += [machine, socket.getfqdn()]
        with contextlib.suppress(OSError):
            names += [str(info[4][0]) for info in socket.getaddrinfo(machine, None)]
    elif host not in names:
        names.append(f"[{host}]" if ":" in host else host)
    return list(dict.fromkeys([*names, *extra]))


def run(
    check: Callable[[], object],
    *,
    content: Path | None,
    clinic: Path | None,
    host: str,
    port_given: str,
    open_browser: bool,
    exit_url: str | None,
    allow_host: list[str],
) -> None:
    """Serve until Ctrl-C (or SIGTERM): then one line, exit 0. `check()` loads the knowledge base the way
    every command does, so a mistake in the content is reported before anything listens."""
    if web_extra_missing():
        raise UsageError(_("serve needs the web extra: {command}").format(command=EXTRA))
    port = int(port_given) if port_given.isascii() and port_given.isdigit() else 0
    if not 0 < port < 65536:
        raise UsageError(_("--port must be a number from 1 to 65535."))
    check()
    env = {
        "PARENTINVOLVE_LANG": i18n.current(),
        "PARENTINVOLVE_ALLOWED_HOSTS": ",".join(allowed_hosts(host, allow_host)),
    }
    if content is not None:
        env["PARENTINVOLVE_CONTENT"] = str(content.resolve())
    if clinic is not None:
        env["PARENTINVOLVE_CLINIC"] = str(clinic.resolve())
    if exit_url is not None:
        if not exit_url.startswith(("https://", "http://")) or any(c in exit_url for c in "\"'<> "):
            raise UsageError(_("--exit-url must be a web address starting with https://"))
        env["PARENTINVOLVE_EXIT_URL"] = exit_url
    os.environ.update(env)
    import uvicorn

    url = address(host, port)

    class Server(uvicorn.Server):
        """Says where it listens once it really does: uvicorn has taken Ctrl-C by then, so a Ctrl-C right
        after the address is shown stops it (before, it would have been ignored)."""

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if not self.started:
                return
            print(_("Serving your plan page at {url}. Press Ctrl-C to stop.").format(url=url), flush=True)
            if host in ANYWHERE:
                print(_("Anyone on this network can use it at this computer's address, port {port}.").format(port=port))
            if open_browser:
                import threading
                import webbrowser

                threading.Timer(0.5, webbrowser.open, [url]).start()

    config = uvicorn.Config(
        APP, factory=True, host=host, port=port, log_config=LOG_CONFIG, server_header=False, date_header=False
    )
    # uvicorn takes Ctrl-C and SIGTERM while it serves and raises them again when it has stopped: ignored
    # then, so we end with one line and exit 0 (our usual handler would say "stopped" and exit 130).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    Server(config).run()
    print(_("The plan page has stopped."))
