"""The core commands through the real entry point: exact key output, stdout/stderr and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import RunCli, edit, line_of
from parentinvolve import __version__
from parentinvolve.model import KnowledgeBase

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PROBLEM = re.compile(r"^(?:parentinvolve: )?(?P<path>/\S+\.yaml):(?P<line>\d+):(?P<col>\d+): \S")


def words(text: str) -> str:
    """Text with every run of whitespace made one space, so wrapped lines read as one."""
    return " ".join(text.split())


# --- explain: what the issue says parents must be told ------------------------------------------------------


def test_explain_pcit(run_cli: RunCli) -> None:
    r = run_cli("explain", "pcit")
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout.startswith("Parent-child interaction therapy (PCIT)\n")
    text = words(r.stdout)
    assert "A therapy for young children's behavior, built around coaching you as you play with your child." in text
    assert "Your involvement: Every session." in text
    assert "In every session you play with your child and are coached live, in real time, by the therapist." in text


def test_explain_play(run_cli: RunCli) -> None:
    r = run_cli("explain", "play")
    assert (r.exit_code, r.stderr) == (0, "")
    text = words(r.stdout)
    assert "Not usually every session." in text
    assert "The therapist should set goals with you and consult you as therapy goes on" in text
    assert "Typical ages: 3 to 11" in text


def test_explain_dbt(run_cli: RunCli) -> None:
    r = run_cli("explain", "dbt")
    assert (r.exit_code, r.stderr) == (0, "")
    text = words(r.stdout)
    assert "You may be asked to sign a confidentiality agreement." in text
    assert "Privacy has limits, such as a serious risk to their safety." in text
    assert "Typical ages: 12 to 17" in text and "Last reviewed:" in text


def test_explain_works_for_every_id(run_cli: RunCli, kb: KnowledgeBase) -> None:
    assert len(kb.entries) >= 11
    for entry in kb.entries:
        r = run_cli("explain", entry.id)
        assert (r.exit_code, r.stderr) == (0, ""), entry.id
        assert r.stdout.startswith(entry.name + "\n"), entry.id
        assert words(entry.summary) in words(r.stdout)
        for section in entry.sections:
            assert section.heading in r.stdout, (entry.id, section.heading)


ALIASES = {
    "play therapy": "play",
    "parent-child interaction therapy": "pcit",
    "cognitive behavioral therapy": "cbt",
    "dialectical behavior therapy": "dbt",
    "family therapy": "family",
    "collateral sessions": "collateral",
    "intake appointment": "intake",
    "consent form": "consent",
}


def variants(name: str) -> list[str]:
    return [
        name,
        name.upper(),
        name.title(),
        name.replace(" ", "-"),
        name.replace("-", " "),
        "  " + name.replace(" ", "_") + " ",
    ]


@pytest.mark.parametrize(("alias", "entry_id"), [(v, e) for a, e in ALIASES.items() for v in variants(a)])
def test_explain_accepts_aliases_in_any_case_with_hyphens_or_spaces(
    run_cli: RunCli, kb: KnowledgeBase, alias: str, entry_id: str
) -> None:
    r = run_cli("explain", alias)
    assert (r.exit_code, r.stderr) == (0, ""), alias
    entry = kb.entry(entry_id)
    assert entry is not None and r.stdout.startswith(entry.name + "\n")


def test_explain_accepts_every_declared_name_and_alias(run_cli: RunCli, kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        for name in (entry.name, *entry.aliases):
            r = run_cli("explain", name, "--format", "json")
            assert r.exit_code == 0, name
            assert json.loads(r.stdout)["id"] == entry.id, name


def test_unknown_topic_names_the_closest_and_the_topics_command(run_cli: RunCli) -> None:
    r = run_cli("explain", "pcti")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1
    assert "did you mean: pcit?" in r.stderr.lower()
    assert "`parentinvolve topics`" in r.stderr


def test_unknown_topic_with_nothing_close_still_points_to_topics(run_cli: RunCli) -> None:
    r = run_cli("explain", "zzzzzz")
    assert (r.exit_code, r.stdout) == (2, "")
    assert "did you mean" not in r.stderr.lower()
    assert "`parentinvolve topics`" in r.stderr


# --- explain: formats -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", ["20", "100", "300"])
def test_explain_json_is_valid_json_at_any_width(run_cli: RunCli, kb: KnowledgeBase, columns: str) -> None:
    r = run_cli("explain", "pcit", "--format", "json", env={"COLUMNS": columns})
    assert (r.exit_code, r.stderr) == (0, "")
    data = json.loads(r.stdout)
    pcit = kb.entry("pcit")
    assert pcit is not None
    assert (data["id"], data["kind"], data["name"], data["attendance"]) == (
        "pcit",
        "therapy",
        pcit.name,
        "every-session",
    )
    assert [s["key"] for s in data["sections"]] == [s.key for s in pcit.sections]
    assert {s["id"] for s in data["sources"]} == set(pcit.sources)


def test_explain_json_is_valid_for_every_entry_even_with_colour_forced(run_cli: RunCli, kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        r = run_cli("explain", entry.id, "-f", "json", env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm"})
        assert "\x1b" not in r.stdout
        assert json.loads(r.stdout)["summary"] == entry.summary


def test_explain_markdown(run_cli: RunCli) -> None:
    r = run_cli("explain", "pcit", "--format", "markdown")
    assert (r.exit_code, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    assert lines[0] == "# Parent-child interaction therapy (PCIT)"
    assert "## What it is" in lines and "## Sources" in lines
    assert any(line.startswith("- ") and "coached live" in line for line in lines)
    assert "\x1b" not in r.stdout


def test_explain_rich_with_colour_forced_has_ansi_codes_and_the_text(run_cli: RunCli) -> None:
    r = run_cli("explain", "pcit", "--format", "rich", env={"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm"})
    assert (r.exit_code, r.stderr) == (0, "")
    assert "\x1b[" in r.stdout
    plain = words(ANSI.sub("", r.stdout))
    assert "Parent-child interaction therapy (PCIT)" in plain
    assert "coaches you live" in plain


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm"}])
def test_default_format_off_a_terminal_is_plain(run_cli: RunCli, env: dict[str, str | None]) -> None:
    r = run_cli("explain", "pcit", env=env)
    assert r.exit_code == 0
    assert "\x1b" not in r.stdout
    assert r.stdout.splitlines()[1] == "=" * len("Parent-child interaction therapy (PCIT)")


def test_plain_output_is_wrapped_to_the_terminal_width(run_cli: RunCli) -> None:
    r = run_cli("explain", "dbt", "--format", "plain", env={"COLUMNS": "60"})
    long_lines = [line for line in r.stdout.splitlines() if len(line) > 60 and " " in line.strip()]
    assert long_lines == []


def test_unknown_format_is_a_usage_error(run_cli: RunCli) -> None:
    r = run_cli("explain", "pcit", "--format", "pdf")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.splitlines() == ["parentinvolve: Unknown format 'pdf'. Choose one of: rich, plain, markdown, json."]


# --- topics ---------------------------------------------------------------------------------------------------


def test_topics_lists_every_id_in_its_group(run_cli: RunCli, kb: KnowledgeBase) -> None:
    r = run_cli("topics")
    assert (r.exit_code, r.stderr) == (0, "")
    lines = r.stdout.splitlines()
    headings = ["Therapies", "Moments of involvement", "Other topics"]
    at = [lines.index(h) for h in headings]
    assert at == sorted(at)
    for n, kind in enumerate(("therapy", "moment", "topic")):
        group = lines[at[n] : at[n + 1] if n + 1 < len(at) else len(lines)]
        listed = [line[2:].split(" — ")[0] for line in group if line.startswith("- ")]
        assert listed == [e.id for e in kb.entries_of(kind)]
    text = words(r.stdout)
    for entry in kb.entries:
        assert f"- {entry.id} — {words(entry.summary)}" in text


def test_topics_json(run_cli: RunCli, kb: KnowledgeBase) -> None:
    r = run_cli("topics", "--format", "json")
    assert r.exit_code == 0
    assert [(t["id"], t["kind"]) for t in json.loads(r.stdout)] == [(e.id, e.kind) for e in kb.entries]


# --- validate -------------------------------------------------------------------------------------------------


def test_validate_shipped_content(run_cli: RunCli, kb: KnowledgeBase) -> None:
    r = run_cli("validate")
    assert r.exit_code == 0
    first, *languages = r.stdout.splitlines()
    n_rules = len(kb.rules)
    assert re.fullmatch(rf".+content: no problems found \(9 files: .*\b{n_rules} rules\)\.", first), r.stdout
    # One line per translated language; each missing or stale translation is a warning on stderr (test_i18n.py).
    assert [line.split(":")[0] for line in languages] == ["es"]


def test_validate_a_broken_copy_lists_every_problem(run_cli: RunCli, content_copy: Path) -> None:
    therapies, rules = content_copy / "therapies.yaml", content_copy / "rules.yaml"
    edit(therapies, "  name: Play therapy\n", "  name: Play therapy\n  name: Play\n")
    edit(rules, "  suggest: [pcit]\n", "  suggest: [pcti]\n")
    edit(
        therapies,
        "  age_fit:\n    - >-\n      CBT is used with children",
        "  age_fit: >-\n      CBT is used with children",
    )
    r = run_cli("validate", str(content_copy))
    assert (r.exit_code, r.stdout) == (1, "")
    lines = r.stderr.splitlines()
    problems = [line for line in lines if PROBLEM.match(line)]
    assert len(problems) == 4, lines
    name = line_of(therapies, "  name: Play therapy")
    # located lines start with the path, so editors can jump to them
    assert (
        problems[0] == f"{rules}:{line_of(rules, 'suggest: [pcti]')}:13: unknown therapy 'pcti' (did you mean: pcit?)"
    )
    assert f"{therapies}:{line_of(therapies, '  age_fit: >-')}:12: age_fit should be a list of paragraphs" in r.stderr
    assert f"{therapies}:{name}:3: duplicate key 'name' (again at line {name + 1})" in lines
    assert f"{therapies}:{name + 1}:3: duplicate key 'name' (first at line {name}); keep only one" in lines
    assert lines[-1].startswith(f"parentinvolve: The content in {content_copy} has 4 problems.")


def test_validate_follows_the_content_option(run_cli: RunCli, content_copy: Path) -> None:
    edit(content_copy / "rules.yaml", "  suggest: [pcit]\n", "  suggest: [pcti]\n")
    r = run_cli("--content", str(content_copy), "validate")
    assert r.exit_code == 1
    assert "unknown therapy 'pcti'" in r.stderr


def test_validate_a_missing_folder(run_cli: RunCli, tmp_path: Path) -> None:
    r = run_cli("validate", str(tmp_path / "nope"))
    assert (r.exit_code, r.stdout) == (1, "")
    assert f"{tmp_path / 'nope'}:1:1: no such folder" in r.stderr


# --- --content -------------------------------------------------------------------------------------------------


def test_content_option_is_used_by_explain_and_topics(run_cli: RunCli, content_copy: Path) -> None:
    edit(
        content_copy / "therapies.yaml",
        "  summary: A therapy for young children's behavior, built around coaching you as you play with your child.\n",
        "  summary: Our clinic runs PCIT on Tuesday evenings.\n",
    )
    r = run_cli("--content", str(content_copy), "explain", "pcit")
    assert (r.exit_code, r.stderr) == (0, "")
    assert "Our clinic runs PCIT on Tuesday evenings." in r.stdout
    assert "coaches you live." not in r.stdout.splitlines()[3]
    r = run_cli("--content", str(content_copy), "topics")
    assert "- pcit — Our clinic runs PCIT on Tuesday evenings." in r.stdout
    # ...and the shipped content is untouched.
    assert "Tuesday" not in run_cli("explain", "pcit").stdout


@pytest.mark.parametrize("command", [["explain", "pcit"], ["topics"]])
def test_broken_content_option_is_exit_1_with_the_problems(
    run_cli: RunCli, content_copy: Path, command: list[str]
) -> None:
    edit(content_copy / "rules.yaml", "  suggest: [pcit]\n", "  suggest: [pcti]\n")
    r = run_cli("--content", str(content_copy), *command)
    assert (r.exit_code, r.stdout) == (1, "")
    assert f"{content_copy / 'rules.yaml'}:" in r.stderr and "unknown therapy 'pcti'" in r.stderr


def test_content_option_naming_a_missing_folder(run_cli: RunCli, tmp_path: Path) -> None:
    r = run_cli("--content", str(tmp_path / "nope"), "explain", "pcit")
    assert (r.exit_code, r.stdout) == (1, "")
    assert "no such folder" in r.stderr


# --- version, help, usage errors --------------------------------------------------------------------------------


def test_version(run_cli: RunCli) -> None:
    r = run_cli("--version")
    assert (r.exit_code, r.stdout, r.stderr) == (0, f"parentinvolve {__version__}\n", "")


@pytest.mark.parametrize("args", [["--help"], ["-h"], []])
def test_help_lists_every_command_with_examples(run_cli: RunCli, args: list[str]) -> None:
    r = run_cli(*args)
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout.startswith("Usage: parentinvolve ")
    assert "Examples:" in r.stdout
    commands = r.stdout.split("Commands:")[1]
    for command in ("explain", "topics", "validate", "ask"):
        assert re.search(rf"^\s+{command}\s+\S", commands, re.M), command
        assert f"parentinvolve {command}" in r.stdout


@pytest.mark.parametrize("command", ["explain", "topics", "validate", "ask"])
def test_each_command_help_has_an_example(run_cli: RunCli, command: str) -> None:
    r = run_cli(command, "--help")
    assert (r.exit_code, r.stderr) == (0, "")
    assert re.search(r"^\s+Examples?:$", r.stdout, re.M)
    assert f"  parentinvolve {command}" in r.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--bogus"], "No such option: --bogus"),
        (["explain", "pcit", "--bogus"], "No such option: --bogus"),
        (["frobnicate"], "No such command"),
        (["explain"], "Missing argument"),
        (["explain", "pcit", "extra"], "unexpected extra argument"),
    ],
)
def test_usage_errors_are_exit_2_in_one_line(run_cli: RunCli, args: list[str], says: str) -> None:
    r = run_cli(*args)
    assert (r.exit_code, r.stdout) == (2, "")
    lines = r.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("parentinvolve: ") and says.lower() in lines[0].lower()
    assert "--help" in lines[0]


# --- every entry, every format; content is always shown literally ------------------------------------------


@pytest.mark.parametrize("fmt", ["rich", "plain", "markdown", "json"])
def test_every_entry_renders_in_every_format(run_cli: RunCli, kb: KnowledgeBase, fmt: str) -> None:
    for entry in kb.entries:
        r = run_cli("explain", entry.id, "--format", fmt)
        assert (r.exit_code, r.stderr) == (0, ""), (entry.id, fmt)
        assert entry.name.split(" (")[0] in r.stdout


MARKUP = "Try [bold]this[/bold], [/oops] and <b>that</b> with *stars* and `ticks`."


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [
        ("plain", MARKUP),
        ("rich", MARKUP),
        ("markdown", r"Try \[bold\]this\[/bold\], \[/oops\] and \<b\>that\</b\> with \*stars\* and \`ticks\`."),
    ],
)
def test_markup_in_content_is_shown_literally(run_cli: RunCli, content_copy: Path, fmt: str, shown: str) -> None:
    edit(
        content_copy / "therapies.yaml",
        "  summary: A therapy for young children's behavior, built around coaching you as you play with your child.\n",
        f'  summary: "{MARKUP}"\n',
    )
    env = {"FORCE_COLOR": "1", "NO_COLOR": None, "TERM": "xterm"} if fmt == "rich" else {}
    r = run_cli("--content", str(content_copy), "explain", "pcit", "--format", fmt, env=env)
    assert (r.exit_code, r.stderr) == (0, "")
    assert shown in ANSI.sub("", r.stdout)
