"""The ASGI application: routes, strict headers, bad requests in plain words. Keeps nothing between requests.

GET /            the questions (language from ?lang=, else Accept-Language, else the server's)
POST /plan       the answers -> the plan page, or the form again with what to fix
POST /change     the answers -> the form, filled in
POST /save       the answers -> the plan as the file `ask --format html` writes, to download
GET /style.css   the stylesheet (a file, so the Content Security Policy allows no inline style but the plan's own)
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from parentinvolve import i18n, kb
from parentinvolve.conditions import AnswerValue
from parentinvolve.i18n import _
from parentinvolve.model import KnowledgeBase
from parentinvolve.render import html
from parentinvolve.web import form, pages
from parentinvolve.web.settings import Settings, from_env

BODY_LIMIT = 8 * 1024  # the longest honest form is well under 1 KiB
MAX_FIELDS = 64
FORM_TYPE = "application/x-www-form-urlencoded"


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# The plan page's own <style> (render/html.style): the stylesheet, and the printed page's running footer, which
# holds the clinic's name and number (one per clinic and language). Each is allowed by its hash, nothing else.
_STYLES: dict[str, None] = {_hash(html.CSS): None}
_CSP = (
    "default-src 'none'; style-src 'self' {styles}; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def allow_style(text: str) -> None:
    """Allow the inline stylesheet `text` (a page the server made) by its hash."""
    _STYLES.setdefault(_hash(text), None)


def _csp() -> bytes:
    return _CSP.format(styles=" ".join(_STYLES)).encode()


HEADERS = [
    (b"cache-control", b"no-store"),
    (b"content-security-policy", _csp()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class StrictHeaders:
    """Every response, whoever made it (a route, an error, the Host check), carries the headers above."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = HEADERS_NAMES
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                strict = [(k, _csp() if k == b"content-security-policy" else v) for k, v in HEADERS]
                message["headers"] = kept + strict
            await send(message)

        await self.app(scope, receive, send_with_headers)


HEADERS_NAMES = frozenset(k for k, _v in HEADERS)


def choose_lang(request: Request, default: str) -> str:
    """?lang= (the language link), else the browser's Accept-Language, else the server's language."""
    asked = request.query_params.get("lang")
    if asked is not None:
        if asked not in i18n.AVAILABLE:
            raise form.BadForm(400, _("There is no page in the language {lang}.").format(lang=asked[:20]))
        return asked
    best, best_q = "", 0.0
    for part in request.headers.get("accept-language", "")[:500].split(","):
        code, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        lang = i18n.normalize(code) if code.strip() != "*" else ""
        if lang in i18n.AVAILABLE and weight > best_q:
            best, best_q = lang, weight
    return best or default


def create_app(settings: Settings | None = None) -> StrictHeaders:
    """The application for `settings` (from the environment when not given): loads and checks the knowledge
    base in every language first, so a mistake in the content stops the server before it serves."""
    config = settings if settings is not None else from_env()
    bases = {lang: kb.load(config.content, config.clinic, lang=lang) for lang in i18n.AVAILABLE}
    style = pages.STYLE.encode()

    def problem(status: int, message: str) -> HTMLResponse:
        switch = pages.language_link(i18n.current(), "/")
        kb_ = bases.get(i18n.current())  # the clinic's name on this page too
        text = pages.problem_page(status, message, kb=kb_, exit_url=config.exit_url, switch=switch)
        return HTMLResponse(text, status_code=status)

    def respond(request: Request, make: Callable[[KnowledgeBase, str], Response]) -> Response:
        """Run `make` in the request's language (one at a time: the event loop runs it without a break)."""
        try:
            lang = choose_lang(request, config.lang)
        except form.BadForm as exc:
            return problem(exc.status, exc.message)
        i18n.use(lang)
        return make(bases[lang], lang)

    async def home(request: Request) -> Response:
        return respond(request, lambda kb_, lang: HTMLResponse(_form_page(kb_, lang, [], {}, config.exit_url)))

    async def posted(request: Request, what: str) -> Response:
        try:
            fields = await _body_fields(request)
        except form.BadForm as exc:
            i18n.use(choose_lang_quietly(request, config.lang))
            return problem(exc.status, exc.message)

        def make(kb_: KnowledgeBase, lang: str) -> Response:
            try:
                answers, problems = form.read(kb_, fields)
            except form.BadForm as exc:
                return problem(exc.status, exc.message)
            given = [(n, v) for n, v in fields if n not in form.ACTIONS]
            if what == "change" or problems:
                return HTMLResponse(_form_page(kb_, lang, given, problems if what != "change" else {}, config.exit_url))
            if what == "save":
                from parentinvolve.engine import plan
                from parentinvolve.render.doc import plan_doc

                name = _("my-plan") + ".html"
                saved = plan_doc(kb_, plan(kb_, answers))
                allow_style(html.style(saved))  # (a browser may show it before saving it)
                return HTMLResponse(
                    html.render(saved),
                    headers={"content-disposition": f'attachment; filename="{name}"'},
                )
            return HTMLResponse(_plan_page(kb_, lang, answers, config.exit_url))

        return respond(request, make)

    async def plan_route(request: Request) -> Response:
        return await posted(request, "plan")

    async def change_route(request: Request) -> Response:
        return await posted(request, "change")

    async def save_route(request: Request) -> Response:
        return await posted(request, "save")

    async def stylesheet(request: Request) -> Response:
        return Response(style, media_type="text/css")

    async def http_error(request: Request, exc: Exception) -> Response:
        i18n.use(choose_lang_quietly(request, config.lang))
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        messages = {
            404: _("There is no page at this address."),
            405: _("This address answers only the way its own pages use it."),
        }
        message = messages.get(status, _("The page could not be made. Please try again, or ask the clinic for help."))
        response = problem(status if status in (404, 405) else 500, message)
        if status == 405 and isinstance(exc, HTTPException) and exc.headers:
            response.headers.update(exc.headers)
        return response

    routes = [
        Route("/", home, methods=["GET"]),
        Route("/plan", plan_route, methods=["POST"]),
        Route("/change", change_route, methods=["POST"]),
        Route("/save", save_route, methods=["POST"]),
        Route("/style.css", stylesheet, methods=["GET"]),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(config.hosts))]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: http_error, Exception: http_error},
    )
    return StrictHeaders(app)  # outermost: the page for an unexpected error (made outside the middleware) too


