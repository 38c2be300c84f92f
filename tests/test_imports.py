"""What each command imports, checked in a fresh interpreter: start-up time is mostly imports.

questionary and prompt_toolkit cost 50-100 ms: only a question on a terminal may load them. Plain output
needs no rich. A warm `explain` (knowledge base from the cache) never loads PyYAML or the loader.
The budgets themselves are measured by `benchmarks/run.py`, not here (timings make flaky tests).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONTENT

pytestmark = pytest.mark.slow  # every test here starts a fresh interpreter

# Run the real entry point, then report every module loaded (taken before `json` is imported to say so).
RUNNER = """
import sys
from parentinvolve.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
loaded = sorted(sys.modules)
import json
sys.stderr.write("\\nMODULES " + json.dumps(loaded) + "\\n")
sys.exit(code)
"""
INTERACTIVE = ("questionary", "prompt_toolkit")
WEB = ("starlette", "uvicorn", "anyio", "h11", "httpx", "httpx2")  # and parentinvolve.web: see roots()
ANSWERS = "child_age: 9\nconcerns: [anxiety]\ntherapy: cbt\nstage: starting\n"


def modules(args: list[str], cache_home: Path, **extra: str) -> set[str]:
    """The modules `parentinvolve ARGS` loads, stdout piped, in a fresh interpreter with its own cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARENTINVOLVE_")}
    env.update({"XDG_CACHE_HOME": str(cache_home), "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "100", **extra})
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line[len("MODULES ") :]))


def roots(loaded: set[str]) -> set[str]:
    """Top-level packages; our own web layer counts as the web stack (`starlette`)."""
    return {name.split(".")[0] for name in loaded} | ({"starlette"} if "parentinvolve.web" in loaded else set())


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(ANSWERS, encoding="utf-8")
    return path


COMMANDS = {
    "explain": ["explain", "pcit"],
    "topics": ["topics"],
    "help": ["--help"],
    "ask-json": ["ask", "--answers", "ANSWERS", "--format", "json"],
    "explain-markdown": ["explain", "pcit", "--format", "markdown"],
    "topics-json": ["topics", "--format", "json"],
}


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache home filled by one cold run, which itself loads nothing interactive and no rich."""
    home = tmp_path_factory.mktemp("warm-cache")
    loaded = roots(modules(["explain", "pcit"], home))
    assert "yaml" in loaded and not loaded & {*INTERACTIVE, "rich"}, sorted(loaded & {*INTERACTIVE, "rich"})
    return home


@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_interactive_and_no_rich_modules(name: str, warm_cache: Path, answers: Path) -> None:
    """Each command as most runs find it, with the cache warm (a cold run adds only the YAML reading)."""
    args = [str(answers) if a == "ANSWERS" else a for a in COMMANDS[name]]
    loaded = roots(modules(args, warm_cache))
    assert not loaded & set(INTERACTIVE), f"{name} imported {sorted(loaded & set(INTERACTIVE))}"
    assert "rich" not in loaded, f"{name}: plain output imported rich"
    web = loaded & set(WEB)
    assert not web, f"{name} imported {sorted(web)}: only `serve` may load the web stack"


def test_warm_explain_reads_no_yaml(tmp_path: Path) -> None:
    cold = modules(["explain", "pcit"], tmp_path / "cache")
    assert "yaml" in cold and "parentinvolve.kb.build" in cold  # the first run reads the YAML and fills the cache
    assert list((tmp_path / "cache" / "parentinvolve").glob("kb-*.bin"))
    warm = modules(["explain", "pcit"], tmp_path / "cache")
    assert "yaml" not in roots(warm)
    assert not {"parentinvolve.kb.build", "parentinvolve.kb.reader", "parentinvolve.kb.conditions"} & warm
    # Looking something up needs no engine (json is cheap and imported plainly since issue 9).
    assert "parentinvolve.engine" not in warm


def test_warm_topics_reads_no_yaml(tmp_path: Path) -> None:
    modules(["topics"], tmp_path / "cache")
    assert "yaml" not in roots(modules(["topics"], tmp_path / "cache"))


def test_without_the_cache_explain_reads_the_yaml(tmp_path: Path) -> None:
    loaded = modules(["explain", "pcit"], tmp_path / "cache", PARENTINVOLVE_NO_CACHE="1")
    assert "yaml" in loaded
    assert not (tmp_path / "cache").exists()


def test_validate_always_reads_the_yaml(tmp_path: Path) -> None:
    modules(["explain", "pcit"], tmp_path / "cache")  # a warm cache
    loaded = modules(["validate", str(CONTENT)], tmp_path / "cache")
    assert {"yaml", "parentinvolve.kb.build"} <= loaded
    assert "parentinvolve.kb.cache" not in loaded
