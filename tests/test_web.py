"""The web page over HTTP (Starlette's test client): every status and header, each bad request, the same
questions and the same plan as the command line, in English and Spanish, with and without a clinic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from conftest import CONTENT, ROOT, run_main
from parentinvolve import i18n
from parentinvolve.kb import load as load_kb
from parentinvolve.web import create_app
from parentinvolve.web.settings import Settings, from_env

CLINIC = ROOT / "examples" / "clinic"
FORM = {"child_age": "9", "concerns": ["anxiety"], "therapy": "cbt", "stage": "starting", "region": "us"}
FORM_TYPE = {"content-type": "application/x-www-form-urlencoded"}
STRICT = {
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), base_url="http://127.0.0.1") as c:
        yield c
    i18n.activate("en")


@pytest.fixture(scope="module")
def clinic_client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(clinic=CLINIC)), base_url="http://localhost") as c:
        yield c
    i18n.activate("en")


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    yield
    i18n.activate("en")


def assert_strict(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in STRICT.items():
        assert headers[name] == value, name
    csp = headers["content-security-policy"]
    for part in ("default-src 'none'", "style-src 'self'", "form-action 'self'", "frame-ancestors 'none'"):
        assert part in csp
    assert "script-src" not in csp and "unsafe-inline" not in csp
    assert "set-cookie" not in headers


def test_the_form_asks_the_same_questions_with_the_same_help_and_choices(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert_strict(page)
    kb = load_kb(CONTENT)
    for q in kb.questions:
        assert q.prompt.replace("'", "&#x27;") in page.text
        assert q.help.replace("'", "&#x27;") in page.text
        for c in q.choices:
            assert f'value="{c.id}"' in page.text
    assert 'method="post"' in page.text
    assert "Exit this page" in page.text and 'href="https://www.bbc.co.uk/weather"' in page.text
    assert 'href="/?lang=es"' in page.text  # the language link


def test_the_stylesheet_is_a_file_and_the_plans_own_style_is_allowed_by_its_hash(client: TestClient) -> None:
    css = client.get("/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert_strict(css)
    import base64
    import hashlib

    from parentinvolve.render.html import CSS

    digest = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in css.headers["content-security-policy"]


def test_the_plan_is_the_same_document_as_ask_format_html(client: TestClient, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("child_age: 9\nconcerns: [anxiety]\ntherapy: cbt\nstage: starting\nregion: us\n")
    result = run_main(["ask", "--answers", str(answers), "--format", "html"])
    assert result.exit_code == 0
    saved = client.post("/save", data=FORM)
    assert saved.status_code == 200
    assert saved.headers["content-disposition"] == 'attachment; filename="my-plan.html"'
    assert saved.text == result.stdout  # "Save it" gives exactly the file `ask --format html` writes
    shown = client.post("/plan", data=FORM)
    assert shown.status_code == 200
    assert_strict(shown)
    # the same document, with the page's own header and actions around it
    body = re.sub(r"<header class=\"site\">.*?</header>\n", "", shown.text, flags=re.S)
    body = re.sub(r"<section class=\"actions\".*?</section>\n", "", body, flags=re.S)
    body = body.replace('<link rel="stylesheet" href="/style.css">\n', "")
    assert body == result.stdout
    text = shown.text
    assert "Print" in text and "Save it" in text and "Change your answers" in text
    assert text.index("<h1>") < text.index("Keep this plan")


def test_crisis_help_comes_first_in_the_plan(client: TestClient) -> None:
    text = client.post("/plan", data={**FORM, "concerns": ["self-harm"]}).text
    main = text[text.index("<main>") :]
    assert main.index('class="alert"') < main.index("<h2") + 40


def test_change_your_answers_gives_the_filled_form(client: TestClient) -> None:
    page = client.post("/change", data=FORM).text
    assert 'name="child_age" type="text" inputmode="numeric" spellcheck="false" autocomplete="off"' in page
    assert 'value="9"' in page
    assert 'value="anxiety" checked' in page and 'value="cbt" checked' in page and 'value="us" checked' in page
    assert "There is a problem" not in page


def test_mistakes_get_an_error_summary_and_the_same_words_beside_each_field(client: TestClient) -> None:
    from parentinvolve.answers import check_value

    kb = load_kb(CONTENT)
    age = next(q for q in kb.questions if q.id == "child_age")
    page = client.post("/plan", data={"child_age": "99", "therapy": "cbt", "region": "us"})
    assert page.status_code == 200
    text = page.text.replace("&#x27;", "'")
    assert "There is a problem" in text and "<title>Error:" in text
    same = check_value(age, "99")[1]
    assert same[:1].upper() + same[1:] + "." in text
    assert '<a href="#child_age">' in text and '<a href="#concerns-1">' in text
    assert 'id="child_age-error"' in text and 'aria-describedby="child_age-hint child_age-error"' in text
    assert 'value="99"' in text  # what was typed stays


def test_spanish_from_accept_language_and_the_language_link(client: TestClient) -> None:
    page = client.get("/", headers={"accept-language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="es">' in page.text
    assert 'href="/?lang=en"' in page.text
    assert '<html lang="en">' in client.get("/", headers={"accept-language": "fr, en;q=0.1"}).text
    assert '<html lang="en">' in client.get("/?lang=en", headers={"accept-language": "es"}).text
    plan = client.post("/plan?lang=es", data=FORM).text
    assert '<html lang="es">' in plan and "Cambiar sus respuestas" in plan
    # the plan's language link posts the answers again (never puts them in an address)
    assert '<form class="inline" method="post" action="/plan?lang=en">' in plan


def test_a_clinics_layer_brands_every_page(clinic_client: TestClient) -> None:
    name = "Riverbend Family Therapy (example)"
    assert name in clinic_client.get("/").text
    assert name in clinic_client.post("/plan", data=FORM).text
    spanish = load_kb(CONTENT, CLINIC, lang="es").clinic
    assert spanish is not None and spanish.name != name
    assert spanish.name in clinic_client.get("/", headers={"accept-language": "es"}).text
    assert name in clinic_client.get("/nowhere").text  # the pages for bad requests too
    assert name in clinic_client.post("/plan", data={"x": "1"}).text


@pytest.mark.parametrize(
    ("body", "headers", "status", "words"),
    [
        (b"child_age=9&nickname=Sam", FORM_TYPE, 400, "nickname"),
        (b"child_age=9&child_age=10", FORM_TYPE, 400, "child_age"),
        (b"therapy=cbt&therapy=play", FORM_TYPE, 400, "therapy"),
        (b"child_age=%ff%fe", FORM_TYPE, 400, "UTF-8"),
        (b"child_age=9", {"content-type": "application/json"}, 415, "forms"),
        (b"child_age=9", {"content-type": "multipart/form-data; boundary=x"}, 415, "forms"),
        (b"child_age=9", {"content-type": "application/x-www-form-urlencoded; charset=latin-1"}, 415, "forms"),
        (b"child_age=9", {}, 415, "forms"),
        (b"a=" + b"x" * 20_000, FORM_TYPE, 413, "more than"),
        (b"&".join(b"concerns=anxiety" for _ in range(40)), FORM_TYPE, 400, "concerns"),
        (b"&".join(b"x%d=1" % n for n in range(500)), FORM_TYPE, 400, "more fields"),
    ],
)
def test_bad_requests_get_a_plain_page_with_the_right_status(
    client: TestClient, body: bytes, headers: dict[str, str], status: int, words: str
) -> None:
    response = client.post("/plan", content=body, headers=headers)
    assert response.status_code == status
    assert_strict(response)
    assert words in response.text
    assert "Traceback" not in response.text and "Go to the questions" in response.text


def test_escapes_and_unknown_choices_are_shown_made_visible_beside_the_field(client: TestClient) -> None:
    page = client.post("/plan", content=b"child_age=9&concerns=%00%1b[31m<b>&therapy=nope", headers=FORM_TYPE)
    assert page.status_code == 200
    assert "\x00" not in page.text and "\x1b" not in page.text and "<b>" not in page.text
    assert 'id="concerns-error"' in page.text and 'id="therapy-error"' in page.text
    assert "is not one of" in page.text


def test_a_huge_body_is_refused_without_being_read() -> None:
    """Straight through ASGI (the test client reads a whole body first): the app stops reading past its
    limit, with no Content-Length to warn it, so a hostile client costs it a few kilobytes."""
    import asyncio

    app = create_app(Settings())
    reads = 0
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"x" * 4096, "more_body": reads < 100_000}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/plan",
        "raw_path": b"/plan",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/x-www-form-urlencoded")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 413
    assert reads <= 3


def test_other_statuses(client: TestClient) -> None:
    missing = client.get("/admin")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert_strict(missing)
    wrong = client.get("/plan")
    assert wrong.status_code == 405 and "POST" in wrong.headers["allow"]
    assert_strict(wrong)
    assert client.delete("/").status_code == 405
    unknown = client.get("/?lang=fr")
    assert unknown.status_code == 400 and "fr" in unknown.text


def test_an_unexpected_error_is_a_plain_page_with_the_same_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    from parentinvolve.web import form

    def broken(*_args: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(form, "read", broken)
    with TestClient(create_app(Settings()), base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        response = c.post("/plan", data=FORM)
    assert response.status_code == 500
    assert_strict(response)
    assert "Sorry, something went wrong" in response.text
    assert "secret detail" not in response.text and "Traceback" not in response.text


def test_answers_never_go_in_an_address(client: TestClient) -> None:
    for page in (client.get("/").text, client.post("/plan", data=FORM).text):
        for action in re.findall(r'action="([^"]*)"', page):
            assert re.fullmatch(r"/(plan|change|save)\?lang=(en|es)", action), action
        assert 'method="get"' not in page.lower()


def test_the_host_header_is_checked(client: TestClient) -> None:
    rebound = client.get("/", headers={"host": "attacker.example"})
    assert rebound.status_code == 400
    assert_strict(rebound)
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200


def test_settings_from_the_environment() -> None:
    s = from_env({"PARENTINVOLVE_CLINIC": "/x", "PARENTINVOLVE_ALLOWED_HOSTS": "a.lan, b.lan", "LANG": "es_MX"})
    assert s.clinic == Path("/x") and s.hosts == ("a.lan", "b.lan") and s.lang == "es"
    assert from_env({}).exit_url.startswith("https://")
    from parentinvolve.errors import UsageError

    with pytest.raises(UsageError):
        from_env({"PARENTINVOLVE_EXIT_URL": "javascript:alert(1)"})
    with pytest.raises(UsageError):
        from_env({"PARENTINVOLVE_LANG": "fr"})


def test_without_the_web_extra_serve_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    serve = importlib.import_module("parentinvolve.cli.serve")  # (the package's `serve` is the command)
    monkeypatch.setattr(serve, "web_extra_missing", lambda: True)
    result = run_main(["serve"])
    assert result.exit_code == 2
    assert result.stderr == "parentinvolve: serve needs the web extra: pip install 'parentinvolve[web]'\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["serve", "--port", "0"], "--port must be a number from 1 to 65535."),
        (["serve", "--exit-url", "javascript:alert(1)"], "--exit-url must be a web address starting with https://"),
    ],
)
def test_serve_refuses_bad_options_in_one_line(args: list[str], words: str) -> None:
    result = run_main(args)
    assert result.exit_code == 2
    assert result.stderr == f"parentinvolve: {words}\n"


def test_spanish_pages_say_nothing_in_english(client: TestClient) -> None:
    english = [
        "Exit this page",
        "Show my plan",
        "There is a problem",
        "Keep this plan",
        "Save it",
        "Change your answers",
        "Page not found",
        "Go to the questions",
        "Pick one.",
        "Nothing you enter is stored",
    ]
    es = {"accept-language": "es"}
    pages = [
        client.get("/", headers=es).text,
        client.post("/plan?lang=es", data={"child_age": "x"}).text,
        client.post("/plan?lang=es", data=FORM).text,
        client.get("/nowhere", headers=es).text,
    ]
    for page in pages:
        assert '<html lang="es">' in page
        assert [w for w in english if w in page] == []
