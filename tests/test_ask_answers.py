"""`parentinvolve ask --answers FILE`: the plan a parent gets, in every format, through the real entry point."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli

# The crisis lines for the UK, exactly as in the project's checked list (shared/facts.md).
UK_LINES = {
    "Childline": "0800 1111 (under 19)",
    "Samaritans": "116 123",
    "PAPYRUS HOPELINE247": "0800 068 4141 (under-35s and people worried about them)",
}
DOCUMENTED_KEYS = {
    "answers",
    "attendance",
    "therapy",
    "suggested_therapies",
    "moments",
    "confidentiality",
    "safety",
    "prepare",
    "questions_to_ask",
    "why_it_matters",
    "sources",
    "trace",
}
PLAIN_SECTIONS = [
    "In short",
    "At a glance",
    "Your part, moment by moment",
    "What stays private",
    "Before the first appointment",
    "Questions to ask the therapist",
    "Why your part matters",
    "Sources",
]
DISCLAIMER_START = "This is general information"

PCIT = "child_age: 4\nconcerns: [behavior]\ntherapy: pcit\n"
FAMILY = "child_age: 8\nconcerns: [family-change]\ntherapy: family\n"
DBT_UK = "child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nregion: uk\n"
CBT = "child_age: 10\nconcerns: [anxiety]\ntherapy: cbt\n"
UNSURE = "child_age: 9\nconcerns: [anxiety, behavior]\ntherapy: unsure\n"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """`parentinvolve ARGS...` in-process (conftest's `run_cli`), in tmp_path."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Run:
        r = run_cli(*args)
        return Run(r.exit_code, r.stdout, r.stderr)

    return run


def answers(tmp_path: Path, text: str, name: str = "answers.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def plan_json(cli: Any, tmp_path: Path, text: str, *extra: str) -> dict[str, Any]:
    result = cli("ask", "--answers", answers(tmp_path, text), "--format", "json", *extra)
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def all_texts(data: dict[str, Any]) -> list[str]:
    """Every sentence of the plan a parent reads: role, moments, and the lists."""
    texts = [data["therapy"]["role"]] if data["therapy"] else []
    for moment in data["moments"]:
        texts += moment["what_to_expect"]
    for key in ("confidentiality", "prepare", "questions_to_ask", "why_it_matters"):
        texts += data[key]
    return texts


def sections(plain: str) -> list[str]:
    """The top-level section titles of a plain-text plan, in order ("SAFETY FIRST" for the crisis box)."""
    lines = plain.splitlines()
    found = []
    for i, line in enumerate(lines[:-1]):
        if line.startswith("!!!!") and i + 1 < len(lines) and lines[i + 1].startswith("SAFETY FIRST"):
            found.append("SAFETY FIRST")
        elif line and lines[i + 1] == "-" * len(line):
            found.append(line)
    return found


# --- the examples the issue asks for ------------------------------------------------------------


def test_pcit_for_a_four_year_old_means_every_session_and_live_coaching(cli: Any, tmp_path: Path) -> None:
    data = plan_json(cli, tmp_path, PCIT)
    assert data["attendance"] == "every-session"
    assert data["therapy"]["id"] == "pcit"
    role = data["therapy"]["role"].lower()
    assert "coach" in role
    assert "during the session" in role or "live" in role
    assert re.search(r"coach\w* you live", role)
    weekly = next(m for m in data["moments"] if m["id"] == "weekly")
    assert any("about an hour" in t for t in weekly["what_to_expect"])
    assert data["safety"] is None
    assert data["suggested_therapies"] == []


def test_family_therapy_after_a_new_sibling_means_every_family_member_comes(cli: Any, tmp_path: Path) -> None:
    data = plan_json(cli, tmp_path, FAMILY)
    assert data["attendance"] == "every-session"
    assert data["therapy"]["id"] == "family"
    texts = " ".join(all_texts(data))
    assert "That includes the other parent, and brothers and sisters" in texts  # the article's point, kept
    assert "Before any joint session, tell the therapist privately" in texts


def test_dbt_teen_with_self_harm_in_the_uk_gets_safety_first(cli: Any, tmp_path: Path) -> None:
    data = plan_json(cli, tmp_path, DBT_UK)
    assert next(iter(data)) == "safety"
    safety = data["safety"]
    assert safety["region"] == "uk"
    assert safety["message"]
    lines = {line["name"]: line["contact"] for line in safety["lines"]}
    for name, contact in UK_LINES.items():
        assert lines[name] == contact
    private = " ".join(data["confidentiality"])
    assert "agreement about this" in private
    assert "serious risk of harm" in private and "to protect a child" in private  # UK: safeguarding
    assert "HIPAA" not in private and "abuse or neglect" not in private  # no US law in a UK plan
    assert "they will tell you, whatever has been agreed" not in private  # no promise the law can't keep


@pytest.mark.parametrize("fmt", ["plain", "markdown", "html"])
def test_crisis_lines_come_first_in_every_text_format(cli: Any, tmp_path: Path, fmt: str) -> None:
    result = cli("ask", "--answers", answers(tmp_path, DBT_UK), "--format", fmt)
    assert result.code == 0, result.err
    out = result.out
    words = re.sub(r"<[^>]+>", "", out) if fmt == "html" else out  # numbers are tel: links in HTML
    for name, contact in UK_LINES.items():
        assert f"{name}: {contact}" in words
    first_line = words.index("Childline: 0800 1111 (under 19)")
    assert first_line < words.index("At a glance")
    if fmt == "plain":
        assert sections(out)[0] == "SAFETY FIRST"
    elif fmt == "markdown":
        body = [line for line in out.splitlines()[1:] if line.strip()]
        assert body[0].startswith("> **Safety first")
    else:
        after_title = out.split("</h1>", 1)[1].lstrip()
        assert after_title.startswith('<section class="alert"')


def test_cbt_for_an_anxious_ten_year_old_teaches_you_to_coach_at_home(cli: Any, tmp_path: Path) -> None:
    result = cli("ask", "--answers", answers(tmp_path, CBT), "--format", "plain")
    assert result.code == 0, result.err
    text = " ".join(result.out.split())
    assert re.search(r"learn the (CBT )?skills yourself\. Then you can remind and guide your child[^.]*at home", text)


def test_unsure_suggests_therapies(cli: Any, tmp_path: Path) -> None:
    data = plan_json(cli, tmp_path, UNSURE)
    assert data["therapy"] is None
    assert data["suggested_therapies"]
    assert all(isinstance(s["id"], str) and s["attendance"] for s in data["suggested_therapies"])
    assert data["attendance"] == "depends"


def test_unsure_plain_output_names_the_suggestions_and_how_to_ask(cli: Any, tmp_path: Path) -> None:
    result = cli("ask", "--answers", answers(tmp_path, UNSURE), "--format", "plain")
    text = " ".join(result.out.split())
    assert "Cognitive behavioral therapy" in text or "CBT" in text
    assert "Which kind of therapy do you plan to use with my child" in text


# --- the JSON shape ------------------------------------------------------------------------------


def test_json_has_every_documented_key_with_its_shape(cli: Any, tmp_path: Path) -> None:
    data = plan_json(cli, tmp_path, "child_age: 15\nconcerns: [self-harm, anxiety]\ntherapy: dbt\n")
    assert set(data) >= DOCUMENTED_KEYS
    # answers: normalised, defaults filled (stage, and region, which every plan uses)
    assert data["answers"] == {
        "child_age": 15,
        "concerns": ["anxiety", "self-harm"],
        "therapy": "dbt",
        "stage": "starting",
        "region": "us",
    }
    assert data["attendance"] in {"every-session", "some-sessions", "check-ins"}
    assert set(data["therapy"]) >= {"id", "name", "role"}
    assert data["therapy"]["id"] == "dbt" and data["therapy"]["name"] and data["therapy"]["role"]
    assert data["suggested_therapies"] == []
    assert [m["id"] for m in data["moments"]] == ["consent", "intake", "weekly", "collateral"]
    for m in data["moments"]:
        assert set(m) >= {"id", "title", "what_to_expect"}
        assert m["title"] and all(isinstance(t, str) for t in m["what_to_expect"])
    for key in ("confidentiality", "prepare", "questions_to_ask", "why_it_matters"):
        assert data[key] and all(isinstance(t, str) and t for t in data[key])
    assert set(data["safety"]) >= {"region", "lines", "message"}
    assert data["safety"]["region"] == "us"
    assert all(set(line) >= {"name", "contact"} for line in data["safety"]["lines"])
    assert data["sources"] and all(s["id"] and s["title"] for s in data["sources"])
    assert data["trace"] and all(isinstance(r, str) for r in data["trace"])


def test_json_without_self_harm_has_null_safety_and_the_default_region(cli: Any, tmp_path: Path) -> None:
    data = plan_json(cli, tmp_path, "child_age: 6\nconcerns: [behavior]\ntherapy: play\nstage: ongoing\n")
    assert data["safety"] is None  # no crisis lines without self-harm, whatever the region
    assert data["answers"]["region"] == "us"  # the region is always asked, so its default is filled
    assert data["answers"]["stage"] == "ongoing"
    assert data["prepare"] == []
    # ... and the default region's local rules are in the plan, with a word to ask what applies
    private = " ".join(data["confidentiality"])
    assert "HIPAA" in private and "ask what applies in your state" in private.lower()
    assert "region-us-records" in data["trace"]


# --- the plain text plan -------------------------------------------------------------------------


def test_plain_sections_come_in_order_with_the_disclaimer_once_at_the_end(cli: Any, tmp_path: Path) -> None:
    result = cli("ask", "--answers", answers(tmp_path, DBT_UK), "--format", "plain")
    assert result.code == 0, result.err
    assert sections(result.out) == ["SAFETY FIRST", *PLAIN_SECTIONS]
    assert result.out.count(DISCLAIMER_START) == 1
    last_paragraph = result.out.strip().split("\n\n")[-1]
    assert last_paragraph.startswith(DISCLAIMER_START)
    assert result.out.startswith("Your part in your child's therapy\n")


def test_no_safety_section_and_no_preparation_once_sessions_are_under_way(cli: Any, tmp_path: Path) -> None:
    result = cli("ask", "--answers", answers(tmp_path, PCIT + "stage: ongoing\n"), "--format", "plain")
    assert result.code == 0, result.err
    expected = [s for s in PLAIN_SECTIONS if s != "Before the first appointment"]
    assert sections(result.out) == expected
    assert "SAFETY FIRST" not in result.out


def test_markdown_and_html_sections_come_in_the_same_order(cli: Any, tmp_path: Path) -> None:
    path = answers(tmp_path, DBT_UK)
    md = cli("ask", "--answers", path, "--format", "markdown").out
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == PLAIN_SECTIONS
    html = cli("ask", "--answers", path, "--format", "html").out
    h2 = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert h2[0].startswith("Safety first")
    assert h2[-1].startswith("Crisis lines")  # the short footer
    assert h2[1:-1] == PLAIN_SECTIONS


def test_why_adds_the_rule_under_each_item(cli: Any, tmp_path: Path) -> None:
    path = answers(tmp_path, PCIT)
    plain = cli("ask", "--answers", path, "--format", "plain").out
    why = cli("ask", "--answers", path, "--format", "plain", "--why").out
    assert "Why: rule" not in plain
    assert "Why: rule therapy-attendance" in why
    assert re.search(r"Rules used: .*role-pcit", " ".join(why.split()))
    notes = [line for line in why.splitlines() if line.strip().startswith("Why: rule")]
    assert len(notes) >= 10


# --- answers files that are wrong ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "must_say"),
    [
        ("concerns: [anxiety]\ntherapy: cbt\n", ["child_age", "missing", "0 to 17"]),
        (
            CBT + "colour: red\n",
            ["unknown question", "colour", "child_age, concerns, therapy, stage, region"],
        ),
        (
            "child_age: 4\nconcerns: [behavior]\ntherapy: pcitt\n",
            ["therapy", "pcitt", "cbt, play, pcit", "unsure", "did you mean: pcit"],
        ),
        (
            "child_age: 9\nconcerns: [anxeity]\ntherapy: cbt\n",
            ["anxeity", "behavior, anxiety", "did you mean: anxiety"],
        ),
        ("child_age: five\nconcerns: [anxiety]\ntherapy: cbt\n", ["child_age", "five", "0 to 17"]),
        ("child_age: 40\nconcerns: [anxiety]\ntherapy: cbt\n", ["child_age", "40", "0 to 17"]),
        (CBT + "region: mars\n", ["region", "mars", "us, uk, ca, au, ie"]),
    ],
    ids=["missing", "unknown-key", "unknown-therapy", "unknown-concern", "age-word", "age-range", "region"],
)
def test_answers_file_problems_exit_2_naming_the_key_and_choices(
    cli: Any, tmp_path: Path, text: str, must_say: list[str]
) -> None:
    result = cli("ask", "--answers", answers(tmp_path, text), "--format", "json")
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("parentinvolve: ")
    assert "Traceback" not in result.err
    for words in must_say:
        assert words in result.err


def test_answers_file_that_is_not_a_mapping(cli: Any, tmp_path: Path) -> None:
    result = cli("ask", "--answers", answers(tmp_path, "- 4\n- pcit\n"))
    assert result.code == 2
    assert "mapping" in result.err


def test_json_answers_file_works_too(cli: Any, tmp_path: Path) -> None:
    path = answers(tmp_path, json.dumps({"child_age": 4, "concerns": ["behavior"], "therapy": "pcit"}), "a.json")
    result = cli("ask", "--answers", path, "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["attendance"] == "every-session"


# --- --save and --output -------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("name", ["saved.yaml", "saved.json"])
def test_save_writes_a_private_file_that_replays_to_the_identical_plan(cli: Any, tmp_path: Path, name: str) -> None:
    first = cli("ask", "--answers", answers(tmp_path, DBT_UK), "--save", name, "--format", "json")
    assert first.code == 0, first.err
    saved = tmp_path / name
    assert mode(saved) == 0o600
    assert f"Saved your answers to {name}" in first.err
    again = cli("ask", "--answers", name, "--format", "json")
    assert again.code == 0, again.err
    assert again.out == first.out
    assert json.loads(again.out)["answers"]["region"] == "uk"


def test_save_refuses_an_existing_file_without_force(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "saved.yaml").write_text("mine\n")
    result = cli("ask", "--answers", answers(tmp_path, CBT), "--save", "saved.yaml")
    assert result.code == 2
    assert (tmp_path / "saved.yaml").read_text() == "mine\n"
    assert result.out == ""


def test_output_refuses_an_existing_file_then_force_replaces_it(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    target.write_text("my notes\n")
    refused = cli("ask", "--answers", answers(tmp_path, CBT), "--output", "plan.txt")
    assert refused.code == 2
    assert "already exists" in refused.err and "--force" in refused.err
    assert target.read_text() == "my notes\n"
    assert refused.out == ""

    forced = cli("ask", "--answers", answers(tmp_path, CBT), "--output", "plan.txt", "--force")
    assert forced.code == 0, forced.err
    assert target.read_text().startswith("Your part in your child's therapy\n")
    assert mode(target) == 0o600
    assert forced.out == ""


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("plan.html", lambda text: text.startswith("<!DOCTYPE html>")),
        ("plan.md", lambda text: text.startswith("# Your part in your child")),
        ("plan.json", lambda text: json.loads(text)["attendance"] == "some-sessions"),
        ("plan.txt", lambda text: text.startswith("Your part in your child's therapy\n====")),
    ],
)
def test_output_format_follows_the_file_suffix_and_the_file_is_private(
    cli: Any, tmp_path: Path, name: str, check: Any
) -> None:
    result = cli("ask", "--answers", answers(tmp_path, CBT), "--output", name)
    assert result.code == 0, result.err
    assert result.out == ""
    written = tmp_path / name
    assert check(written.read_text(encoding="utf-8"))
    assert mode(written) == 0o600
    assert f"Wrote your plan to {name}" in result.err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_crisis_lines_also_go_to_stderr_when_the_plan_goes_to_a_file(cli: Any, tmp_path: Path) -> None:
    result = cli("ask", "--answers", answers(tmp_path, DBT_UK), "--output", "plan.html")
    assert result.code == 0, result.err
    assert result.out == ""
    for name, contact in UK_LINES.items():
        assert f"{name}: {contact}" in result.err
    page = re.sub(r"<[^>]+>", "", (tmp_path / "plan.html").read_text())  # numbers are tel: links
    assert "Childline: 0800 1111 (under 19)" in page


def test_no_crisis_lines_on_stderr_without_self_harm(cli: Any, tmp_path: Path) -> None:
    result = cli("ask", "--answers", answers(tmp_path, CBT), "--output", "plan.html")
    assert result.code == 0
    assert "Childline" not in result.err and "988" not in result.err


# --- through the installed script ----------------------------------------------------------------


def script() -> list[str]:
    exe = Path(sys.executable).parent / "parentinvolve"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "parentinvolve"]


@pytest.mark.slow
def test_installed_script_gives_the_same_json_plan(tmp_path: Path) -> None:
    path = answers(tmp_path, PCIT)
    proc = subprocess.run(
        [*script(), "ask", "--answers", path, "--format", "json"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    assert data["attendance"] == "every-session"
    assert "coach" in data["therapy"]["role"]


@pytest.mark.slow
def test_installed_script_reports_a_bad_answers_file_without_a_traceback(tmp_path: Path) -> None:
    path = answers(tmp_path, "child_age: 4\nconcerns: [behavior]\ntherapy: pcitt\n")
    proc = subprocess.run(
        [*script(), "ask", "--answers", path],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "did you mean: pcit" in proc.stderr
    assert "Traceback" not in proc.stderr
