"""The README stays true: its help text, its JSON keys and its test command match the program and CI."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from conftest import FIXED_ENV, RunCli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_current_topics(run_cli: RunCli) -> None:
    r = run_cli("topics", "--format", "plain")
    assert r.stdout.rstrip("\n") in README, "README's `parentinvolve topics` block is out of date"


def test_readme_documents_every_json_key(run_cli: RunCli, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nregion: uk\n", encoding="utf-8")
    r = run_cli("ask", "--answers", str(answers), "--format", "json", "--why")
    assert r.exit_code == 0, r.stderr
    section = README.split("#### The plan as JSON", 1)[1].split("\n### ", 1)[0]
    for key in json.loads(r.stdout):
        assert f"`{key}`" in section, f"README does not document the JSON key {key!r}"


def test_readme_has_the_two_set_up_commands_and_ci_runs_the_test_one() -> None:
    blocks = re.findall(r"```\n(python3 -m venv [^\n]*)\n```", README)
    assert len(blocks) == 2, blocks
    main_job, test_command = blocks
    assert main_job.endswith("parentinvolve ask")
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_lists_every_exit_code() -> None:
    codes = README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    for code in ("0", "1", "2", "130"):
        assert f"| {code} |" in codes


def _excerpt(command: str) -> list[str]:
    block = README.split(f"$ {command}\n", 1)[1].split("\n...\n", 1)[0]
    return block.splitlines()


def test_readme_excerpts_match_what_the_program_prints(run_cli: RunCli, tmp_path: Path) -> None:
    teen = tmp_path / "teen.yaml"
    teen.write_text("child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nregion: uk\n", encoding="utf-8")
    shown = _excerpt("parentinvolve ask --answers teen.yaml")
    actual = run_cli("ask", "--answers", str(teen), "--format", "plain").stdout.splitlines()
    assert actual[: len(shown)] == shown, "README's example plan is out of date"
    shown = _excerpt("parentinvolve explain pcit")
    actual = run_cli("explain", "pcit", "--format", "plain").stdout.splitlines()
    assert actual[: len(shown)] == shown, "README's `explain pcit` example is out of date"


def _readme_help() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_help", ROOT / "tools" / "readme_help.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_shows_every_commands_current_help(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command, sub-commands too, has its `--help` in the README, exactly as the program prints it."""
    for key, value in FIXED_ENV.items():
        monkeypatch.setenv(key, value)
    tool = _readme_help()
    missing = [c for c in tool.commands() if f"<!-- help: {c} -->" not in README]
    assert not missing, f"README has no help block for {missing}; add one and run tools/readme_help.py"
    assert tool.refresh(README) == README, "README's generated blocks are out of date: run tools/readme_help.py"
    assert "<!-- therapies -->\n| therapy |" in README  # the therapy table is made from the content


def test_readme_figures_come_from_the_content(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `validate` counts, the answers file's choices and the number of questions are generated into the
    README (tools/readme_help.py), so they cannot drift from the content: each is present and current."""
    for key, value in FIXED_ENV.items():
        monkeypatch.setenv(key, value)
    tool = _readme_help()
    for marker in ("<!-- answers-file -->", "<!-- figure: questions -->", "$ parentinvolve validate content\n"):
        assert marker in README
    assert tool.validate_example() in README
    assert tool.answers_example() in README
    assert f"asks <!-- figure: questions -->{tool.figure('questions')}<!-- /figure -->" in README


def test_readme_says_how_the_bare_command_works_after_set_up() -> None:
    set_up = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    assert "source .venv/bin/activate" in set_up and "`.venv/bin/parentinvolve`" in set_up


def test_pre_commit_runs_what_ci_runs() -> None:
    """Each check `.ci/run` makes after the tests (the coverage floor, validate, the linters) is a hook of
    .pre-commit-config.yaml, with the same command, and so are the tests."""
    import yaml

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    checks = [
        line.split(" >/dev/null")[0].split(" || ")[0]
        for line in ci.split(".venv/bin/python -m pytest\n", 1)[1].splitlines()
        if line.startswith(".venv/bin/")
    ]
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert checks and [c for c in checks if c not in entries] == []
    assert any(e.startswith(".venv/bin/python -m pytest") for e in entries)
