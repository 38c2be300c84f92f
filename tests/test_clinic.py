"""A clinic's own layer (issue 13): the example in examples/clinic/, and broken copies of it."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CONTENT, ROOT, RunCli, edit, line_of
from parentinvolve.kb import load
from parentinvolve.model import KnowledgeBase

EXAMPLE = ROOT / "examples" / "clinic"
US_SELF_HARM = "child_age: 15\nconcerns: [self-harm]\ntherapy: pcit\nstage: starting\nregion: us\n"
CALM = "child_age: 9\nconcerns: [anxiety]\ntherapy: cbt\nstage: starting\nregion: uk\n"


@pytest.fixture(scope="module")
def layered() -> KnowledgeBase:
    return load(CONTENT, EXAMPLE)


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    """A writable copy of the example clinic."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "clinic"))


def answers(tmp_path: Path, text: str = US_SELF_HARM) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --------------------------------------------------------------------------------------------------------
# What parents see


@pytest.mark.parametrize("fmt", ["plain", "markdown", "html", "json"])
def test_every_format_carries_the_clinic_and_its_after_hours_line_beside_the_shipped_lines(
    run_cli: RunCli, tmp_path: Path, layered: KnowledgeBase, kb: KnowledgeBase, fmt: str
) -> None:
    r = run_cli("ask", "--clinic", str(EXAMPLE), "--answers", answers(tmp_path), "--format", fmt)
    assert r.exit_code == 0, r.stderr
    c = layered.clinic
    assert c is not None and c.after_hours is not None
    shipped = kb.crisis.region("us")
    assert shipped is not None
    if fmt == "json":
        data = json.loads(r.stdout)
        assert data["clinic"]["name"] == c.name
        assert data["clinic"]["after_hours"] == {"name": c.after_hours.name, "contact": c.after_hours.contact}
        lines = [(x["name"], x["contact"]) for x in data["safety"]["lines"]]
        # The shipped lines first, whole and in order; then the clinic's, labelled with the clinic's name.
        assert lines[: len(shipped.lines)] == [(x.name, x.contact) for x in shipped.lines]
        labelled = f"{c.name} after hours — {c.after_hours.name}"
        assert lines[len(shipped.lines) :] == [(labelled, c.after_hours.contact)]
        assert data["safety"]["lines"][-1]["clinic"] == c.name
        assert [p["id"] for p in data["clinic"]["policies"]] == list(c.policies)
        return
    show = html.escape if fmt == "html" else (lambda t: t)
    text = r.stdout.replace("\\", "")  # markdown escapes punctuation
    if fmt == "html":  # phone numbers are tel: and sms: links: compare the text a reader sees
        text = re.sub(r"<a [^>]*>|</a>", "", text)
    title = text.split("<h1>", 1)[1] if fmt == "html" else text
    assert title.splitlines()[0].rstrip("</h1>").endswith(show(c.name))
    safety, rest = text.split(show(f"From {c.name}"), 1)
    assert show(c.after_hours.contact) in safety and show(c.after_hours.contact) in rest  # and among the contacts
    for line in shipped.lines:
        assert show(line.contact) in safety


def test_the_clinic_section_comes_before_the_plan_itself(run_cli: RunCli, tmp_path: Path) -> None:
    out = run_cli("ask", "--clinic", str(EXAMPLE), "--answers", answers(tmp_path, CALM), "--format", "plain").stdout
    assert out.index("In short") < out.index("From Riverbend") < out.index("At a glance")
    assert out.splitlines()[0].endswith("Riverbend Family Therapy (example)")


def test_without_a_clinic_the_json_says_null(run_cli: RunCli, tmp_path: Path) -> None:
    r = run_cli("ask", "--answers", answers(tmp_path), "--format", "json")
    assert json.loads(r.stdout)["clinic"] is None


def test_a_patched_field_shows_in_explain_and_the_rest_stays_shipped(
    run_cli: RunCli, layered: KnowledgeBase, kb: KnowledgeBase
) -> None:
    mine, theirs = layered.entry("pcit"), kb.entry("pcit")
    assert mine is not None and theirs is not None
    assert mine.section("how_often") != theirs.section("how_often")
    assert mine.section("parent_role") == theirs.section("parent_role")
    out = run_cli("explain", "pcit", "--clinic", str(EXAMPLE), "--format", "plain").stdout
    assert "At Riverbend, PCIT sessions" in " ".join(out.split())
    assert theirs.section("how_often")[0] not in " ".join(out.split())


