"""Shared fixtures: the shipped knowledge base, a writable copy of the content, and an in-process CLI runner."""

from __future__ import annotations

import functools
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from parentinvolve import i18n
from parentinvolve.cli import main
from parentinvolve.cli.lang import choose_language
from parentinvolve.kb import cache
from parentinvolve.kb import load as load_kb
from parentinvolve.model import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
# A fixed terminal, so output does not depend on who runs the tests.
# English unless a test asks otherwise, whatever the locale of the machine (tests of the locale remove it).
FIXED_ENV = {"COLUMNS": "100", "LINES": "40", "NO_COLOR": "1", "TERM": "dumb", "PARENTINVOLVE_LANG": "en"}


def pytest_configure(config: pytest.Config) -> None:
    """Let Python keep compiled bytecode (in the git-ignored __pycache__ folders) for this run, whatever
    PYTHONDONTWRITEBYTECODE says: without it pytest rewrites and compiles every test module again in each
    worker, and each of the hundreds of `parentinvolve` subprocesses the slow tests start compiles the whole
    package from source, which costs more than most of those tests themselves."""
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: a worker per core for the fast layer, which only computes; one more when the slow layer
    runs, whose terminal and subprocess tests spend much of their time waiting (on 2 cores the full suite
    took 92 s with 2 workers, 84 s with 3). PYTEST_XDIST_AUTO_NUM_WORKERS still decides when it is set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    fast_only = "not slow" in (config.getoption("markexpr", "") or "")
    return cores if fast_only else cores + 1


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current plans (then review the diff)",
    )


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep any cache the program writes inside the test session's temporary folder, never in $HOME."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _decode_each_payload_once() -> Iterator[None]:
    """A verified cache payload decodes to the same immutable knowledge base every time, and the program
    decodes once per run; this suite runs it in-process hundreds of times, so each worker keeps the last few
    payloads' results (the decoder itself is tested in test_cache.py, on payloads of its own)."""
    real = cache.decode
    remembered = functools.lru_cache(maxsize=8)(real)

    def decode(payload: bytes | memoryview) -> KnowledgeBase | None:
        return remembered(bytes(payload))

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cache, "decode", decode)
        yield


@pytest.fixture(scope="session", autouse=True)
def _compose_each_text_once() -> Iterator[None]:
    """Most tests that read YAML read copies of the same files (a content copy with one file edited). The
    composed node tree depends on the text alone and is never changed by the reader, so each worker keeps the
    last few; the reader still converts and checks every file of every test (kb/reader.py)."""
    import yaml

    real = yaml.compose

    @functools.lru_cache(maxsize=64)
    def compose(text: str, loader: type) -> object:
        return real(text, Loader=loader)

    def cached(stream: str | bytes | IO[str] | IO[bytes], Loader: type = yaml.SafeLoader) -> object:
        return compose(stream, Loader) if isinstance(stream, str) else real(stream, Loader=Loader)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(yaml, "compose", cached)
        yield


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The shipped knowledge base (immutable, so one load serves every test)."""
    return load_kb()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped content folder."""
    return Path(shutil.copytree(CONTENT, tmp_path / "content"))


@dataclass(frozen=True)
class Result:
    exit_code: int
    stdout: str
    stderr: str


RunCli = Callable[..., Result]


def run_main(args: list[str]) -> Result:
    """`parentinvolve ARGS...` in-process through the real entry point, `cli.main` (which maps errors to exit
    codes: a CliRunner on the Typer app would bypass that), with no terminal on stdin; what it printed."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, io.StringIO("")
    try:
        code = main(list(args))
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
        choose_language(["--lang", i18n.ENGLISH])  # the run is over: English again, as in a new process
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> RunCli:
    """`run_main` in the fixed terminal; `env` overrides it for one call (a value of None removes the variable)."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in FIXED_ENV.items():
        monkeypatch.setenv(key, value)

    def run(*args: str, env: Mapping[str, str | None] | None = None) -> Result:
        for key, value in (env or {}).items():
            if value is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, value)
        return run_main(list(args))

    return run


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a file; fails loudly if the file does not hold it exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected exactly one {old!r}, found {text.count(old)}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, snippet: str) -> int:
    """The 1-based line number where `snippet` first appears in a file."""
    text = path.read_text(encoding="utf-8")
    assert snippet in text, f"{snippet!r} not in {path.name}"
    return text[: text.index(snippet)].count("\n") + 1


def pytest_report_header(config: pytest.Config) -> str:
    """Show how many bad-input cases the table holds (issue: the count is printed in the test output)."""
    from _bad_inputs_header import header

    return header()
