"""A plan a parent can read (issue 12): "In short" first, every width, the crisis lines at the end, paper and
phone, shell conventions. Checked against the knowledge base's own data, never a copy of it."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

import pytest

from conftest import RunCli, edit
from parentinvolve.model import MOMENT, KnowledgeBase

TIMELINE = "Your part, moment by moment"
FAMILIES = {
    "teen-self-harm-uk": "child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nregion: uk\n",
    "pcit": "child_age: 4\nconcerns: [behavior]\ntherapy: pcit\n",
    "baby-unsure-ongoing": "child_age: 0\nconcerns: [family-change, other]\ntherapy: unsure\nstage: ongoing\n",
    "space-ireland": "child_age: 11\nconcerns: [anxiety, self-harm]\ntherapy: space\nregion: ie\n",
}
WORD = re.compile(r"[A-Za-z]+")


def answers(tmp_path: Path, family: str) -> str:
    path = tmp_path / f"{family}.yaml"
    path.write_text(FAMILIES[family], encoding="utf-8")
    return str(path)


def plan_json(run_cli: RunCli, path: str) -> dict[str, object]:
    r = run_cli("ask", "--answers", path, "--format", "json")
    assert r.exit_code == 0, r.stderr
    data: dict[str, object] = json.loads(r.stdout)
    return data


# --- "In short" first ----------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_json_has_a_summary_of_one_to_six_lines(run_cli: RunCli, tmp_path: Path, family: str) -> None:
    summary = plan_json(run_cli, answers(tmp_path, family))["summary"]
    assert isinstance(summary, list) and 1 <= len(summary) <= 6
    assert all(isinstance(line, str) and line and "\n" not in line for line in summary)


@pytest.mark.parametrize("fmt", ["plain", "markdown", "rich", "html"])
@pytest.mark.parametrize("family", ["teen-self-harm-uk", "pcit"])
def test_the_summary_comes_before_the_timeline_in_every_format(
    run_cli: RunCli, tmp_path: Path, fmt: str, family: str
) -> None:
    path = answers(tmp_path, family)
    summary = plan_json(run_cli, path)["summary"]
    assert isinstance(summary, list)
    r = run_cli("ask", "--answers", path, "--format", fmt, env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.stderr
    text = (
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</?a\b[^>]*>", "", r.stdout))).split())
        if fmt == "html"
        else r.stdout
    )
    text = " ".join(text.replace("\\", "").split())  # one line, markdown escapes dropped
    assert "In short" in text
    for line in summary:
        assert " ".join(line.split()) in text, line
        assert text.index(" ".join(line.split())) < text.index(TIMELINE)


def test_a_self_harm_summary_points_to_the_emergency_number_first(run_cli: RunCli, tmp_path: Path) -> None:
    data = plan_json(run_cli, answers(tmp_path, "teen-self-harm-uk"))
    safety = data["safety"]
    assert isinstance(safety, dict) and isinstance(data["summary"], list)
    assert safety["emergency"] in data["summary"][0]


def test_the_answers_are_one_sentence_not_a_list(run_cli: RunCli, tmp_path: Path, kb: KnowledgeBase) -> None:
    r = run_cli("ask", "--answers", answers(tmp_path, "teen-self-harm-uk"), "--format", "plain")
    flat = " ".join(r.stdout.split())
    assert "For a 15-year-old (suicidal thoughts or self-harm), in DBT, just starting, in the United Kingdom." in flat
    assert "Your answers:" not in r.stdout
    for q in kb.questions:  # the questions themselves are not repeated in the plan
        assert q.prompt not in r.stdout


# --- every width -----------------------------------------------------------------------------------------


def _reference_words(run_cli: RunCli, path: str) -> set[str]:
    """Every word of the plan, from the markdown (which is never wrapped)."""
    r = run_cli("ask", "--answers", path, "--format", "markdown")
    return {w.lower() for w in WORD.findall(r.stdout)}


ADDRESS_PART = re.compile(r"https?://\S+")  # a web address: alone on its line, whole, however long


@pytest.mark.parametrize("fmt", ["plain", "rich"])
@pytest.mark.parametrize("family", FAMILIES)
def test_at_60_columns_nothing_runs_past_the_edge_and_no_word_is_cut(
    run_cli: RunCli, tmp_path: Path, fmt: str, family: str
) -> None:
    path = answers(tmp_path, family)
    whole = _reference_words(run_cli, path)
    r = run_cli("ask", "--answers", path, "--format", fmt, env={"COLUMNS": "60"})
    assert r.exit_code == 0, r.stderr
    # (a web address longer than the line is alone on its line, whole: never cut to fit)
    long = [line for line in r.stdout.splitlines() if len(line) > 60 and not ADDRESS_PART.fullmatch(line.strip())]
    assert not long, long[:3]
    cut = sorted({w for w in WORD.findall(r.stdout) if w.lower() not in whole})
    assert not cut, f"words cut or changed at 60 columns: {cut[:10]}"


@pytest.mark.parametrize("fmt", ["plain", "rich"])
def test_prose_stops_at_100_columns_on_a_wide_terminal(run_cli: RunCli, tmp_path: Path, fmt: str) -> None:
    r = run_cli("ask", "--answers", answers(tmp_path, "pcit"), "--format", fmt, env={"COLUMNS": "200"})
    assert max(len(line) for line in r.stdout.splitlines() if not ADDRESS_PART.fullmatch(line.strip())) <= 100


@pytest.mark.parametrize("fmt", ["plain", "rich"])
@pytest.mark.parametrize("columns", ["60", "100"])
@pytest.mark.parametrize("family", ["teen-self-harm-uk", "pcit"])
def test_web_addresses_are_never_broken_across_lines(
    run_cli: RunCli, tmp_path: Path, fmt: str, columns: str, family: str
) -> None:
    """Every source's address is on one line, whole, so it can be copied; a long one has its line to itself."""
    path = answers(tmp_path, family)
    sources = plan_json(run_cli, path)["sources"]
    assert isinstance(sources, list)
    urls = [s["url"] for s in sources if isinstance(s, dict) and s.get("url")]
    r = run_cli(
        "ask",
        "--answers",
        path,
        "--format",
        fmt,
        env={"COLUMNS": columns, "FORCE_COLOR": "1"} if fmt == "rich" else {"COLUMNS": columns},
    )
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in r.stdout.splitlines()]
    assert urls
    for url in urls:
        holding = [line for line in lines if url in line]
        assert holding, f"{url} is broken across lines"
        if len(url) > int(columns) - 2:
            assert url in holding, f"{url} shares its line"