def test_each_policy_is_found_by_explain(run_cli: RunCli, layered: KnowledgeBase) -> None:
    assert layered.clinic is not None and layered.clinic.policies
    for pid in layered.clinic.policies:
        policy = layered.entry(pid)
        assert policy is not None
        r = run_cli("explain", pid, "--clinic", str(EXAMPLE), "--format", "plain")
        assert r.exit_code == 0, r.stderr
        assert r.stdout.startswith(policy.name)
        assert run_cli("explain", policy.name, "--clinic", str(EXAMPLE)).exit_code == 0
    assert run_cli("explain", layered.clinic.policies[0]).exit_code == 2  # not without the layer


def test_a_disabled_rule_is_absent_from_the_trace(run_cli: RunCli, tmp_path: Path, layered: KnowledgeBase) -> None:
    assert layered.clinic is not None
    (off,) = layered.clinic.disabled
    path = answers(tmp_path, CALM)
    before = json.loads(run_cli("ask", "--answers", path, "--format", "json").stdout)["trace"]
    after = json.loads(run_cli("ask", "--clinic", str(EXAMPLE), "--answers", path, "--format", "json").stdout)["trace"]
    assert off in before
    assert off not in after
    assert "riverbend-first-call" in after


def test_why_marks_what_came_from_the_clinic_with_its_file_and_line(run_cli: RunCli, tmp_path: Path) -> None:
    r = run_cli("ask", "--clinic", str(EXAMPLE), "--answers", answers(tmp_path), "--format", "plain", "--why")
    out = " ".join(r.stdout.split())
    rule_at = f"{EXAMPLE / 'rules.yaml'}:{line_of(EXAMPLE / 'rules.yaml', '- id: riverbend-first-call')}"
    assert f"rule riverbend-first-call (you're just starting; from the clinic's layer, {rule_at})" in out
    policy_at = f"{EXAMPLE / 'clinic.yaml'}:{line_of(EXAMPLE / 'clinic.yaml', '- id: riverbend-missed-sessions')}"
    assert f"From the clinic's layer, {policy_at}" in out
    assert "from the clinic's layer" not in run_cli("ask", "--answers", answers(tmp_path), "--why").stdout


# --------------------------------------------------------------------------------------------------------
# Turning it on


def test_the_flag_after_the_command_and_the_environment_work_like_the_global_flag(
    run_cli: RunCli, tmp_path: Path
) -> None:
    path = answers(tmp_path)
    ways = [
        run_cli("--clinic", str(EXAMPLE), "ask", "--answers", path, "--format", "json"),
        run_cli("ask", "--clinic", str(EXAMPLE), "--answers", path, "--format", "json"),
        run_cli("ask", "--answers", path, "--format", "json", env={"PARENTINVOLVE_CLINIC": str(EXAMPLE)}),
    ]
    assert all(r.exit_code == 0 for r in ways)
    assert json.loads(ways[0].stdout)["clinic"] is not None
    assert ways[0].stdout == ways[1].stdout == ways[2].stdout
    # After the command wins over the environment.
    r = run_cli("explain", "pcit", "--clinic", str(tmp_path / "nowhere"), env={"PARENTINVOLVE_CLINIC": str(EXAMPLE)})
    assert r.exit_code == 1 and "no such folder" in r.stderr


def test_content_is_accepted_after_the_command_and_from_the_environment(run_cli: RunCli, content_copy: Path) -> None:
    edit(content_copy / "therapies.yaml", "name: Parent-child interaction therapy (PCIT)", "name: PCIT, our copy")
    ways = [
        run_cli("--content", str(content_copy), "explain", "pcit"),
        run_cli("explain", "pcit", "--content", str(content_copy)),
        run_cli("explain", "pcit", env={"PARENTINVOLVE_CONTENT": str(content_copy)}),
    ]
    assert all(r.stdout.startswith("PCIT, our copy") for r in ways), [r.stdout[:40] for r in ways]
    both = run_cli("explain", "pcit", "--content", str(content_copy), "--clinic", str(EXAMPLE))
    assert both.stdout.startswith("PCIT, our copy") and "At Riverbend" in both.stdout


# --------------------------------------------------------------------------------------------------------
# Broken layers: located problems, exit 1


def test_an_unknown_field_in_clinic_yaml_is_located(run_cli: RunCli, clinic: Path) -> None:
    edit(clinic / "clinic.yaml", "reviewed: 2026-11-30", "reviewed: 2026-11-30\nwebsiet: https://x.example")
    r = run_cli("ask", "--clinic", str(clinic), "--answers", "-")
    assert r.exit_code == 1
    at = line_of(clinic / "clinic.yaml", "websiet:")
    assert (
        f"{clinic / 'clinic.yaml'}:{at}:1: unknown field 'websiet' in clinic.yaml (did you mean: website?)" in r.stderr
    )
    assert run_cli("validate", "--clinic", str(clinic)).exit_code == 1


