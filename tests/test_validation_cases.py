"""Every check of `kb/rules.py` (the crisis lines, the rules, the attendance bands, the therapy question) and of
`kb/conditions.py` (a rule's `when`) as one table: a small edit to a copy of the shipped content, and exactly
the problems `validate` then reports, as it prints them (`path:line:col: message`), nothing more.

A case points at the place a problem names by a piece of text (`at`): its line is the first that holds it.
A message that names another place says `{at FILE: TEXT}`, which becomes that place's `path:line` (`{line FILE:
TEXT}`: its line alone).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import line_of
from parentinvolve import kb


class Edit(NamedTuple):
    file: str
    old: str  # must occur exactly once in the file
    new: str


class Expect(NamedTuple):
    file: str
    at: str
    col: int
    message: str


class Case(NamedTuple):
    id: str
    edits: tuple[Edit, ...]
    expected: tuple[Expect, ...]


def case(id: str, file: str, old: str, new: str, at: str, col: int, message: str) -> Case:
    """One edit, one problem, both in `file`."""
    return Case(id, (Edit(file, old, new),), (Expect(file, at, col, message),))


# A rule's `when`, put in place of role-cbt's: each case of kb/conditions.py below edits this one.
WHEN = "  when: {therapy: cbt}\n  sources: [psychcentral-parent-involvement]\n  ask:"


def when(id: str, condition: str, col: int, message: str) -> Case:
    new = WHEN.replace("{therapy: cbt}", condition)
    return case(id, "rules.yaml", WHEN, new, "  when: " + condition, col, message)


def field(name: str, text: str, col: int, message: str) -> Case:
    """role-cbt given one more field, written wrong."""
    after = "  ask: [skills-to-practise]\n\n- id: role-dbt"
    new = after.replace("\n\n", f"\n  {text}\n\n")
    return case(f"rule-{name}-wrong", "rules.yaml", after, new, "  " + text, col, message)


_CRISIS = (Path(__file__).resolve().parent.parent / "content" / "crisis.yaml").read_text(encoding="utf-8")
# crisis.yaml's own sources, the whole list
CRISIS_SOURCES = _CRISIS[
    _CRISIS.index("sources:  # of the message") : _CRISIS.index("  - sprc-after-attempt\n")
    + len("  - sprc-after-attempt\n")
]


CRISIS = [
    case(
        "crisis-line-audience-unknown",
        "crisis.yaml",
        "contact: 0800 1111 (under 19)\n        audience: young-people\n",
        "contact: 0800 1111 (under 19)\n        audience: youngpeople\n",
        "audience: youngpeople",
        19,
        "audience 'youngpeople' should be one of young-people, parents, anyone (did you mean: young-people?)",
    ),
    case(
        "crisis-line-main-not-true-or-false",
        "crisis.yaml",
        'contact: "13 11 14"\n        audience: anyone\n        main: true\n',
        'contact: "13 11 14"\n        audience: anyone\n        main: 1\n',
        "main: 1",
        15,
        "main should be true or false",
    ),
    case(
        "crisis-line-main-in-english",
        "crisis.yaml",
        "main_in: [es]  #",
        "main_in: [en]  #",
        "main_in: [en]",
        19,
        "main_in: 'en' should be a language code: es",
    ),
    case(
        "crisis-line-main-in-unknown-language",
        "crisis.yaml",
        "main_in: [es]  #",
        "main_in: [fr]  #",
        "main_in: [fr]",
        19,
        "main_in: 'fr' should be a language code: es",
    ),
    case(
        "region-without-lines",
        "crisis.yaml",
        "    lines:\n      - name: Emergency\n        contact: your local emergency number\n        audience: anyone\n",
        "    lines: []\n",
        "    lines: []",
        12,
        "a region needs at least one crisis line",
    ),
    case(
        "region-with-two-main-lines",
        "crisis.yaml",
        "contact: 1-800-668-6868, or text CONNECT to 686868\n        audience: young-people\n",
        "contact: 1-800-668-6868, or text CONNECT to 686868\n        audience: young-people\n        main: true\n",
        "  - id: ca",
        5,
        "a region can have at most one main line (main: true)",
    ),
    case(
        "region-with-two-main-lines-for-a-language",
        "crisis.yaml",
        '        contact: "911"\n        audience: anyone\n    steps:\n      - >-\n        988 is for you too',
        '        contact: "911"\n        audience: anyone\n        main_in: [es]\n    steps:\n      - >-\n'
        "        988 is for you too",
        "  - id: us",
        5,
        "a region can have at most one main line for 'es' (main_in)",
    ),
    case(
        "region-missing-a-field",
        "crisis.yaml",
        '    name: Canada\n    emergency: "911"\n',
        "    name: Canada\n",
        "  - id: ca",
        5,
        "a region is missing the field 'emergency'",
    ),
    *(
        case(f"{what}-not-text", "crisis.yaml", old, new, new.strip().splitlines()[-1], col, message)
        for what, old, new, col, message in [
            ("region-name", "    name: Canada\n", "    name: [Canada]\n", 11, "name should be text, not a list"),
            (
                "region-emergency",
                '    name: Canada\n    emergency: "911"\n',
                '    name: Canada\n    emergency: ["911"]\n',
                16,
                "emergency should be text, not a list",
            ),
            (
                "crisis-line-name",
                "      - name: Kids Help Phone\n",
                "      - name: [Kids Help Phone]\n",
                15,
                "name should be text, not a list",
            ),
            (
                "crisis-line-audience",
                "contact: 0800 1111 (under 19)\n        audience: young-people\n",
                "contact: 0800 1111 (under 19)\n        audience: [young-people]\n",
                19,
                "audience should be text, not a list",
            ),
        ]
    ),
    Case(
        "region-steps-not-a-list",
        (
            Edit(
                "crisis.yaml",
                "    steps:\n      - >-\n        9-8-8 is for you too",
                "    steps: 9-8-8 is for you too.\n    old:\n      - >-\n        9-8-8 is for you too",
            ),
        ),
        (
            Expect(
                "crisis.yaml",
                "    steps: 9-8-8",
                12,
                "steps should be a list of paragraphs (lines starting with `- `), not text",
            ),
            Expect("crisis.yaml", "    old:", 5, "unknown field 'old' in a region"),
        ),
    ),
    case(
        "crisis-line-missing-a-field",
        "crisis.yaml",
        "contact: 1-800-668-6868, or text CONNECT to 686868\n        audience: young-people\n",
        "contact: 1-800-668-6868, or text CONNECT to 686868\n",
        "      - name: Kids Help Phone",
        9,
        "a crisis line is missing the field 'audience'",
    ),
    case(
        "crisis-missing-its-message",
        "crisis.yaml",
        "message: If your child is in danger right now, don't wait. Call the emergency number for where you live "
        "straight away.\n",
        "",
        "reviewed: 2026",
        1,
        "crisis.yaml is missing the field 'message'",
    ),
    Case(
        "crisis-regions-not-a-list",
        (Edit("crisis.yaml", "regions:\n  - id: us\n", "regions: us\nold:\n  - id: us\n"),),
        (
            *(
                Expect(
                    "crisis.yaml",
                    "message: If your child",
                    1,
                    f"crisis.yaml has no crisis lines for region '{region}', a choice of the region question",
                )
                for region in ("us", "uk", "ca", "au", "ie", "other")
            ),
            Expect("crisis.yaml", "regions: us", 10, "regions should be a list (lines starting with `- `), not text"),
            Expect("crisis.yaml", "old:", 1, "unknown field 'old' in crisis.yaml"),
        ),
    ),
    Case(
        "region-lines-not-a-list",
        (
            Edit(
                "crisis.yaml",
                "    lines:\n      - name: Emergency\n        contact: your local emergency number\n"
                "        audience: anyone\n",
                "    lines: Emergency\n",
            ),
        ),
        (
            Expect(
                "crisis.yaml", "    lines: Emergency", 12, "lines should be a list (lines starting with `- `), not text"
            ),
            Expect("crisis.yaml", "    lines: Emergency", 12, "a region needs at least one crisis line"),
        ),
    ),
    case(
        "crisis-line-main-in-not-a-list",
        "crisis.yaml",
        "main_in: [es]  #",
        "main_in: es  #",
        "main_in: es",
        18,
        "main_in should be a list of ids, like [a, b], not text",
    ),
    case(
        "crisis-sources-empty",
        "crisis.yaml",
        CRISIS_SOURCES,
        "sources: []\n",
        "sources: []",
        10,
        "crisis.yaml needs at least one source id",
    ),
    Case(
        "crisis-safety-plan-not-a-list",
        (
            Edit(
                "crisis.yaml",
                "safety_plan:\n  - >-\n    Lock up all medicines",
                "safety_plan: Stay close.\nold_plan:\n  - >-\n    Lock up all medicines",
            ),
        ),
        (
            Expect(
                "crisis.yaml",
                "safety_plan: Stay close.",
                14,
                "safety_plan should be a list of paragraphs (lines starting with `- `), not text",
            ),
            Expect("crisis.yaml", "old_plan:", 1, "unknown field 'old_plan' in crisis.yaml"),
        ),
    ),
    Case(
        "crisis-warning-signs-not-a-list",
        (
            Edit(
                "crisis.yaml",
                "warning_signs:\n  - >-\n    Warning signs:",
                "warning_signs: Watch.\nold_signs:\n  - >-\n    Warning signs:",
            ),
        ),
        (
            Expect(
                "crisis.yaml",
                "warning_signs: Watch.",
                16,
                "warning_signs should be a list of paragraphs (lines starting with `- `), not text",
            ),
            Expect(
                "crisis.yaml",
                "old_signs:",
                1,
                "unknown field 'old_signs' in crisis.yaml (did you mean: pointer_signs?)",
            ),
        ),
    ),
    case(
        "crisis-pointer-signs-not-text",
        "crisis.yaml",
        "pointer_signs: >-\n  Get help at once if your child talks of suicide or wanting to die, seems hopeless, or pulls "
        "away from\n  everyone.\n",
        "pointer_signs: [Get help at once.]\n",
        "pointer_signs: [",
        16,
        "pointer_signs should be text, not a list",
    ),
    case(
        "crisis-pointer-sources-not-a-list",
        "crisis.yaml",
        "pointer_sources: [nidirect-emergency, aap-warning-signs]",
        "pointer_sources: nidirect-emergency",
        "pointer_sources: nidirect-emergency",
        18,
        "pointer_sources should be a list of ids, like [a, b], not text",
    ),
    Case(
        "region-id-malformed",
        (Edit("crisis.yaml", "  - id: ca\n", "  - id: CA\n"),),
        (
            Expect(
                "crisis.yaml",
                "message: If your child",
                1,
                "crisis.yaml has no crisis lines for region 'ca', a choice of the region question",
            ),
            Expect(
                "crisis.yaml",
                "  - id: CA",
                9,
                "region id 'CA' should be lower-case words joined by hyphens, like `tf-cbt`",
            ),
        ),
    ),
    Case(  # a region's own sources may be left out (the common ones still apply)
        "region-without-sources",
        (Edit("crisis.yaml", "    sources: [aap-lethal-means, means-matter, norfolk-medicines]\n", ""),),
        (),
    ),
    case(
        "region-sources-empty",
        "crisis.yaml",
        "    sources: [aap-lethal-means, means-matter, norfolk-medicines]\n",
        "    sources: []\n",
        "    sources: []",
        14,
        "this region needs at least one source id",
    ),
    Case(
        "region-id-twice",
        (Edit("crisis.yaml", "  - id: ca\n", "  - id: au\n"),),
        (
            Expect(
                "crisis.yaml",
                "message: If your child",
                1,
                "crisis.yaml has no crisis lines for region 'ca', a choice of the region question",
            ),
            Expect(
                "crisis.yaml",
                "  - id: au\n    name: Australia",
                5,
                "duplicate region 'au' (also at {at crisis.yaml:   - id: au\n    name: Canada})",
            ),
        ),
    ),
    Case(
        "region-not-a-choice-and-a-choice-without-lines",
        (Edit("crisis.yaml", "  - id: other\n", "  - id: others\n"),),
        (
            Expect(
                "crisis.yaml",
                "message: If your child",
                1,
                "crisis.yaml has no crisis lines for region 'other', a choice of the region question",
            ),
            Expect(
                "crisis.yaml",
                "  - id: others",
                5,
                "region 'others' is not a choice of the region question (did you mean: other?)",
            ),
        ),
    ),
]

RULES = [
    case(
        "rule-named-like-a-built-in-rule",
        "rules.yaml",
        "- id: why-base\n",
        "- id: safety-first\n",
        "- id: safety-first",
        7,
        "rule id 'safety-first' is the name of a built-in rule; choose another",
    ),
    case(
        "rule-id-malformed",
        "rules.yaml",
        "- id: role-cbt\n",
        "- id: Role CBT\n",
        "- id: Role CBT",
        7,
        "rule id 'Role CBT' should be lower-case words joined by hyphens, like `tf-cbt`",
    ),
    case(
        "rule-without-sources",
        "rules.yaml",
        WHEN,
        "  when: {therapy: cbt}\n  ask:",
        "- id: role-cbt",
        3,
        "a rule is missing the field 'sources'",
    ),
    case(
        "rule-because-not-text",
        "rules.yaml",
        "  because: you chose CBT\n",
        "  because: [you chose CBT]\n",
        "  because: [you chose CBT]",
        12,
        "because should be text, not a list",
    ),
    case(
        "rule-asks-an-unknown-question",
        "rules.yaml",
        "  ask: [skills-to-practise]\n\n- id: role-dbt",
        "  ask: [skills-to-practice]\n\n- id: role-dbt",
        "  ask: [skills-to-practice]",
        9,
        "unknown question to ask (asks.yaml) 'skills-to-practice' (did you mean: skills-to-practise?)",
    ),
    *(
        field(name, text, col, message)
        for name, text, col, message in [
            ("priority", "priority: high", 13, "priority should be a whole number, not text"),
            (
                "group",
                "group: Big Group",
                10,
                "group 'Big Group' should be lower-case words joined by hyphens, like `tf-cbt`",
            ),
            ("suggest", "suggest: cbt", 12, "suggest should be a list of ids, like [a, b], not text"),
            ("excludes", "excludes: why-base", 13, "excludes should be a list of ids, like [a, b], not text"),
            ("locked", "locked: yes please", 11, "locked should be true or false, not text"),
            *(
                (
                    key,
                    f"{key}: Some words.",
                    len(key) + 5,
                    f"{key} should be a list of paragraphs (lines starting with `- `), not text",
                )
                for key in ("confidentiality", "prepare", "why")
            ),
        ]
    ),
    case(
        "rule-that-adds-nothing",
        "rules.yaml",
        "  sources: [waltham-forest-maternal-mh]\n  why:\n"
        "    - Your own health matters too. If your mood has been low, talk to your GP or health visitor.\n",
        "  sources: [waltham-forest-maternal-mh]\n",
        "- id: parent-health-uk",
        3,
        "rule 'parent-health-uk' adds nothing: give at least one of suggest, moments, confidentiality, prepare, ask, why",
    ),
    case(
        "rule-names-an-unknown-moment",
        "rules.yaml",
        "    consent:\n      - >-\n        Before treatment",
        "    consnt:\n      - >-\n        Before treatment",
        "    consnt:",
        5,
        "unknown moment 'consnt' (did you mean: consent?)",
    ),
    case(
        "rule-moments-not-a-mapping",
        "rules.yaml",
        "  moments:\n    intake:\n      - >-\n        The first appointments are behind you.",
        "  moments: intake\n  why:\n      - >-\n        The first appointments are behind you.",
        "  moments: intake",
        12,
        "moments should be a mapping of moment ids to paragraphs, like {weekly: [...]}",
    ),
    case(
        "rule-id-twice",
        "rules.yaml",
        "- id: role-cbt\n",
        "- id: role-play\n",
        "- id: role-play\n  because: you chose CBT",
        3,
        "duplicate rule id 'role-play' (also at {at rules.yaml: - id: role-play\n  because: you chose play})",
    ),
    case(
        "rule-that-can-never-apply",
        "rules.yaml",
        "  when: {therapy: space}\n  sources: [lebowitz",
        "  when: {all: [{therapy: space}, {therapy: dbt}]}\n  sources: [lebowitz",
        "- id: role-space",
        3,
        "rule 'role-space' can never apply: no answers make its `when` true",
    ),
    case(
        "rule-that-cites-only-another-countrys-source",
        "rules.yaml",
        "  sources: [beyondblue-pnd]\n",
        "  sources: [citizens-info-pnd]\n",  # Australia's rule, Ireland's source
        "- id: parent-health-au",
        3,
        "rule 'parent-health-au' can apply in au but cites only other countries' sources there; add a source for "
        "that country, or one that holds anywhere",
    ),
    case(
        "source-region-not-a-choice",
        "sources.yaml",
        "Consent_Treatment.htm\n  regions: [us]\n",
        "Consent_Treatment.htm\n  regions: [usa]\n",
        "  regions: [usa]",
        13,
        "source 'camft-consent': region 'usa' is not a choice of the region question (did you mean: us?)",
    ),
    case(
        "rules-that-exclude-each-other-and-meet",
        "rules.yaml",
        "- id: why-team\n",
        "- id: why-team\n  excludes: [why-base]\n",
        "  excludes: [why-base]",
        14,
        "rule 'why-team' and rule 'why-base' must never be in one plan, but they both reach a family with child_age: 4, "
        "therapy: cbt",
    ),
    case(
        "attendance-level-that-excludes-a-rule-it-meets",
        "attendance.yaml",
        "  excludes: [confidentiality-in-the-room]\n\n- id: check-ins",
        "  excludes: [confidentiality-in-the-room, why-base]\n\n- id: check-ins",
        "  excludes: [confidentiality-in-the-room, why-base]",
        43,
        "attendance level 'some-sessions' and rule 'why-base' must never be in one plan, but they both reach a family "
        "with child_age: 0, therapy: play",
    ),
    Case(
        "rules-their-group-always-overrules",
        (
            Edit(
                "rules.yaml",
                "  when: {therapy: dbt}\n  group: privacy-age\n  priority: 30\n",
                "  group: privacy-age\n  priority: 30\n",
            ),
        ),
        tuple(
            Expect(
                "rules.yaml",
                f"- id: {rid}\n",
                3,
                f"rule '{rid}' never contributes: whenever it applies, a stronger rule of group 'privacy-age' applies too",
            )
            for rid in (
                "confidentiality-in-the-room",
                "confidentiality-teen",
                "confidentiality-younger",
                "confidentiality-very-young",
            )
        ),
    ),
]

BANDS = [
    case(  # and nothing about the bands, which cannot be checked against it
        "age-question-backwards",
        "questions.yaml",
        "  min: 0\n  max: 17\n",
        "  min: 17\n  max: 0\n",
        "- id: child_age",
        3,
        "question 'child_age': min 17 is larger than max 0",
    ),
    Case(  # a therapy without bands does not stop the check of the ones after it
        "bands-checked-past-a-therapy-without-them",
        (
            Edit(
                "therapies.yaml",
                "  attendance:\n    - level: parent-only\n",
                "  attendence:\n    - level: parent-only\n",
            ),
            Edit(
                "therapies.yaml",
                "source: ucdavis-tfcbt}\n  attendance:\n    - level: some-sessions\n",
                "source: ucdavis-tfcbt}\n  attendance:\n    - ages: {max: 15}\n      level: some-sessions\n",
            ),
        ),
        (
            Expect("therapies.yaml", "- id: space", 3, "a therapy is missing the field 'attendance'"),
            Expect(
                "therapies.yaml",
                "  attendence:",
                3,
                "unknown field 'attendence' in a therapy (did you mean: attendance?)",
            ),
            Expect(
                "therapies.yaml",
                "    - ages: {max: 15}",
                5,
                "therapy 'tf-cbt' states no attendance for a child of 16; add a band that covers it",
            ),
        ),
    ),
    case(
        "bands-leave-16-and-17-uncovered",
        "therapies.yaml",
        "    - ages: {min: 7}\n      level: some-sessions\n",
        "    - ages: {min: 7, max: 15}\n      level: some-sessions\n",
        "    - ages: {max: 6}",
        5,
        "therapy 'cbt' states no attendance for a child of 16; add a band that covers it",
    ),
    case(
        "bands-leave-a-middle-age-uncovered",
        "therapies.yaml",
        "    - ages: {min: 7}\n      level: some-sessions\n",
        "    - ages: {min: 8}\n      level: some-sessions\n",
        "    - ages: {max: 6}",
        5,
        "therapy 'cbt' states no attendance for a child of 7; add a band that covers it",
    ),
    case(
        "bands-leave-newborns-uncovered",
        "therapies.yaml",
        "    - ages: {max: 6}\n",
        "    - ages: {min: 1, max: 6}\n",
        "    - ages: {min: 1, max: 6}",
        5,
        "therapy 'cbt' states no attendance for a child of 0; add a band that covers it",
    ),
    case(
        "bands-overlap",
        "therapies.yaml",
        "    - ages: {min: 7}\n      level: some-sessions\n",
        "    - ages: {min: 6}\n      level: some-sessions\n",
        "    - ages: {max: 6}",
        5,
        "therapy 'cbt' has two attendance bands for a child of 6; make them not overlap",
    ),
    case(
        "typical-ages-beyond-the-age-question",
        "therapies.yaml",
        "  ages: {min: 12, max: 17, source: mccauley-2018-dbt}\n",
        "  ages: {min: 12, max: 18, source: mccauley-2018-dbt}\n",
        "  ages: {min: 12, max: 18",
        9,
        "therapy 'dbt': ages 12 to 18 go beyond the age question's 0 to 17",
    ),
    case(
        "no-depends-level-though-unsure-is-a-choice",
        "attendance.yaml",
        "- id: depends\n  label: Depends on the therapy\n"
        "  description: The kind of therapy is not known yet, and your part depends on it.\n",
        "",
        "- id: every-session",
        1,
        "attendance.yaml needs the level 'depends': it is the plan's headline when the therapy is not known",
    ),
    case(
        "therapy-choice-that-is-not-a-therapy",
        "questions.yaml",
        "    - id: cpp\n",
        "    - id: cprtt\n      label: A therapy that is not in therapies.yaml\n    - id: cpp\n",
        "    - id: cprtt",
        11,
        "therapy choice 'cprtt' is not a therapy in therapies.yaml (did you mean: cprt?)",
    ),
]

CONDITIONS = [
    when("condition-a-list", "[therapy, cbt]", 9, "a condition should be a mapping like {therapy: pcit}, not a list"),
    when(
        "condition-empty",
        "{}",
        9,
        "a condition should be a mapping like {therapy: pcit}, not a mapping (key: value pairs)",
    ),
    when("condition-any-empty", "{any: []}", 15, "`any` needs at least one condition"),
    when("condition-all-empty", "{all: []}", 15, "`all` needs at least one condition"),
    when(
        "condition-all-not-a-list",
        "{all: {therapy: cbt}}",
        15,
        "`all` should be a list (lines starting with `- `), not a mapping (key: value pairs)",
    ),
    when(
        "condition-not-of-a-list",
        "{not: [therapy, cbt]}",
        15,
        "a condition should be a mapping like {therapy: pcit}, not a list",
    ),
    when(
        "condition-unknown-question",
        "{thrapy: cbt}",
        10,
        "unknown question 'thrapy' in condition (did you mean: therapy?)",
    ),
    when(
        "condition-unknown-combinator",
        "{anny: [{therapy: cbt}]}",
        10,
        "unknown question 'anny' in condition (did you mean: any?)",
    ),
    when(
        "condition-choice-not-text",
        "{therapy: 3}",
        19,
        "therapy takes a choice id (cbt, play, pcit, dbt, family, space, tf-cbt, cprt, parent-training, cpp, fbt, "
        "unsure), not a whole number",
    ),
    when(
        "condition-choice-unknown",
        "{therapy: cbtt}",
        19,
        "'cbtt' is not a choice of therapy (did you mean: cbt, tf-cbt?)",
    ),
    case(
        "condition-choice-unknown-in-another-rule",
        "rules.yaml",
        "  when: {therapy: pcit}\n  sources: [fwv-pcit]\n",
        "  when: {therapy: pcitt}\n  sources: [fwv-pcit]\n",
        "  when: {therapy: pcitt}",
        19,
        "'pcitt' is not a choice of therapy (did you mean: pcit?)",
    ),
    when("condition-choice-list-empty", "{therapy: []}", 19, "therapy: the list of choices is empty"),
    when(
        "condition-single-choice-as-a-mapping",
        "{therapy: {includes: cbt}}",
        19,
        "therapy is a single choice: write a choice id or a list of them",
    ),
    when(
        "condition-several-answers-without-includes",
        "{concerns: anxiety}",
        20,
        "concerns allows several answers: write {includes: CHOICE} or {includes: [A, B]}",
    ),
    when(
        "condition-includes-beside-another-key",
        "{concerns: {includes: anxiety, only: true}}",
        20,
        "concerns allows several answers: write {includes: CHOICE} or {includes: [A, B]}",
    ),
    when(
        "condition-includes-empty", "{concerns: {includes: []}}", 31, "concerns: `includes` needs at least one choice"
    ),
    when(
        "condition-includes-unknown-choice",
        "{concerns: {includes: anxeity}}",
        31,
        "'anxeity' is not a choice of concerns (did you mean: anxiety?)",
    ),
    case(
        "condition-includes-unknown-choice-in-another-rule",
        "rules.yaml",
        "  when: {concerns: {includes: family-change}}\n  priority: 20",
        "  when: {concerns: {includes: family-chnge}}\n  priority: 20",
        "family-chnge",
        31,
        "'family-chnge' is not a choice of concerns (did you mean: family-change?)",
    ),
    when("condition-range-empty", "{child_age: {}}", 21, "child_age: a range needs min, max or both, as whole numbers"),
    when(
        "condition-range-min-above-max",
        "{child_age: {min: 13, max: 12}}",
        21,
        "child_age: min 13 is larger than max 12",
    ),
    when(
        "condition-range-min-not-a-number",
        "{child_age: {min: teen}}",
        27,
        "child_age min should be a whole number, not text",
    ),
    when(
        "condition-range-unknown-key",
        "{child_age: {from: 3}}",
        22,
        "unknown key 'from' in a number range: use min and max",
    ),
    # an empty list once made no condition, and the rule applied to every family
    when("condition-number-list-empty", "{child_age: []}", 21, "child_age: the list of choices is empty"),
    when(
        "condition-range-max-not-a-number",
        "{child_age: {max: old}}",
        27,
        "child_age max should be a whole number, not text",
    ),
    when(
        "condition-number-list-not-numbers",
        "{child_age: [3, teen]}",
        25,
        "child_age should be a whole number, not text",
    ),
    *(
        case(
            f"condition-on-a-later-question-inside-{where}",
            "questions.yaml",
            "  max: 17\n",
            f"  max: 17\n  when: {condition}\n",
            f"  when: {condition}",
            col,
            "question 'stage' is asked later; a question's `when` can only use the questions before it",
        )
        for where, condition, col in [
            ("all", "{all: [{stage: ongoing}]}", 17),
            ("any", "{any: [{stage: ongoing}]}", 17),
            ("not", "{not: {stage: ongoing}}", 16),
        ]
    ),
    case(
        "condition-on-a-later-question",
        "questions.yaml",
        "  max: 17\n",
        "  max: 17\n  when: {stage: ongoing}\n",
        "  when: {stage: ongoing}",
        10,
        "question 'stage' is asked later; a question's `when` can only use the questions before it",
    ),
]

# A file YAML cannot read is that one problem: nothing that depends on it is reported as well (a broken
# questions.yaml once brought 45 problems about the rules).
UNREADABLE = [
    case(
        f"{name}-unreadable",
        f"{name}.yaml",
        old,
        old.replace(": ", ": [", 1),
        at,
        col,
        "invalid YAML: while parsing a flow sequence started at line {line "
        + f"{name}.yaml: {old.replace(': ', ': [', 1).splitlines()[0]}"
        + "}, did not find expected ',' or ']'",
    )
    for name, old, at, col in [
        ("questions", "  prompt: How old is your child?\n", "  help: Their age in whole years", 7),
        ("rules", "  because: you chose CBT\n", WHEN, 7),
        ("attendance", "  label: Every session\n", "  description: You take part in every session", 14),
        ("crisis", '    emergency: "911"\n    sources:\n', "    sources:\n      [crisis-lines", 5),
    ]
]
CASES = CRISIS + RULES + BANDS + CONDITIONS + UNREADABLE
PLACE = re.compile(r"\{(?P<what>at|line) (?P<file>[^:]+): (?P<text>.+?)\}", re.S)


def reported(root: Path) -> list[str]:
    """What `validate` prints for `root`, in its order (and by message where two are in one place)."""
    built, found, _ = kb.check(root)
    assert (built is None) == bool(found)
    return [str(p) for p in sorted(found, key=lambda p: (p.path, p.line, p.col, p.message))]


def located(root: Path, e: Expect) -> tuple[str, int, int, str]:
    """Where the problem is (path, line, column) and its message, in `root`."""
    path = root / e.file
    message = PLACE.sub(lambda m: _place(root / m["file"], m["text"], m["what"] == "at"), e.message)
    return str(path), line_of(path, e.at), e.col, message


def _place(path: Path, text: str, with_path: bool) -> str:
    return f"{path}:{line_of(path, text)}" if with_path else str(line_of(path, text))


def test_every_case_has_its_own_name() -> None:
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_validate_reports_exactly_the_problems_of_each_edit(content_copy: Path, c: Case) -> None:
    for e in c.edits:
        path = content_copy / e.file
        text = path.read_text(encoding="utf-8")
        assert text.count(e.old) == 1, f"{e.file} no longer holds {e.old!r} exactly once: update the case"
        path.write_text(text.replace(e.old, e.new), encoding="utf-8")
    want = sorted(located(content_copy, e) for e in c.expected)
    assert reported(content_copy) == [f"{path}:{line}:{col}: {message}" for path, line, col, message in want]