def test_each_moment_has_its_own_line_in_the_timeline(run_cli: RunCli, tmp_path: Path, kb: KnowledgeBase) -> None:
    moments = kb.entries_of(MOMENT)
    assert moments and all(m.section("asks_of_you") for m in moments)
    path = answers(tmp_path, "pcit")
    for fmt in ("plain", "markdown", "rich", "html"):  # (rich at 80 columns: a list, read line by line)
        out = run_cli("ask", "--answers", path, "--format", fmt, env={"COLUMNS": "80"}).stdout
        flat = " ".join(html.unescape(out).split())
        timeline = flat[flat.index(TIMELINE) :]
        for m in moments:
            line = m.section("asks_of_you")[0]
            assert line in timeline, (fmt, m.id)
        assert "…" not in timeline.split(moments[-1].section("asks_of_you")[0])[0], fmt  # nothing cut short


def test_a_moment_without_its_one_line_is_a_content_problem(content_copy: Path, run_cli: RunCli) -> None:
    text = (content_copy / "moments.yaml").read_text(encoding="utf-8")
    first = re.search(r"  asks_of_you:\n    - [^\n]+\n", text)
    assert first is not None
    edit(content_copy / "moments.yaml", first.group(0), "")
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 1
    assert "moments.yaml:" in r.stderr and "asks_of_you" in r.stderr