@pytest.mark.parametrize(
    ("file", "text", "reason"),
    [
        ("clinic.yaml", "disable:\n  - safety-first\n", "the built-in safety rule (safety-first) cannot be disabled"),
        ("clinic.yaml", "disable:\n  - self-harm-safety\n", "cannot be disabled: it is part of the locked safety set"),
        ("crisis.yaml", "regions:\n  - id: uk\n    lines: null\n", "the shipped crisis lines cannot be removed"),
        ("crisis.yaml", "regions: null\n", "the shipped crisis lines cannot be removed"),
        (
            "crisis.yaml",
            "regions:\n  - id: uk\n    lines:\n      - {name: Samaritans, contact: '555-0100'}\n",
            "would pass for the shipped crisis line 'Samaritans'",
        ),
        ("crisis.yaml", "message: Call us first.\n", "the crisis 'message' cannot be changed"),
        (
            "crisis.yaml",
            "regions:\n  - id: uk\n    emergency: '555-0100'\n",
            "a region's 'emergency' cannot be changed",
        ),
        ("rules.yaml", "- id: self-harm-safety\n  why: [Nothing to see.]\n", "locked safety set"),
    ],
)
def test_safety_cannot_be_weakened(run_cli: RunCli, clinic: Path, file: str, text: str, reason: str) -> None:
    path = clinic / file
    if file == "clinic.yaml":
        edit(path, "disable:\n  - ask-region-records  # our records policy above answers this question\n", text)
    else:
        path.write_text(text, encoding="utf-8")
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 1
    assert reason in r.stderr
    assert f"{path}:" in r.stderr  # located in the clinic's own file


def test_a_layer_may_add_crisis_lines_after_the_shipped_ones(clinic: Path, kb: KnowledgeBase) -> None:
    (clinic / "crisis.yaml").write_text(
        "regions:\n  - id: uk\n    lines:\n      - {name: Riverbend text line, contact: text 555-0123, audience: anyone}\n",
        "utf-8",
    )
    layered = load(CONTENT, clinic)
    mine, theirs = layered.crisis.region("uk"), kb.crisis.region("uk")
    assert mine is not None and theirs is not None
    shipped = [line for line in mine.lines if line in theirs.lines]
    assert shipped == list(theirs.lines)
    assert (
        mine.lines[-1].name == "Riverbend text line" and mine.lines[-1].clinic == "Riverbend Family Therapy (example)"
    )


def test_null_removes_an_optional_field_and_a_required_one_is_missed_at_the_patch(
    run_cli: RunCli, clinic: Path, kb: KnowledgeBase
) -> None:
    therapies = clinic / "therapies.yaml"
    edit(therapies, "  how_often:", "  length: null\n  how_often:")
    pcit = load(CONTENT, clinic).entry("pcit")
    shipped = kb.entry("pcit")
    assert pcit is not None and shipped is not None and shipped.section("length")
    assert pcit.section("length") == ()
    edit(therapies, "  length: null", "  summary: null")
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 1
    assert f"{therapies}:{line_of(therapies, '- id: pcit')}:3: a therapy is missing the field 'summary'" in r.stderr


def test_a_problem_in_a_patched_entry_is_reported_at_the_clinic_line(run_cli: RunCli, clinic: Path) -> None:
    therapies = clinic / "therapies.yaml"
    edit(
        therapies, "  how_often:", "  attendance:\n    - level: every-sesion\n      weekly: [Every week.]\n  how_often:"
    )
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 1
    assert f"{therapies}:{line_of(therapies, 'every-sesion')}:" in r.stderr
    assert "unknown attendance 'every-sesion'" in r.stderr


# --------------------------------------------------------------------------------------------------------
# Clinic text is cleaned and escaped like shipped text


