"""Issue 6, "Knowledge beyond the article": more therapies, consent and records by place, how long therapy lasts,
and the questions to ask, checked through the real entry point `parentinvolve.cli.main` (the `run_cli` fixture).

The one exception is the large grid of answers for the questions to ask, which calls the engine and the JSON
renderer directly (the same code `ask --format json` runs) and is tied to the entry point by a sample of it.
"""

from __future__ import annotations

import collections
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import CONTENT, ROOT, RunCli, edit
from parentinvolve.engine import plan
from parentinvolve.model import KnowledgeBase
from parentinvolve.render import jsonout

NEW_ENTRIES = ["space", "tf-cbt", "cprt", "records", "consent-by-place"]
THERAPIES = ["cbt", "play", "pcit", "dbt", "family", "space", "tf-cbt", "cprt", "parent-training", "cpp", "fbt"]
CONCERNS = ["behavior", "anxiety", "depression", "self-harm", "family-change", "trauma", "eating", "other"]
DISCLAIMER = "This is general information"
SEED_OVERLAP = ROOT.parent / "shared" / "tools" / "seed_overlap.py"  # CI keeps a copy at ../shared


def flat(text: str) -> str:
    """Text with every run of white space as one space (plain output wraps lines)."""
    return " ".join(text.split())


