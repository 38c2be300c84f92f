"""The web page end to end: `parentinvolve serve` as a parent's browser meets it (Debian's Chromium through
Playwright, keyboard only), axe-core's WCAG 2.2 A/AA checks, Ctrl-C, and a bounded load test on loopback."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

CLINIC = ROOT / "examples" / "clinic"
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and os.path.exists(p)), "")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FORM_BODY = "child_age=14&concerns=depression&therapy=cbt&stage=ongoing&region=us"


class Server(NamedTuple):
    url: str
    process: subprocess.Popen[str]
    port: int
    log: list[str]  # its stderr (the access log), read as it comes, so the pipe never fills and blocks it
    reader: threading.Thread  # the thread that reads it


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(*args: str, host: str = "127.0.0.1") -> Server:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARENTINVOLVE_")}
    env.update({"PARENTINVOLVE_LANG": "en", "PYTHONUNBUFFERED": "1"})
    process = subprocess.Popen(
        [sys.executable, "-m", "parentinvolve", "serve", "--port", str(port), "--host", host, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("Serving your plan page at http://127.0.0.1:"), first
    for _ in range(100):  # listening a moment after it says so
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    log: list[str] = []
    errors = process.stderr
    assert errors is not None
    reader = threading.Thread(target=lambda: log.extend(iter(errors.readline, "")), daemon=True)
    reader.start()
    return Server(f"http://127.0.0.1:{port}", process, port, log, reader)


def stop(server: Server) -> tuple[int, str, str]:
    server.process.send_signal(signal.SIGINT)
    assert server.process.stdout is not None
    out = server.process.stdout.read()  # to the end: the process has closed it
    server.process.wait(timeout=15)
    server.reader.join(timeout=5)  # the log's last lines
    server.process.stdout.close()
    if server.process.stderr is not None:
        server.process.stderr.close()
    return server.process.returncode, out, "".join(server.log)


@pytest.fixture(scope="module")
def plain() -> Iterator[Server]:
    server = start()
    yield server
    stop(server)


@pytest.fixture(scope="module")
def clinic() -> Iterator[Server]:
    server = start("--clinic", str(CLINIC))
    yield server
    stop(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert CHROMIUM, "no Chromium: .ci/run installs Debian's `chromium`"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_parent_with_only_a_keyboard(browser: Any, plain: Server, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    page.goto(plain.url + "/")
    page.keyboard.press("Tab")  # the banner: the language link, then "Exit this page", then the age
    assert page.evaluate("document.activeElement.textContent") == "Español"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Exit this page"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "child_age"
    page.keyboard.type("14")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the third box: low mood
    assert page.evaluate("document.activeElement.id") == "concerns-3"
    page.keyboard.press("Space")
    for _ in range(6):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "therapy-1"  # the radios: one tab stop, arrows inside
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # stage (Just starting is ticked, as in the menu)
    page.keyboard.press("ArrowDown")  # under way
    page.keyboard.press("Tab")  # region (United States)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Show my plan"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/plan?lang=en")
    main = page.inner_text("main")
    assert "For a 14-year-old (low mood or depression), in CBT, under way" in main
    assert main.index("988") < main.index("How involved you will be")  # the crisis pointer first
    no_sideways_scroll(page)
    pdf = tmp_path / "plan.pdf"
    page.pdf(path=str(pdf), format="A4")
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert data.startswith(b"%PDF") and 1 <= pages <= 15
    # change an answer: back to the filled form, with the keyboard
    page.focus("text=Change your answers")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.input_value("#child_age") == "14"
    assert page.is_checked("#concerns-3") and page.is_checked("#therapy-1")
    page.fill("#child_age", "6")
    page.focus("text=Show my plan")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "For a 6-year-old" in page.inner_text("main")
    # and in Spanish, keeping the answers
    page.focus("header >> text=Español")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_attribute("html", "lang") == "es"
    assert "Cambiar sus respuestas" in page.inner_text("main")


def test_mistakes_are_summarised_and_linked_to_their_fields(browser: Any, plain: Server) -> None:
    page = browser.new_page()
    page.goto(plain.url + "/")
    page.fill("#child_age", "twelve")
    page.click("text=Show my plan")
    summary = page.inner_text(".error-summary")
    assert "There is a problem" in summary and "not a whole number" in summary
    page.click(".error-summary >> text=not a whole number")
    assert page.evaluate("document.activeElement.id") == "child_age"


@pytest.mark.parametrize("width", [320, 640])  # 640 px is 1280 px at 200% zoom
def test_no_sideways_scroll_on_a_phone_or_zoomed(browser: Any, plain: Server, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 700})
    page.goto(plain.url + "/")
    no_sideways_scroll(page)
    page.click("text=Show my plan")
    no_sideways_scroll(page)
    page.goto(plain.url + "/?lang=es")
    no_sideways_scroll(page)
    page.request.post(plain.url + "/plan", form={"child_age": "9"})
    page.goto(plain.url + "/nowhere")
    no_sideways_scroll(page)


def axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in results.response["violations"]]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("layer", ["shipped", "clinic"])
def test_axe_finds_nothing_on_any_page(browser: Any, plain: Server, clinic: Server, lang: str, layer: str) -> None:
    server = clinic if layer == "clinic" else plain
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script; the page allows none
    page = context.new_page()
    found: dict[str, list[str]] = {}
    page.goto(f"{server.url}/?lang={lang}")
    found["form"] = axe_violations(page)
    page.click("button[type=submit]")
    page.locator(".error-summary").first.wait_for()  # (the click starts a navigation; count() would not wait)
    assert page.locator(".error-summary").count() == 1
    found["form with errors"] = axe_violations(page)
    page.goto(f"{server.url}/nowhere?lang={lang}")
    found["error page"] = axe_violations(page)
    page.goto(f"{server.url}/?lang={lang}")
    page.fill("#child_age", "14")
    page.check("#concerns-4")  # self-harm: the crisis block
    page.check("#therapy-4")
    page.click("button[type=submit]")
    page.locator("section.alert").first.wait_for()
    assert page.locator("section.alert").count() >= 1
    found["plan"] = axe_violations(page)
    context.close()
    assert found == {k: [] for k in found}


def test_ctrl_c_stops_it_with_one_line_and_exit_0(plain: Server) -> None:
    server = start("--host", "0.0.0.0")
    assert server.process.stdout is not None
    network = server.process.stdout.readline()
    assert "Anyone on this network can use it" in network
    conn = HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("POST", "/plan", body=FORM_BODY, headers={"content-type": "application/x-www-form-urlencoded"})
    assert conn.getresponse().status == 200
    conn.close()
    code, out, err = stop(server)
    assert code == 0
    assert out == "The plan page has stopped.\n"
    assert "POST /plan" in err  # the access log: method, path, status...
    for word in ("child_age", "depression", "cbt", "ongoing"):  # ...never the answers
        assert word not in err


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_a_bounded_load_on_loopback(plain: Server) -> None:
    """2,000 plan pages, 20 at a time, then it stops by itself: no errors, and memory stays flat."""
    total, concurrency = 2000, 20
    errors: list[str] = []
    done = 0
    lock = threading.Lock()

    def worker(count: int) -> None:
        nonlocal done
        conn = HTTPConnection("127.0.0.1", plain.port, timeout=30)
        for _ in range(count):
            try:
                conn.request(
                    "POST", "/plan", body=FORM_BODY, headers={"content-type": "application/x-www-form-urlencoded"}
                )
                response = conn.getresponse()
                body = response.read()
                if response.status != 200 or (b"Safety first" not in body and b"988" not in body):
                    errors.append(str(response.status))
            except OSError as exc:
                errors.append(repr(exc))
                conn = HTTPConnection("127.0.0.1", plain.port, timeout=30)
            with lock:
                done += 1
        conn.close()

    def run(count: int) -> None:
        threads = [threading.Thread(target=worker, args=(count // concurrency,)) for _ in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)

    run(200)  # warm up: caches, the allocator's pools
    before = _rss_kib(plain.process.pid)
    run(total)
    after = _rss_kib(plain.process.pid)
    assert errors == []
    assert done == 200 + total
    print(f"load: {total} plan pages, {concurrency} at a time; RSS {before} KiB -> {after} KiB")
    assert after - before < 8 * 1024, (before, after)  # flat: not growing with the requests served