def test_markup_and_escape_sequences_in_clinic_yaml_never_get_through(
    run_cli: RunCli, tmp_path: Path, clinic: Path
) -> None:
    edit(
        clinic / "clinic.yaml",
        "name: Riverbend Family Therapy (example)",
        'name: "Evil <script>alert(1)</script> \\e[2J\\e]8;;http://x\\e\\\\ clinic"',
    )
    edit(clinic / "clinic.yaml", "    contact: 555-0142", '    contact: "<b>555-0142</b> [red]x[/red] *y*"')
    path = answers(tmp_path)
    html = run_cli("ask", "--clinic", str(clinic), "--answers", path, "--format", "html").stdout
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>555" not in html
    for fmt in ("plain", "markdown", "rich", "json"):
        out = run_cli("ask", "--clinic", str(clinic), "--answers", path, "--format", fmt).stdout
        assert "\x1b" not in out, fmt
    md = run_cli("ask", "--clinic", str(clinic), "--answers", path, "--format", "markdown").stdout
    assert "<script>" not in md and "\\<script\\>" in md and "\\*y\\*" in md
    rich = run_cli("ask", "--clinic", str(clinic), "--answers", path, "--format", "rich").stdout
    assert "[red]x[/red]" in rich


# --------------------------------------------------------------------------------------------------------
# Author tools


def test_clinic_init_writes_a_layer_that_validates_and_refuses_a_non_empty_folder(
    run_cli: RunCli, tmp_path: Path
) -> None:
    folder = tmp_path / "ours"
    r = run_cli("clinic", "init", str(folder))
    assert r.exit_code == 0, r.stderr
    assert {p.name for p in folder.iterdir()} == {"clinic.yaml", "README.md"}
    assert run_cli("validate", "--clinic", str(folder)).exit_code == 0
    before = (folder / "clinic.yaml").read_text(encoding="utf-8")
    r = run_cli("clinic", "init", str(folder))
    assert r.exit_code == 2
    assert "not an empty folder" in r.stderr
    assert (folder / "clinic.yaml").read_text(encoding="utf-8") == before


def test_override_then_a_change_to_the_base_warns_naming_the_entry(
    run_cli: RunCli, tmp_path: Path, content_copy: Path
) -> None:
    folder = tmp_path / "ours"
    assert run_cli("clinic", "init", str(folder)).exit_code == 0
    r = run_cli("--content", str(content_copy), "clinic", "override", "pcit", "--clinic", str(folder))
    assert r.exit_code == 0, r.stderr
    copy = folder / "therapies.yaml"
    assert "based_on:" in copy.read_text(encoding="utf-8")
    ok = run_cli("validate", "--content", str(content_copy), "--clinic", str(folder))
    # (translation warnings are about the content copy, or name what the new layer has not put into Spanish)
    about_layer = [line for line in ok.stderr.splitlines() if str(folder) in line and "does not translate" not in line]
    assert ok.exit_code == 0 and about_layer == []
    assert run_cli("clinic", "override", "pcit", "--clinic", str(folder), "--content", str(content_copy)).exit_code == 2
    edit(
        content_copy / "therapies.yaml",
        "Every session. You take part in all of them",
        "Every session. You join all of them",
    )
    r = run_cli("validate", "--content", str(content_copy), "--clinic", str(folder))
    assert r.exit_code == 0
    (warning,) = [  # (not the translation warnings)
        w for w in r.stderr.splitlines() if w.startswith(str(folder)) and "does not translate" not in w
    ]
    assert warning.startswith(f"{copy}:{line_of(copy, 'based_on:')}:")
    assert "pcit" in warning and "changed" in warning
    assert (
        "pcit changed in the shipped content"
        in run_cli("clinic", "show", "--clinic", str(folder), "--content", str(content_copy)).stdout
    )


def test_override_refuses_what_is_not_a_shipped_entry(run_cli: RunCli, clinic: Path) -> None:
    assert run_cli("clinic", "override", "no-such-thing", "--clinic", str(clinic)).exit_code == 2
    assert run_cli("clinic", "override", "pcit").exit_code == 2  # no clinic folder given


def test_clinic_show_lists_each_change_with_its_file_and_line(run_cli: RunCli) -> None:
    r = run_cli("clinic", "show", "--clinic", str(EXAMPLE))
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    therapies, clinic_yaml = EXAMPLE / "therapies.yaml", EXAMPLE / "clinic.yaml"
    expected = [
        (f"{therapies}:{line_of(therapies, 'how_often:')}", "changed therapy pcit: how_often"),
        (f"{EXAMPLE / 'rules.yaml'}:{line_of(EXAMPLE / 'rules.yaml', '- id:')}", "added rule riverbend-first-call"),
        (f"{clinic_yaml}:{line_of(clinic_yaml, '  - ask-region-records')}", "disabled rule ask-region-records"),
        (f"{clinic_yaml}:{line_of(clinic_yaml, '  name: Riverbend on-call')}", "after-hours line"),
    ]
    for where, what in expected:
        assert any(line.startswith(where + " ") and what in line for line in lines), (where, what)


# --------------------------------------------------------------------------------------------------------
# The cache covers the merged result