def sections(text: str) -> dict[str, str]:
    """A plain `explain` or plan page, cut at its underlined headings: heading -> the text under it."""
    parts = re.split(r"\n([^\n]+)\n[-=·]{3,}\n", "\n" + text)
    return {heading.strip(): flat(body) for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def explain(run_cli: RunCli, topic: str, fmt: str = "plain") -> str:
    result = run_cli("explain", topic, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def ask(run_cli: RunCli, tmp_path: Path, fmt: str = "json", **answers: Any) -> str:
    """`ask --answers FILE --no-input --format FMT` for these answers; the plan as printed."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers), encoding="utf-8")
    result = run_cli("ask", "--answers", str(path), "--no-input", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def ask_json(run_cli: RunCli, tmp_path: Path, **answers: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ask(run_cli, tmp_path, **answers))
    return data


def consent_text(data: dict[str, Any]) -> str:
    return " ".join(t for m in data["moments"] if m["id"] == "consent" for t in m["what_to_expect"])


# --- explain and topics know the new entries ---------------------------------------------------------------------

# For each new entry: words from the real sources it must name (title, publisher or address).
NAMED_SOURCES = {
    "space": ["Lebowitz", "pubmed.ncbi.nlm.nih.gov/30851397", "Concord Center"],
    "tf-cbt": ["Trauma-focused cognitive behavioral therapy", "pmc.ncbi.nlm.nih.gov/articles/PMC4476061"],
    "cprt": ["Title IV-E Prevention Services Clearinghouse", "preventionservices.acf.hhs.gov/programs/504"],
    "records": ["HIPAA", "Anna Freud", "annafreud.org/on-my-mind/receiving-support/privacy"],
    "consent-by-place": ["California Association of Marriage and Family Therapists", "camft.org"],
}
# Careful words: where things vary, the text says so and sends the parent to ask.
HEDGES = ("usually", "often", "about", "varies", "vary", "differ", "depends", "may", "no set", "no exact")


@pytest.mark.parametrize("topic", NEW_ENTRIES)
def test_explain_answers_with_sourced_careful_text(run_cli: RunCli, topic: str) -> None:
    text = explain(run_cli, topic)
    parts = sections(text)
    assert "Sources" in parts, f"no Sources section in explain {topic}"
    for name in NAMED_SOURCES[topic]:
        assert name in parts["Sources"], (topic, name)
    body = flat(text.split("\nSources\n", 1)[0]).lower()
    assert "ask" in body  # sends the parent to their therapist
    assert any(word in body for word in HEDGES), topic
    assert flat(text).count(DISCLAIMER) == 1


@pytest.mark.parametrize("topic", NEW_ENTRIES)
def test_explain_json_cites_only_sources_that_resolve(run_cli: RunCli, kb: KnowledgeBase, topic: str) -> None:
    data = json.loads(explain(run_cli, topic, "json"))
    assert data["id"] == topic
    assert data["sources"], topic
    for source in data["sources"]:
        assert source["id"] in kb.sources and source["title"] == kb.sources[source["id"]].title
    assert any(
        s.get("url", "").startswith("https://") or s.get("url", "").startswith("http://") for s in data["sources"]
    )


def test_explain_records_and_consent_name_the_places_and_say_to_ask_locally(run_cli: RunCli) -> None:
    records = sections(explain(run_cli, "records"))
    assert "HIPAA" in records["In the US"] and "exceptions" in records["In the US"]
    assert "From 16" in records["In the UK"]
    assert "Ask the therapist" in records["Elsewhere, and in every case"]
    consent = sections(explain(run_cli, "consent-by-place"))
    assert "12 or over" in consent["United States"] and "custody order" in consent["United States"]
    assert "16- and 17-year-olds" in consent["England"] and "Gillick" in consent["England"]
    assert "child arrangements order" in consent["England"] and "custody" not in consent["England"]
    assert "14 or older" in consent["Canada"] and "Mental Health Act 2001" in consent["Ireland"]
    assert "Ask the therapist" in consent["Ask locally"]


def test_topics_lists_the_new_entries(run_cli: RunCli) -> None:
    result = run_cli("topics")
    assert result.exit_code == 0, result.stderr
    listed = re.findall(r"^- ([a-z0-9-]+) — ", result.stdout, flags=re.MULTILINE)
    for topic in NEW_ENTRIES:
        assert topic in listed
    for topic in ("space", "tf-cbt", "cprt"):  # the therapies are listed under Therapies
        therapies = result.stdout.split("Therapies", 1)[1].split("Moments of involvement", 1)[0]
        assert f"- {topic} — " in therapies


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("filial therapy", "cprt"),
        ("Filial Therapy", "cprt"),
        ("child-parent relationship therapy", "cprt"),
        ("trauma-focused cbt", "tf-cbt"),
        ("Trauma-Focused CBT", "tf-cbt"),
        ("supportive parenting for anxious childhood emotions", "space"),
        ("medical records", "records"),
        ("custody order", "consent-by-place"),
    ],
)
def test_aliases_find_the_entry(run_cli: RunCli, name: str, topic: str) -> None:
    assert json.loads(explain(run_cli, name, "json"))["id"] == topic


# --- the plan for the new therapies -------------------------------------------------------------------------------


def test_space_for_a_nine_year_old_is_parent_only_and_says_the_child_does_not_attend(
    run_cli: RunCli, tmp_path: Path
) -> None:
    answers = {"child_age": 9, "concerns": ["anxiety"], "therapy": "space"}
    data = ask_json(run_cli, tmp_path, **answers)
    assert data["attendance"] == "parent-only"
    assert data["therapy"]["id"] == "space"
    text = flat(ask(run_cli, tmp_path, "plain", **answers))
    assert "your child does not attend" in text
    assert "does not see your child" in text  # the at-a-glance line for parent-only


def test_trauma_and_unsure_suggests_tf_cbt(run_cli: RunCli, tmp_path: Path) -> None:
    data = ask_json(run_cli, tmp_path, child_age=12, concerns=["trauma"], therapy="unsure")
    assert "tf-cbt" in [s["id"] for s in data["suggested_therapies"]]
    assert data["therapy"] is None


@pytest.mark.parametrize("age", range(7, 15))
def test_anxiety_and_unsure_at_7_to_14_suggests_space_beside_cbt(run_cli: RunCli, tmp_path: Path, age: int) -> None:
    data = ask_json(run_cli, tmp_path, child_age=age, concerns=["anxiety"], therapy="unsure")
    assert {"space", "cbt"} <= {s["id"] for s in data["suggested_therapies"]}


@pytest.mark.parametrize("age", [4, 6, 15, 17])
def test_anxiety_and_unsure_outside_the_trial_ages_does_not_suggest_space(
    run_cli: RunCli, tmp_path: Path, age: int
) -> None:
    data = ask_json(run_cli, tmp_path, child_age=age, concerns=["anxiety"], therapy="unsure")
    ids = [s["id"] for s in data["suggested_therapies"]]
    assert "cbt" in ids
    assert "space" not in ids


# --- consent and records where you live ---------------------------------------------------------------------------


def test_a_16_year_old_in_the_uk_gets_the_england_note_for_16_and_17_year_olds(run_cli: RunCli, tmp_path: Path) -> None:
    data = ask_json(run_cli, tmp_path, child_age=16, concerns=["anxiety"], therapy="cbt", region="uk")
    assert data["answers"]["region"] == "uk"
    consent = consent_text(data)
    assert "In England, 16- and 17-year-olds are presumed able to agree to their own treatment" in consent
    assert "can't agree" not in consent and "cannot agree" not in consent  # no contradiction beside it
    assert "check with the therapist what applies" in consent  # check locally
    private = " ".join(data["confidentiality"])
    assert "From 16" in private and "Practice can differ" in private
    assert "HIPAA" not in private + consent
    assert "region-uk-older-teen-consent" in data["trace"]


@pytest.mark.parametrize("age", [12, 15])
def test_the_note_for_16_and_17_year_olds_is_not_given_younger(run_cli: RunCli, tmp_path: Path, age: int) -> None:
    data = ask_json(run_cli, tmp_path, child_age=age, concerns=["anxiety"], therapy="cbt", region="uk")
    assert "16- and 17-year-olds" not in consent_text(data)
    assert "Gillick" in consent_text(data)


def test_a_family_in_the_us_gets_the_hipaa_records_note(run_cli: RunCli, tmp_path: Path) -> None:
    data = ask_json(run_cli, tmp_path, child_age=16, concerns=["anxiety"], therapy="cbt", region="us")
    private = " ".join(data["confidentiality"])
    assert "HIPAA" in private and "see their child's records" in private
    assert "Ask what applies in your state" in private  # check locally
    assert "In California" in consent_text(data) and "Ask what the rule is in your state" in consent_text(data)
    assert "England" not in private + consent_text(data)
    assert "Can I see my child's records" in " ".join(data["questions_to_ask"])


@pytest.mark.parametrize("region", ["ca", "au", "ie", "other"])
def test_other_regions_are_told_the_rules_differ_and_to_ask(run_cli: RunCli, tmp_path: Path, region: str) -> None:
    data = ask_json(run_cli, tmp_path, child_age=10, concerns=["behavior"], therapy="play", region=region)
    consent = consent_text(data)
    assert "Ask the therapist what the rules are where you live" in consent
    assert not {"HIPAA", "England", "California"} & set(re.findall(r"\w+", consent + " ".join(data["confidentiality"])))


def test_without_a_region_the_plan_uses_the_default_and_still_names_its_rules(run_cli: RunCli, tmp_path: Path) -> None:
    data = ask_json(run_cli, tmp_path, child_age=8, concerns=["behavior"], therapy="cbt")
    assert data["answers"]["region"] == "us"
    assert "HIPAA" in " ".join(data["confidentiality"])
    assert data["safety"] is None


def test_separated_parents_are_told_about_the_custody_order(run_cli: RunCli, tmp_path: Path) -> None:
    data = ask_json(run_cli, tmp_path, child_age=8, concerns=["family-change"], therapy="family", region="us")
    assert "custody order" in consent_text(data)
    assert any("court order" in q for q in data["questions_to_ask"])


def test_separated_parents_in_the_uk_are_told_in_uk_terms(run_cli: RunCli, tmp_path: Path) -> None:
    data = ask_json(run_cli, tmp_path, child_age=8, concerns=["family-change"], therapy="family", region="uk")
    consent = consent_text(data)
    assert "parental responsibility" in consent and "child arrangements order" in consent
    assert "custody" not in flat(
        ask(run_cli, tmp_path, "plain", child_age=8, concerns=["family-change"], therapy="family", region="uk")
    )


# --- PCIT and DBT in depth ----------------------------------------------------------------------------------------


def test_explain_pcit_covers_length_ending_home_practice_coaching_and_telehealth(run_cli: RunCli) -> None:
    text = flat(explain(run_cli, "pcit"))
    assert "12 to 20 weekly sessions" in text
    assert "not after a fixed number" in text and "mastery" in text
    assert "about 5 minutes a day" in text
    assert "coaches you live" in text and "earpiece" in text
    assert "telehealth" in text
    assert "How long it lasts and how it ends" in text


def test_a_pcit_plan_covers_length_ending_home_practice_coaching_and_video(run_cli: RunCli, tmp_path: Path) -> None:
    answers = {"child_age": 4, "concerns": ["behavior"], "therapy": "pcit"}
    data = ask_json(run_cli, tmp_path, **answers)
    assert data["attendance"] == "every-session"
    length = " ".join(data["therapy"]["length"])
    assert "12 to 20" in length and "mastery" in length
    text = flat(ask(run_cli, tmp_path, "plain", **answers))
    assert "about 12 to 20 weekly sessions" in text
    assert "not after a fixed number" in text
    assert text.count("12 to 20") == 1 and text.count("5 minutes") == 1  # each figure once per plan
    assert "about 5 minutes a day" in text
    assert "coaches you live" in text and "earpiece" in text
    assert "by video" in text  # telehealth, in plain words
    assert "How will you measure my progress toward finishing PCIT" in text


def test_explain_dbt_covers_multifamily_groups_phone_coaching_and_six_months(run_cli: RunCli) -> None:
    text = flat(explain(run_cli, "dbt"))
    assert "multifamily skills groups" in text
    assert "phone coaching" in text.lower() and "coaching by phone" in text
    assert "about 6 months" in text
    assert "DBT-A" in text
    assert "McCauley" in sections(explain(run_cli, "dbt"))["Sources"]


def test_a_dbt_plan_covers_skills_groups_phone_coaching_and_length(run_cli: RunCli, tmp_path: Path) -> None:
    answers = {"child_age": 15, "concerns": ["self-harm"], "therapy": "dbt", "region": "uk"}
    data = ask_json(run_cli, tmp_path, **answers)
    assert "about 6 months" in " ".join(data["therapy"]["length"])
    text = flat(ask(run_cli, tmp_path, "plain", **answers))
    assert "multifamily skills groups" in text
    assert "coaching by phone between sessions" in text
    assert text.count("about 6 months") == 1
    assert "How do the family skills groups and the phone coaching work" in text


@pytest.mark.parametrize("therapy", THERAPIES)
def test_every_therapy_says_how_long_it_lasts_in_the_plan(
    run_cli: RunCli, kb: KnowledgeBase, tmp_path: Path, therapy: str
) -> None:
    answers = {"child_age": 9, "concerns": ["other"], "therapy": therapy}
    data = ask_json(run_cli, tmp_path, **answers)
    length = data["therapy"]["length"]
    assert length and all(isinstance(t, str) and t.strip() for t in length)
    entry = next(e for e in kb.entries_of("therapy") if e.id == therapy)
    assert {s.key: s.text for s in entry.sections}["length"] == tuple(length)  # as `explain` says it
    parts = sections(ask(run_cli, tmp_path, "plain", **answers))
    assert flat(length[0]) in parts["How long it lasts and how it ends"]


def test_the_length_of_every_therapy_is_in_explain(run_cli: RunCli) -> None:
    for therapy in THERAPIES:
        assert "How long it lasts and how it ends" in sections(explain(run_cli, therapy)), therapy


# --- questions to ask the therapist -------------------------------------------------------------------------------

GRID_AGES = (3, 9, 13, 16)


def grid() -> list[dict[str, Any]]:
    """Every therapy (and unsure) x a few ages x each concern x each stage x each region."""
    regions = ["us", "uk", "ca", "au", "ie", "other"]
    stages = ("starting", "ongoing", "waiting")
    product = itertools.product([*THERAPIES, "unsure"], GRID_AGES, CONCERNS, stages, regions)
    return [
        {"child_age": age, "concerns": [concern], "therapy": therapy, "stage": stage, "region": region}
        for therapy, age, concern, stage, region in product
    ]


def test_the_bank_has_at_least_12_distinct_questions(kb: KnowledgeBase) -> None:
    texts = [a.text for a in kb.asks.values()]
    assert len(texts) >= 12
    assert len(set(texts)) == len(texts)
    assert all(a.sources and set(a.sources) <= set(kb.sources) for a in kb.asks.values())


@pytest.fixture(scope="module")
def grid_questions(kb: KnowledgeBase) -> list[tuple[dict[str, Any], list[str]]]:
    """(answers, the plan's questions to ask) over the grid, planned once for the tests that read them all."""
    return [(answers, jsonout.plan(plan(kb, answers))["questions_to_ask"]) for answers in grid()]


@pytest.mark.xdist_group("grid-questions")  # one worker plans the grid once
def test_every_combination_gets_5_to_8_questions_from_the_bank(
    kb: KnowledgeBase, grid_questions: list[tuple[dict[str, Any], list[str]]]
) -> None:
    bank = {a.text for a in kb.asks.values()}
    shown: collections.Counter[str] = collections.Counter()
    for answers, questions in grid_questions:
        assert 5 <= len(questions) <= 8, (answers, len(questions))
        assert len(set(questions)) == len(questions), answers
        assert set(questions) <= bank, answers
        shown.update(questions)
    assert len(shown) >= 12  # plans really draw on the bank, not the same few questions
    assert set(shown) == bank, f"never shown: {sorted(bank - set(shown))}"


@pytest.mark.xdist_group("grid-questions")  # one worker plans the grid once
def test_the_questions_follow_the_stage(
    kb: KnowledgeBase, grid_questions: list[tuple[dict[str, Any], list[str]]]
) -> None:
    how_long = kb.asks["how-long"].text
    how_often = kb.asks["how-often"].text
    for answers, questions in grid_questions:
        if answers["therapy"] in ("unsure", "space", "cprt", "parent-training", "family"):  # in their own words
            continue
        assert (how_long in questions) == (answers["stage"] == "ongoing"), answers
        assert (how_often in questions) == (answers["stage"] in ("starting", "waiting")), answers


def test_every_rule_can_contribute_to_some_plan(kb: KnowledgeBase) -> None:
    """No rule is dead: with region asked of everyone, each rule still wins for some family."""
    contributed: set[str] = set()
    for answers in grid():
        for extra in ([], ["self-harm", "family-change"]):
            concerns = sorted({*answers["concerns"], *extra})
            p = plan(kb, {**answers, "concerns": concerns})
            contributed.update(p.trace)
    assert not {r.id for r in kb.rules} - contributed


def test_the_entry_point_gives_the_same_questions_as_the_grid(
    run_cli: RunCli, kb: KnowledgeBase, tmp_path: Path
) -> None:
    for answers in grid()[::97]:  # a spread of the grid, every therapy and region among them
        data = ask_json(run_cli, tmp_path, **answers)
        assert data["questions_to_ask"] == jsonout.plan(plan(kb, answers))["questions_to_ask"]
        assert 5 <= len(data["questions_to_ask"]) <= 8


# --- sources and copying ------------------------------------------------------------------------------------------


def test_validate_passes_and_every_cited_source_resolves(run_cli: RunCli, kb: KnowledgeBase) -> None:
    result = run_cli("validate")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "no problems found" in result.stdout
    cited = [
        *(s for e in kb.entries for s in e.sources),
        *(s for r in kb.rules for s in r.sources),
        *(s for a in kb.asks.values() for s in a.sources),
        *kb.crisis.sources,
    ]
    assert set(cited) <= set(kb.sources)
    for source in kb.sources.values():
        assert source.title and (source.publisher or source.citation)
        assert not source.url or source.url.startswith(("https://", "http://"))


def test_validate_catches_a_source_that_does_not_resolve(run_cli: RunCli, content_copy: Path) -> None:
    edit(content_copy / "therapies.yaml", "  sources: [acf-cprt, cebc-cprt]\n", "  sources: [acf-cprtt, cebc-cprt]\n")
    result = run_cli("validate", str(content_copy))
    assert result.exit_code == 1
    assert "therapies.yaml:" in result.stdout + result.stderr
    assert "acf-cprtt" in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not SEED_OVERLAP.exists(), reason=f"no {SEED_OVERLAP} (the shared tools are not checked out)")
def test_seed_overlap_finds_nothing_copied_from_the_article() -> None:
    proc = subprocess.run(
        [sys.executable, str(SEED_OVERLAP), str(CONTENT)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
