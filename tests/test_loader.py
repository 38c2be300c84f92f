"""The loader and validator: every problem in a content folder is found at once, located, in plain words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CONTENT, edit, line_of
from parentinvolve.errors import EXIT_ERROR, ContentError
from parentinvolve.kb import build as loader
from parentinvolve.model import KnowledgeBase

LOCATED = re.compile(r"^(?P<path>.+\.yaml|.+):(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)$")


def problems(root: Path) -> list[str]:
    """Every problem `validate` would print for `root`, as `path:line:col: message`."""
    kb, found, _ = loader.check(root)
    assert (kb is None) == bool(found), "a knowledge base must be returned exactly when there is no problem"
    lines = [str(p) for p in sorted(found, key=lambda p: (p.path, p.line, p.col))]  # as `validate` prints them
    for line in lines:
        assert LOCATED.match(line), line
    return lines


# --- the shipped content ------------------------------------------------------------------------------------


def test_shipped_content_loads_with_no_problems() -> None:
    kb, found, counts = loader.check(CONTENT)
    assert found == []
    assert isinstance(kb, KnowledgeBase)
    assert counts.files == len(loader.FILES)
    assert counts.numbers["therapies"] == len(kb.entries_of("therapy")) >= 5
    assert counts.numbers["rules"] == len(kb.rules)


def test_shipped_content_has_every_required_id(kb: KnowledgeBase) -> None:
    ids = {e.id for e in kb.entries}
    assert {"cbt", "play", "pcit", "dbt", "family"} <= ids
    assert {"consent", "intake", "weekly", "collateral"} <= ids
    assert {"confidentiality", "why"} <= ids
    for entry in kb.entries:
        assert entry.sources, entry.id
        assert all(s in kb.sources for s in entry.sources), entry.id


# --- several problems, all at once --------------------------------------------------------------------------


def test_duplicate_key_unknown_therapy_and_text_for_a_list_are_all_reported_at_once(content_copy: Path) -> None:
    therapies, rules = content_copy / "therapies.yaml", content_copy / "rules.yaml"
    edit(
        therapies,
        "  name: Cognitive behavioral therapy (CBT)\n",
        "  name: Cognitive behavioral therapy (CBT)\n  name: CBT\n",
    )
    edit(rules, "  suggest: [pcit]\n", "  suggest: [pcti]\n")
    edit(
        therapies,
        "  age_fit:\n    - >-\n      CBT is used with children",
        "  age_fit: >-\n      CBT is used with children",
    )
    first_name = line_of(therapies, "  name: Cognitive")
    suggest = line_of(rules, "  suggest: [pcti]")
    ages = line_of(therapies, "  age_fit: >-")
    assert problems(content_copy) == [
        f"{rules}:{suggest}:13: unknown therapy 'pcti' (did you mean: pcit?)",
        f"{therapies}:{first_name}:3: duplicate key 'name' (again at line {first_name + 1})",
        f"{therapies}:{first_name + 1}:3: duplicate key 'name' (first at line {first_name}); keep only one",
        f"{therapies}:{ages}:12: age_fit should be a list of paragraphs (lines starting with `- `), not text",
    ]


def test_load_raises_one_content_error_carrying_every_problem(content_copy: Path) -> None:
    edit(content_copy / "rules.yaml", "  suggest: [pcit]\n", "  suggest: [pcti]\n")
    edit(content_copy / "sources.yaml", "- id: fwv-pcit\n", "- id: fwv-pcit\n  colour: red\n")
    with pytest.raises(ContentError) as caught:
        loader.load(content_copy)
    assert caught.value.exit_code == EXIT_ERROR
    assert len(caught.value.problems) == 2
    assert caught.value.message == f"The content in {content_copy} has 2 problems."


# --- YAML itself --------------------------------------------------------------------------------------------


def test_yaml_syntax_error_is_located_and_does_not_cascade(content_copy: Path) -> None:
    moments = content_copy / "moments.yaml"
    edit(moments, "  name: Giving consent\n", "  name: Giving consent\n  summary: [unclosed\n")
    line = line_of(moments, "  summary: [unclosed")
    found = problems(content_copy)
    # Only the syntax error: rules naming moments in the unreadable file are not each reported as unknown.
    assert len(found) == 1, found
    path, at_line, _, message = found[0].split(":", 3)
    assert path == str(moments)
    assert int(at_line) in (line, line + 1)
    assert message.startswith(" invalid YAML: ")


def test_unreadable_sources_file_does_not_make_every_citation_unknown(content_copy: Path) -> None:
    sources = content_copy / "sources.yaml"
    edit(sources, "- id: fwv-pcit\n", "- id: fwv-pcit\n  title: {\n")
    found = problems(content_copy)
    assert len(found) == 1, found
    assert found[0].startswith(f"{sources}:") and "invalid YAML" in found[0]


@pytest.mark.parametrize(
    ("file", "old", "new", "what"),
    [
        ("attendance.yaml", "- id: every-session\n", "- id: Every Session\n", "attendance id 'Every Session'"),
        ("moments.yaml", "- id: weekly\n", "- id: Weekly\n", "moment id 'Weekly'"),
        ("therapies.yaml", "- id: pcit\n", "- id: PCIT\n", "therapy id 'PCIT'"),
        ("asks.yaml", "- id: goals\n", "- id: goals!\n", "id 'goals!'"),
        ("sources.yaml", "- id: fwv-pcit\n", "- id: FWV_PCIT\n", "source id 'FWV_PCIT'"),
    ],
)
def test_a_malformed_id_is_one_problem_not_one_per_reference(
    content_copy: Path, file: str, old: str, new: str, what: str
) -> None:
    path = content_copy / file
    edit(path, old, new)
    found = problems(content_copy)
    assert found == [
        f"{path}:{line_of(path, new)}:7: {what} should be lower-case words joined by hyphens, like `tf-cbt`"
    ]


def test_no_read_as_yes_no_where_text_is_expected_says_to_quote_it(content_copy: Path) -> None:
    moments = content_copy / "moments.yaml"
    edit(moments, "  name: Giving consent\n", "  name: no\n")
    line = line_of(moments, "  name: no")
    assert problems(content_copy) == [
        f"{moments}:{line}:9: name should be text, not yes/no (true/false); "
        "YAML reads `no` as yes/no (true/false): put it in quotes"
    ]


def test_1_10_read_as_a_decimal_number_is_caught(content_copy: Path) -> None:
    moments = content_copy / "moments.yaml"
    edit(moments, "  name: Giving consent\n", "  name: 1.10\n")
    line = line_of(moments, "  name: 1.10")
    assert problems(content_copy) == [
        f"{moments}:{line}:9: name should be text, not a decimal number; "
        "YAML reads `1.10` as a decimal number: put it in quotes"
    ]


def test_quoted_no_and_1_10_are_accepted_as_text(content_copy: Path) -> None:
    edit(content_copy / "moments.yaml", "  name: Giving consent\n", '  name: "no"\n')
    edit(content_copy / "attendance.yaml", "  label: Every session\n", "  label: '1.10'\n")
    assert problems(content_copy) == []
    kb = loader.load(content_copy)
    consent = kb.entry("consent")
    assert consent is not None and consent.name == "no"
    assert kb.attendance["every-session"].label == "1.10"


def test_anchors_and_aliases_are_rejected(content_copy: Path) -> None:
    moments = content_copy / "moments.yaml"
    edit(moments, "  aliases:\n    - consent form\n", "  aliases: &names\n    - consent form\n")
    edit(moments, "  aliases:\n    - intake appointment\n", "  aliases: *names\n  details:\n    - intake appointment\n")
    found = problems(content_copy)
    anchor = line_of(moments, "  aliases: &names")
    assert f"{moments}:{anchor}:12: anchors and aliases (&name, *name) are not allowed; write the value out" in found


@pytest.mark.parametrize(
    "tagged",
    [
        '!!python/object/apply:os.system ["echo hi"]',
        "!!python/object/apply:os.system [\"touch '{sentinel}'\"]",
        "!!python/name:os.system",
    ],
)
def test_python_tags_are_rejected_and_never_run(
    content_copy: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str], tagged: str
) -> None:
    sentinel = tmp_path / "ran"
    moments = content_copy / "moments.yaml"
    edit(moments, "  name: Giving consent\n", f"  name: {tagged.format(sentinel=sentinel)}\n")
    line = line_of(moments, "  name: !!python")
    found = problems(content_copy)
    assert len(found) == 1, found
    assert found[0].startswith(f"{moments}:{line}:9: unsupported tag 'tag:yaml.org,2002:python/")
    assert not sentinel.exists()
    out, err = capfd.readouterr()
    assert "hi" not in out.split() and "hi" not in err.split()


# --- fields ---------------------------------------------------------------------------------------------------


def test_missing_required_field(content_copy: Path) -> None:
    moments = content_copy / "moments.yaml"
    edit(moments, "  name: Giving consent\n", "")
    line = line_of(moments, "- id: consent")
    assert problems(content_copy) == [f"{moments}:{line}:3: a moment is missing the field 'name'"]


def test_unknown_field_suggests_the_closest(content_copy: Path) -> None:
    therapies = content_copy / "therapies.yaml"
    edit(therapies, "  attendance:\n    - level: parent-only\n", "  attendence:\n    - level: parent-only\n")
    line = line_of(therapies, "  attendence:")
    entry = line_of(therapies, "- id: space")
    assert problems(content_copy) == [
        f"{therapies}:{entry}:3: a therapy is missing the field 'attendance'",
        f"{therapies}:{line}:3: unknown field 'attendence' in a therapy (did you mean: attendance?)",
    ]


def test_unknown_source_id_suggests_the_closest(content_copy: Path) -> None:
    asks = content_copy / "asks.yaml"
    edit(
        asks,
        "why that one?\n  sources: [psychcentral-parent-involvement]\n",
        "why that one?\n  sources: [psychcentral-parent-involvment]\n",
    )
    line = line_of(asks, "  sources: [psychcentral-parent-involvment]")
    assert problems(content_copy) == [
        f"{asks}:{line}:13: unknown source 'psychcentral-parent-involvment' "
        "(did you mean: psychcentral-parent-involvement?)"
    ]


def test_unknown_attendance_level_suggests_the_closest(content_copy: Path) -> None:
    therapies = content_copy / "therapies.yaml"
    edit(therapies, "    - level: parent-only\n", "    - level: parents-only\n")
    line = line_of(therapies, "    - level: parents-only")
    assert problems(content_copy) == [
        f"{therapies}:{line}:14: unknown attendance 'parents-only' (did you mean: parent-only?)"
    ]


def test_select_question_with_no_choices_is_a_problem(content_copy: Path) -> None:
    questions = content_copy / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    start = text.index("  choices:\n    - id: starting")
    end = text.index("  default: starting\n")
    questions.write_text(text[:start] + "  choices: []\n" + text[end:], encoding="utf-8")
    line = line_of(questions, "  choices: []")
    found = problems(content_copy)
    assert f"{questions}:{line}:12: question 'stage' needs at least one choice" in found


# --- ids and names across files -------------------------------------------------------------------------------


def test_duplicate_id_across_therapies_moments_and_topics(content_copy: Path) -> None:
    topics, therapies = content_copy / "topics.yaml", content_copy / "therapies.yaml"
    edit(topics, "- id: involvement\n", "- id: pcit\n")
    assert problems(content_copy) == [
        f"{topics}:{line_of(topics, '- id: pcit')}:3: duplicate id 'pcit' "
        f"(also at {therapies}:{line_of(therapies, '- id: pcit')}); therapies, moments and topics share one set of ids"
    ]


def test_duplicate_alias_across_files_ignoring_case_and_hyphens(content_copy: Path) -> None:
    topics, therapies = content_copy / "topics.yaml", content_copy / "therapies.yaml"
    edit(topics, "    - parent involvement\n", "    - PLAY-therapy\n")
    assert problems(content_copy) == [
        f"{topics}:{line_of(topics, '    - PLAY-therapy')}:7: the name or alias 'PLAY-therapy' of 'involvement' is "
        f"already used by 'play' (at {therapies}:{line_of(therapies, '  name: Play therapy')}); "
        "names must be unique, ignoring case, hyphens and spaces"
    ]


def test_therapy_choice_that_is_not_a_therapy_is_located_at_the_choice(content_copy: Path) -> None:
    questions = content_copy / "questions.yaml"
    edit(questions, "    - id: cprt\n", "    - id: cprtt\n")
    line = line_of(questions, "    - id: cprtt")
    assert (
        f"{questions}:{line}:11: therapy choice 'cprtt' is not a therapy in therapies.yaml (did you mean: cprt?)"
        in problems(content_copy)
    )


# --- validate owns every content rule: attendance in one place, therapies offered, rules that can speak ----------
# (Each check of the crisis lines, the rules, the attendance bands and a rule's `when` has its case, with the exact
# problems it gives, in tests/test_validation_cases.py; what is here needs more than one edit's exact problems.)


def test_a_therapy_that_is_not_a_choice_of_the_therapy_question_is_a_problem(content_copy: Path) -> None:
    questions = content_copy / "questions.yaml"
    edit(
        questions,
        "    - id: cprt\n      label: CPRT (child-parent relationship therapy) — parent groups, play at home\n",
        "",
    )
    therapies = content_copy / "therapies.yaml"
    found = problems(content_copy)
    assert (
        f"{therapies}:{line_of(therapies, '- id: cprt')}:7: therapy 'cprt' is not a choice of the therapy question "
        "in questions.yaml; add it there so parents can pick it"
    ) in found
    assert all("cprt" in p for p in found)  # and the rules that name it are located too


def test_a_source_without_a_public_address_is_a_problem(content_copy: Path) -> None:
    sources = content_copy / "sources.yaml"
    edit(sources, "  url: https://www.nctsn.org/interventions/child-parent-psychotherapy\n", "")
    assert problems(content_copy) == [
        f"{sources}:{line_of(sources, '- id: nctsn-cpp')}:3: a source is missing the field 'url'"
    ]


# --- folders ------------------------------------------------------------------------------------------------------


def test_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert problems(missing) == [f"{missing}:1:1: no such folder; give the folder that holds the content YAML files"]


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    file = tmp_path / "rules.yaml"
    file.write_text("[]\n", encoding="utf-8")
    assert problems(file) == [f"{file}:1:1: is not a folder; give the folder that holds the content YAML files"]


def test_empty_folder_is_one_problem(tmp_path: Path) -> None:
    found = problems(tmp_path)
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path}:1:1: no content files here; a content folder holds sources.yaml, ")


def test_one_missing_file_is_named(content_copy: Path) -> None:
    (content_copy / "asks.yaml").unlink()
    found = problems(content_copy)
    assert found == [
        f"{content_copy / 'asks.yaml'}:1:1: missing file asks.yaml (see the authoring guide, content/README.md)"
    ]


def test_empty_file_is_reported(content_copy: Path) -> None:
    (content_copy / "attendance.yaml").write_text("# nothing yet\n", encoding="utf-8")
    found = problems(content_copy)
    assert found == [f"{content_copy / 'attendance.yaml'}:1:1: the file is empty"]


# --- never a crash ------------------------------------------------------------------------------------------------

# Any YAML value a careless edit could put in place of a field.
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
TARGETS = [
    ("therapies.yaml", "    - level: parent-only\n", "    - level: {}\n"),
    ("therapies.yaml", "  ages: {min: 2, max: 7, source: lieneman-2017-pcit}\n", "  ages: {}\n"),
    ("therapies.yaml", "  reviewed: 2026-11-30\n", "  reviewed: {}\n"),
    (
        "rules.yaml",
        "  when: {therapy: cbt}\n  sources: [psychcentral-parent-involvement]\n  ask:",
        "  when: {}\n  sources: [psychcentral-parent-involvement]\n  ask:",
    ),
    (
        "rules.yaml",
        "  priority: 30\n  sources: [psychcentral-parent-involvement, mccauley-2018-dbt]\n",
        "  priority: {}\n  sources: [psychcentral-parent-involvement, mccauley-2018-dbt]\n",
    ),
    ("questions.yaml", "  min: 0\n", "  min: {}\n"),
    ("crisis.yaml", '    emergency: "911"\n', "    emergency: {}\n"),
    ("crisis.yaml", "        audience: young-people\n", "        audience: {}\n"),
    ("moments.yaml", "  aliases:\n    - consent form\n", "  aliases: {}\n  details:\n    - consent form\n"),
]


@pytest.mark.slow  # many generated cases: the deep layer, not the fast one
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(TARGETS), value=yaml_values)
def test_any_value_in_any_field_gives_a_knowledge_base_or_located_problems(
    content_copy: Path, target: tuple[str, str, str], value: object
) -> None:
    name, old, template = target
    path = content_copy / name
    original = (CONTENT / name).read_text(encoding="utf-8")
    assert old in original, f"{name} no longer holds {old!r}: update TARGETS"
    flow = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix("\n...")
    path.write_text(original.replace(old, template.format(flow), 1), encoding="utf-8")
    kb, found, _ = loader.check(content_copy)
    assert (kb is None) == bool(found)
    for p in found:
        assert LOCATED.match(str(p)), p


# --- what the loader makes of each field ---------------------------------------------------------------------------


def _listed(value: object) -> tuple[object, ...]:
    return tuple(value) if isinstance(value, list) else ()


def test_the_crisis_lines_and_the_rules_hold_what_the_yaml_says() -> None:
    """Read here, not from the session's knowledge base: each field as the loader makes it, against the same
    file read by PyYAML, with the defaults the authoring guide gives for a field left out."""
    built = loader.load(CONTENT)
    crisis = yaml.safe_load((CONTENT / "crisis.yaml").read_text(encoding="utf-8"))
    got = built.crisis
    assert (got.message, got.safety_plan, got.sources, got.reviewed) == (
        crisis["message"],
        tuple(crisis["safety_plan"]),
        tuple(crisis["sources"]),
        str(crisis["reviewed"]),
    )
    assert (got.warning_signs, got.pointer_signs, got.pointer_sources) == (
        tuple(crisis["warning_signs"]),
        crisis["pointer_signs"],
        tuple(crisis["pointer_sources"]),
    )
    assert [r.id for r in got.regions] == [r["id"] for r in crisis["regions"]]
    for region, written in zip(got.regions, crisis["regions"], strict=True):
        assert (region.name, region.emergency, region.steps, region.sources) == (
            written["name"],
            written["emergency"],
            tuple(written["steps"]),
            tuple(written["sources"]),
        ), region.id
        assert [(ln.name, ln.contact, ln.audience, ln.main, ln.main_in) for ln in region.lines] == [
            (w["name"], w["contact"], w["audience"], w.get("main", False), _listed(w.get("main_in")))
            for w in written["lines"]
        ], region.id
    rules = yaml.safe_load((CONTENT / "rules.yaml").read_text(encoding="utf-8"))
    assert [r.id for r in built.rules] == [r["id"] for r in rules]
    for order, (rule, written) in enumerate(zip(built.rules, rules, strict=True)):
        assert (rule.sources, rule.because, rule.priority, rule.group, rule.order, rule.locked) == (
            tuple(written["sources"]),
            written.get("because", ""),
            written.get("priority", 0),
            written.get("group", ""),
            order,
            written.get("locked", False),
        ), rule.id
        assert (rule.when is None) == ("when" not in written), rule.id
        assert (rule.suggest, rule.ask, rule.excludes) == (
            _listed(written.get("suggest")),
            _listed(written.get("ask")),
            _listed(written.get("excludes")),
        ), rule.id
        assert (rule.confidentiality, rule.prepare, rule.why) == (
            _listed(written.get("confidentiality")),
            _listed(written.get("prepare")),
            _listed(written.get("why")),
        ), rule.id
        assert rule.moments == tuple((k, tuple(v)) for k, v in written.get("moments", {}).items()), rule.id