def test_below_100_columns_the_rich_timeline_is_a_numbered_list(run_cli: RunCli, tmp_path: Path) -> None:
    path = answers(tmp_path, "pcit")
    narrow = run_cli("ask", "--answers", path, "--format", "rich", env={"COLUMNS": "80"}).stdout
    wide = run_cli("ask", "--answers", path, "--format", "rich", env={"COLUMNS": "100"}).stdout
    part = narrow[narrow.index(TIMELINE) :]
    assert re.search(r"^ ?1\. Giving consent", part, re.M)
    assert "╭" in wide[wide.index(TIMELINE) :].split("\n\n")[1]  # cards, side by side, where there is room


# --- the crisis lines are also what the screen shows last -------------------------------------------------


@pytest.mark.parametrize("fmt", ["plain", "rich"])
def test_a_self_harm_plan_ends_with_its_region_crisis_lines(
    run_cli: RunCli, tmp_path: Path, kb: KnowledgeBase, fmt: str
) -> None:
    for region in kb.crisis.regions:
        path = tmp_path / f"{region.id}.yaml"
        path.write_text(f"child_age: 14\nconcerns: [self-harm]\ntherapy: cbt\nregion: {region.id}\n", encoding="utf-8")
        r = run_cli("ask", "--answers", str(path), "--format", fmt)
        tail = " ".join(" ".join(r.stdout.splitlines()[-20:]).split())
        for line in region.lines:
            assert line.contact in tail, (region.id, line.contact)


def test_no_crisis_footer_without_self_harm(run_cli: RunCli, tmp_path: Path) -> None:
    r = run_cli("ask", "--answers", answers(tmp_path, "pcit"), "--format", "plain")
    assert "CRISIS LINES" not in r.stdout


# --- paper and phone ---------------------------------------------------------------------------------------


def test_html_crisis_numbers_are_tel_and_sms_links(run_cli: RunCli, tmp_path: Path, kb: KnowledgeBase) -> None:
    for region in kb.crisis.regions:
        path = tmp_path / f"{region.id}.yaml"
        path.write_text(f"child_age: 14\nconcerns: [self-harm]\ntherapy: cbt\nregion: {region.id}\n", encoding="utf-8")
        page = run_cli("ask", "--answers", str(path), "--format", "html").stdout
        links = set(re.findall(r'href="(?:tel|sms):(\d+)', page))
        for line in region.lines:
            for number in re.findall(r"\d[\d -]*\d", line.contact):
                digits = re.sub(r"\D", "", number)
                if len(digits) >= 3:
                    assert digits in links, (region.id, line.contact)
        for keyword, number in re.findall(r"text ([A-Z]+) to (\d+)", " ".join(x.contact for x in region.lines)):
            assert f'href="sms:{number}?&amp;body={keyword}"' in page
        assert "tel:19" not in page and "tel:5" not in page  # "under 19", "ages 5–25" are not numbers


def test_html_shows_the_date_the_plan_was_made(run_cli: RunCli, tmp_path: Path) -> None:
    page = run_cli("ask", "--answers", answers(tmp_path, "pcit"), "--format", "html").stdout
    assert f'<time datetime="{date.today().isoformat()}">' in page
    assert "Made on" in page


def test_html_has_a_lined_notes_box_after_the_questions(run_cli: RunCli, tmp_path: Path) -> None:
    page = run_cli("ask", "--answers", answers(tmp_path, "pcit"), "--format", "html").stdout
    questions = page.index("Questions to ask the therapist</h2>")
    notes = page.index('<section class="notes"')
    assert questions < notes < page.index("Why your part matters</h2>")
    assert page.count('<div class="line"></div>') >= 6
    assert re.search(r"@media print \{.*ul\.sources \{ font-size: 7\.5pt", page, re.S)
    assert '<ul class="sources">' in page