async def _body_fields(request: Request) -> list[tuple[str, str]]:
    """The fields of a form this page sent: UTF-8, within the size and field limits, else BadForm."""
    kind = request.headers.get("content-type", "").split(";")
    charset = [p.strip().lower() for p in kind[1:] if p.strip().lower().startswith("charset=")]
    if kind[0].strip().lower() != FORM_TYPE or any(c not in ("charset=utf-8", 'charset="utf-8"') for c in charset):
        raise form.BadForm(415, _("This page reads only forms sent by its own pages."))
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > BODY_LIMIT:
        raise form.BadForm(413, _("The form sent more than this page reads."))
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > BODY_LIMIT:
            raise form.BadForm(413, _("The form sent more than this page reads."))
    if body.count(b"&") + body.count(b";") >= MAX_FIELDS:
        raise form.BadForm(400, _("The form sent more fields than this page asks for."))
    try:
        return parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise form.BadForm(400, _("The form was not sent as UTF-8 text.")) from None


def _form_page(
    kb_: KnowledgeBase, lang: str, given: list[tuple[str, str]], problems: dict[str, str], exit_url: str
) -> str:
    """The questions, with what was given and its problems."""
    heading = _("Your part in your child's therapy")
    title = _("Error:") + " " + heading if problems else heading
    intro = _("Answer five short questions to get a plan for your part in your child's therapy.")
    stored = _("Nothing you enter is stored: the plan is made for this page only.")
    body = f"<h1>{escape(heading)}</h1><p>{escape(intro)}</p><p>{escape(stored)}</p>" + form.render(
        kb_, given, problems, f"/plan?lang={lang}"
    )
    switch = pages.language_link(lang, "/change" if given else "/", form.hidden(_as_answers(given)))
    return pages.page(title, body, kb=kb_, exit_url=exit_url, switch=switch)


def _plan_page(kb_: KnowledgeBase, lang: str, answers: dict[str, AnswerValue], exit_url: str) -> str:
    """The plan, with a way to save it or change the answers."""
    from parentinvolve.engine import plan
    from parentinvolve.render.doc import plan_doc

    doc = plan_doc(kb_, plan(kb_, answers))
    fields = form.hidden(answers)
    printing = _(
        "To print this plan, use your browser's Print command (Ctrl+P, or ⌘P on a Mac; on a phone, Share, then Print)."
    )
    actions = (
        f'<section class="actions" aria-labelledby="actions-title"><h2 id="actions-title">'
        f"{escape(_('Keep this plan'))}</h2>"
        f"<p>{escape(printing)}</p>"
        '<div class="row">'
        f'<form method="post" action="/save?lang={lang}">{fields}'
        f'<button class="button" type="submit">{escape(_("Save it"))}</button></form>'
        f'<form method="post" action="/change?lang={lang}">{fields}'
        f'<button class="button secondary" type="submit">{escape(_("Change your answers"))}</button></form>'
        "</div></section>\n"
    )
    switch = pages.language_link(lang, "/plan", fields)
    top = pages.header(kb_, exit_url, switch)
    allow_style(html.style(doc))
    return html.render(doc, head=pages.STYLESHEET, header=top, end=actions)


def choose_lang_quietly(request: Request, default: str) -> str:
    try:
        return choose_lang(request, default)
    except form.BadForm:
        return default


def _as_answers(given: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in given:
        out.setdefault(name, []).append(value)
    return out
