"""The web page (`parentinvolve serve`): the same questions and the same plan, in a browser.

A plain ASGI application made by `create_app()`, which reads its settings from the environment (the same
variables as every command), so a clinic can also run it under uvicorn or gunicorn workers:
`uvicorn --factory parentinvolve.web:create_app`. It keeps no state between requests. Only this package
imports Starlette; only `parentinvolve serve` (and a server given the address above) imports this package.
"""

from __future__ import annotations

from parentinvolve.web.app import create_app

__all__ = ["create_app"]