def test_markdown_addresses_are_angle_bracket_links_never_escaped(run_cli: RunCli, tmp_path: Path) -> None:
    md = run_cli("ask", "--answers", answers(tmp_path, "teen-self-harm-uk"), "--format", "markdown").stdout
    urls = re.findall(r"https?://\S+", md)
    assert urls
    for url in urls:
        assert url.endswith(">"), url
        assert "\\" not in url, url
    assert "<https://www.aacap.org/aacap/policy_statements/" in md


# --- shell conventions -------------------------------------------------------------------------------------


def test_usage_lines_say_topic_not_braces(run_cli: RunCli) -> None:
    r = run_cli("explain", "--help")
    assert "Usage: parentinvolve explain [OPTIONS] TOPIC" in r.stdout
    assert "{" not in r.stdout


def test_no_doubled_punctuation_after_a_suggestion(run_cli: RunCli) -> None:
    r = run_cli("explian", "pcit")
    assert r.exit_code == 2
    assert "Did you mean 'explain'? Try" in r.stderr
    assert "?." not in r.stderr


def test_validate_dir_hint_names_that_folder(run_cli: RunCli, content_copy: Path) -> None:
    edit(content_copy / "questions.yaml", "kind: integer", "kind: integr")
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 1
    assert f"check again with `parentinvolve validate {content_copy}`" in r.stderr


@pytest.mark.parametrize(
    "phrase", ["parent-only sessions", "parent sessions", "Parents only sessions", "sessions for parents"]
)
def test_explain_finds_parent_sessions_however_they_are_put(run_cli: RunCli, phrase: str) -> None:
    r = run_cli("explain", phrase, "--format", "plain")
    assert r.exit_code == 0, r.stderr
    assert "collateral sessions" in r.stdout.splitlines()[0]


def _complete(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], words: str, cword: int) -> list[str]:
    """What bash would be offered for `words` (click's completion protocol, as the installed script uses it)."""
    from parentinvolve.cli import main

    monkeypatch.setenv("_PARENTINVOLVE_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(cword))
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main([])
    assert done.value.code in (0, None)
    return capsys.readouterr().out.split()


def test_completing_explain_offers_topic_ids_and_aliases(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kb: KnowledgeBase
) -> None:
    assert "pcit" in _complete(monkeypatch, capsys, "parentinvolve explain pc", 2)
    offered = _complete(monkeypatch, capsys, "parentinvolve explain parent-o", 2)
    assert "parent-only-sessions" in offered
    everything = _complete(monkeypatch, capsys, "parentinvolve explain ", 2)
    assert {e.id for e in kb.entries} <= set(everything)
    for word in everything:  # each offer is one shell word that `explain` understands
        assert re.fullmatch(r"[a-z0-9-]+", word) and kb.find(word) is not None, word


def test_show_completion_prints_a_bash_script(capsys: pytest.CaptureFixture[str]) -> None:
    from parentinvolve.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--show-completion", "bash"])
    assert done.value.code in (0, None)
    script = capsys.readouterr().out
    assert "_PARENTINVOLVE_COMPLETE=complete_bash" in script
    assert "complete -o default -F _parentinvolve_completion parentinvolve" in script


def test_a_saved_page_never_takes_the_name_of_an_existing_file(tmp_path: Path) -> None:
    from parentinvolve.cli.output import save_name

    first = save_name(str(tmp_path), "plan", ".html")
    assert first == str(tmp_path / "plan.html")
    Path(first).write_text("mine")
    second = save_name(str(tmp_path), "plan", ".html")
    assert second == str(tmp_path / "plan-2.html")
    (tmp_path / "plan-2.html").symlink_to(tmp_path / "nowhere")  # even a dangling link is left alone
    assert save_name(str(tmp_path), "plan", ".html") == str(tmp_path / "plan-3.html")