def test_the_cache_is_keyed_on_both_folders(clinic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PARENTINVOLVE_NO_CACHE", raising=False)
    first = load(CONTENT, clinic)
    assert load(CONTENT, clinic) == first  # from the cache now
    assert load(CONTENT).clinic is None  # the content alone has its own slot
    edit(clinic / "clinic.yaml", "name: Riverbend Family Therapy (example)", "name: Riverbend, renamed")
    again = load(CONTENT, clinic)
    assert again.clinic is not None and again.clinic.name == "Riverbend, renamed"


def test_a_policy_cannot_take_a_name_that_is_already_used(run_cli: RunCli, clinic: Path) -> None:
    edit(clinic / "clinic.yaml", "  - id: riverbend-missed-sessions", "  - id: pcit")
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 1
    at = line_of(clinic / "clinic.yaml", "  - id: pcit")
    assert f"{clinic / 'clinic.yaml'}:{at}:" in r.stderr and "already the name of 'pcit'" in r.stderr


def test_questions_are_the_same_for_every_clinic(run_cli: RunCli, clinic: Path) -> None:
    shutil.copy(CONTENT / "questions.yaml", clinic / "questions.yaml")
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 1
    assert f"{clinic / 'questions.yaml'}:1:1: a clinic's layer cannot change questions.yaml" in r.stderr


def test_a_layer_file_of_comments_only_changes_nothing(clinic: Path, layered: KnowledgeBase) -> None:
    (clinic / "topics.yaml").write_text("# nothing here yet\n", encoding="utf-8")
    assert load(CONTENT, clinic).entries == layered.entries


def test_a_missing_clinic_yaml_is_reported(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    r = run_cli("validate", "--clinic", str(tmp_path / "empty"))
    assert r.exit_code == 1
    assert f"{tmp_path / 'empty' / 'clinic.yaml'}:1:1: missing file clinic.yaml" in r.stderr


@pytest.mark.slow
def test_a_warm_explain_with_a_clinic_never_reads_yaml(tmp_path: Path) -> None:
    from test_imports import modules

    cold = modules(["explain", "pcit", "--clinic", str(EXAMPLE)], tmp_path)
    warm = modules(["explain", "pcit", "--clinic", str(EXAMPLE)], tmp_path)
    assert "yaml" in cold
    assert "yaml" not in warm and "parentinvolve.kb.overlay" not in warm


# --------------------------------------------------------------------------------------------------------
# Whatever a layer holds, the result is a knowledge base or located problems; never another exception

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.text(max_size=8)
    | st.sampled_from(
        ["pcit", "uk", "us", "safety-first", "self-harm-safety", "ask-region-records", "Samaritans", "\x1b[2J", "<b>"]
    )
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "name", "contact", "lines", "regions", "how_often", "disable", "text", "x"]),
            inner,
            max_size=3,
        )
    ),
    max_leaves=8,
)
_files = st.sampled_from(["clinic", "therapies", "rules", "crisis", "sources", "asks", "topics", "moments"])


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 15)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@pytest.mark.slow  # many generated cases: the deep layer, not the fast one
@given(file=_files, value=_values)
def test_any_layer_gives_a_knowledge_base_or_located_problems(file: str, value: object) -> None:
    from parentinvolve.kb import check

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(shutil.copytree(EXAMPLE, Path(tmp) / "clinic"))
        (folder / f"{file}.yaml").write_text(json.dumps(value), encoding="utf-8")  # JSON is YAML
        kb, problems, _ = check(CONTENT, folder)
    assert (kb is None) == bool(problems)
    assert all(p.line >= 1 and p.col >= 1 for p in problems)


def test_a_clinic_layer_in_spanish_lists_its_policies(run_cli: RunCli) -> None:
    """A clinic's policies are its own words, kept as written in every language (it was an internal error)."""
    r = run_cli("--clinic", str(EXAMPLE), "--lang", "es", "topics")
    assert r.exit_code == 0, r.stderr
    assert "riverbend-missed-sessions" in r.stdout and "Lea uno con" in r.stdout
    assert "Una norma de Riverbend" in r.stdout and "A policy of" not in r.stdout
    r = run_cli("--clinic", str(EXAMPLE), "--lang", "es", "explain", "riverbend-records")
    assert r.exit_code == 0, r.stderr
    assert "Lo que dice" in r.stdout and "What it says" not in r.stdout
    english = run_cli("--clinic", str(EXAMPLE), "explain", "riverbend-records")
    assert "A policy of Riverbend" in english.stdout and "What it says" in english.stdout
