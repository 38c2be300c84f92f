"""Keep the README's `--help` blocks true: rewrite every block between `<!-- help: CMD -->` and
`<!-- /help -->` with what `parentinvolve CMD --help` prints now (COLUMNS=100); and what comes from the
content: the start of the teen's plan, `parentinvolve topics`, what `validate content` prints (its counts), the
answers file's choices (after `<!-- answers-file -->`), and numbers in the prose (`<!-- figure: questions -->`,
`<!-- figure: therapies -->`), so none of them can drift from the content. tests/test_docs.py checks that every command
has such a block and that each block and example is current.

    .venv/bin/python tools/readme_help.py          # rewrite README.md in place
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- help: ?(?P<cmd>[a-z -]*?) -->\n```\n)(?P<body>.*?)(```\n<!-- /help -->)", re.S)


def commands() -> list[str]:
    """Every command path, the top level first: '', 'ask', 'clinic', 'clinic init', …"""
    from typer.main import get_command

    from parentinvolve.cli import app

    out: list[str] = []

    def walk(cmd: object, path: str) -> None:
        out.append(path)
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            walk(sub, f"{path} {name}".strip())

    walk(get_command(app), "")
    return out


def help_text(command: str) -> str:
    """`parentinvolve COMMAND --help` as a reader sees it at 100 columns."""
    from parentinvolve.cli import main

    os.environ.update({"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main([*command.split(), "--help"])
    return f"$ parentinvolve {command} --help".replace("  ", " ") + "\n" + out.getvalue()


def output(*args: str) -> str:
    """What `parentinvolve ARGS` prints at 100 columns, in plain text."""
    from parentinvolve.cli import main

    os.environ.update({"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"})
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(list(args))
    return out.getvalue()


TEEN = "child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nregion: uk\n"  # teen.yaml, as the README shows it
PLAN_EXAMPLE = re.compile(r"(\$ parentinvolve ask --answers teen\.yaml\n)(.*?)(\n\.\.\.\n)", re.S)
TOPICS_EXAMPLE = re.compile(r"(```\n\$ parentinvolve topics\n)(.*?)(```\n)", re.S)


def plan_example() -> str:
    """The start of the teen's plan, up to the end of "In short"."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        teen = Path(folder) / "teen.yaml"
        teen.write_text(TEEN, encoding="utf-8")
        text = output("ask", "--answers", str(teen), "--format", "plain")
    return text.split("\nAt a glance\n", 1)[0].rstrip("\n") + "\n"


THERAPY_TABLE = re.compile(r"(<!-- therapies -->\n)(.*?)(<!-- /therapies -->\n)", re.S)


def therapy_table() -> str:
    """Every therapy the content knows: its typical ages, where they come from, and the parent's part by age."""
    from parentinvolve import kb as kb_package

    kb = kb_package.load(None)
    age_q = kb.question("child_age")
    oldest = age_q.max if age_q.max is not None else 17
    rows = ["| therapy | typical ages | source of the ages | your part, by your child's age |", "|---|---|---|---|"]
    for e in kb.entries_of("therapy"):
        ages = f"{e.ages[0]}–{e.ages[1]}" if e.ages else "—"
        source = kb.sources[e.ages_source].title if e.ages_source in kb.sources else "none gives a range"
        parts = []
        for band in e.bands:
            label = kb.attendance[band.attendance].label.lower()
            high = oldest if band.max_age is None else min(band.max_age, oldest)
            whole = band.min_age <= (age_q.min or 0) and high >= oldest
            parts.append(label if whole else f"{band.min_age}–{high}: {label}")
        rows.append(f"| `{e.id}` {e.name} | {ages} | {source} | {'; '.join(parts)} |")
    return "\n".join(rows) + "\n"


VALIDATE_EXAMPLE = re.compile(
    r"(```\n\$ parentinvolve validate content\n)(.*?)(\$ parentinvolve validate broken-copy\n)", re.S
)
ANSWERS_EXAMPLE = re.compile(r"(<!-- answers-file -->\n```yaml\n)(.*?)(```\n)", re.S)
FIGURE = re.compile(r"(<!-- figure: (?P<name>[a-z-]+) -->)(.*?)(<!-- /figure -->)")
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")


def validate_example() -> str:
    """What `parentinvolve validate content` prints, run from the repository's root as the README shows."""
    here = os.getcwd()
    os.chdir(README.parent)
    try:
        return output("validate", "content")
    finally:
        os.chdir(here)


def answers_example() -> str:
    """An answers file for the teen, each line naming every choice its question has (from questions.yaml)."""
    from parentinvolve.kb import load

    kb = load()
    example = {"child_age": "15", "concerns": "[self-harm]", "therapy": "dbt", "stage": "starting", "region": "uk"}
    lines = []
    for q in kb.questions:
        value = example.get(q.id, q.default or (q.choice_ids()[0] if q.choices else ""))
        if q.kind == "integer":
            note = f"{q.min}-{q.max}"
        else:
            ids = [f"{c.id} (default)" if c.id == q.default else c.id for c in q.choices]
            note = ("one or more of: " if q.kind == "multi" else "one of: ") + ", ".join(ids)
        lines.append((f"{q.id}: {value}", note))
    room = max(len(left) for left, _ in lines) + 2
    return "".join(f"{left.ljust(room)}# {note}\n" for left, note in lines)


def figure(name: str) -> str:
    """A number from the content, in words, for the README's prose."""
    from parentinvolve.kb import load

    kb = load()
    count = {"questions": len(kb.questions), "therapies": len(kb.question("therapy").choices) - 1}[name]
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


def refresh(text: str) -> str:
    text = BLOCK.sub(lambda m: m.group(1) + help_text(m.group("cmd")) + m.group(4), text)
    text = PLAN_EXAMPLE.sub(lambda m: m.group(1) + plan_example() + m.group(3), text)
    text = THERAPY_TABLE.sub(lambda m: m.group(1) + therapy_table() + m.group(3), text)
    text = VALIDATE_EXAMPLE.sub(lambda m: m.group(1) + validate_example() + m.group(3), text)
    text = ANSWERS_EXAMPLE.sub(lambda m: m.group(1) + answers_example() + m.group(3), text)
    text = FIGURE.sub(lambda m: m.group(1) + figure(m.group("name")) + m.group(4), text)
    return TOPICS_EXAMPLE.sub(lambda m: m.group(1) + output("topics", "--format", "plain") + m.group(3), text)


if __name__ == "__main__":
    README.write_text(refresh(README.read_text(encoding="utf-8")), encoding="utf-8")
    missing = [c for c in commands() if f"<!-- help: {c} -->" not in README.read_text(encoding="utf-8")]
    if missing:
        print("README has no help block for: " + ", ".join(repr(c) for c in missing), file=sys.stderr)
        sys.exit(1)
