"""The typed, immutable model of the knowledge base in `content/`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from parentinvolve.conditions import Condition
from parentinvolve.i18n import N_, _

THERAPY, MOMENT, TOPIC = "therapy", "moment", "topic"
# Headings (marked for the catalog: translate them with `i18n._` where they are shown).
KIND_TITLES = {THERAPY: N_("Therapies"), MOMENT: N_("Moments of involvement"), TOPIC: N_("Other topics")}
POLICY = "policy"  # a clinic's own policy (clinic.yaml): `explain ID` finds it like any entry
KIND_TITLES[POLICY] = N_("Your clinic's policies")  # listed last, and only when a clinic's layer is on
UNSURE = "unsure"
DEPENDS = "depends"
# Not a question: the parent's attendance level for this family (the chosen therapy's band for the child's
# age, or DEPENDS), which the engine adds to the answers so a rule's `when` can fit what the plan says of it.
ATTENDANCE = "attendance"  # the attendance level of a plan whose therapy is not known yet
CRISIS = "crisis"  # the built-in topic made from crisis.yaml (`explain crisis`)
AUDIENCES = ("young-people", "parents", "anyone")
AUDIENCE_WORDS = {
    "young-people": N_(" — for young people"),
    "parents": N_(" — for parents"),
    "anyone": "",
}  # after a line


def audience_words(audience: str) -> str:
    """What follows a crisis line to say who it is for (" — for parents"), in the current language."""
    words = AUDIENCE_WORDS.get(audience, "")
    return _(words) if words else ""


# The records are NamedTuples, not frozen dataclasses: as immutable and typed, but Python 3.11 spends about
# 1.4 ms defining each frozen dataclass (it compiles six methods from source on every start), which for the
# fourteen records below was a tenth of `explain`'s start-up. The conditions stay dataclasses: they must not compare equal
# across kinds (see conditions.py). Change a record with `record._replace(field=value)`.


def lookup_key(text: str) -> str:
    """How names are compared: case-insensitive, hyphens, underscores and spaces alike."""
    return re.sub(r"[\s_\-‐‑–—/]+", " ", text.casefold()).strip()


class Source(NamedTuple):
    id: str
    title: str
    publisher: str = ""
    citation: str = ""
    url: str = ""
    note: str = ""
    # The countries (region choices) whose law, public services or national guidance it speaks of; empty for
    # research and advice that hold anywhere. A plan cites it only for a family in one of them (issue 19).
    regions: tuple[str, ...] = ()

    def fits(self, region: str) -> bool:
        """Whether a plan for a family in `region` may cite it."""
        return not self.regions or region in self.regions


class Band(NamedTuple):
    """One band of a therapy's attendance: the ages it holds, the parent's attendance level there, and what the plan
    says of the weekly sessions at those ages."""

    min_age: int
    max_age: int | None  # None: and older (a band with no `max`)
    attendance: str  # an attendance level's id
    weekly: tuple[str, ...]

    def holds(self, age: int) -> bool:
        return self.min_age <= age and (self.max_age is None or age <= self.max_age)


class Section(NamedTuple):
    key: str
    heading: str
    text: tuple[str, ...]


class Entry(NamedTuple):
    """Anything `explain` can show: a therapy type, a moment of involvement or a topic."""

    kind: str
    id: str
    name: str
    summary: str
    sections: tuple[Section, ...]
    sources: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()  # in a translated knowledge base: the English aliases (`aliases`: its own)
    reviewed: str = ""  # YYYY-MM-DD, when the text was last checked against its sources
    # Therapies only: the typical ages (lowest, highest), the source they come from, and the parent's
    # attendance by age band, covering every age the age question allows (kb/ checks that).
    ages: tuple[int, int] | None = None
    ages_source: str = ""
    bands: tuple[Band, ...] = ()

    def section(self, key: str) -> tuple[str, ...]:
        for s in self.sections:
            if s.key == key:
                return s.text
        return ()

    def band(self, age: int) -> Band | None:
        """The attendance band for a child of `age` (the first band that holds it)."""
        return next((b for b in self.bands if b.holds(age)), None)

    def fits(self, age: int) -> bool:
        """Whether `age` is within the typical ages (a therapy without declared ages fits every age)."""
        return self.ages is None or self.ages[0] <= age <= self.ages[1]


class Choice(NamedTuple):
    id: str
    label: str


class Question(NamedTuple):
    id: str
    kind: str  # integer | select | multi
    prompt: str
    help: str
    choices: tuple[Choice, ...] = ()
    min: int | None = None
    max: int | None = None
    default: str | None = None
    when: Condition | None = None

    def choice_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)

    def label(self, choice_id: str) -> str:
        return next((c.label for c in self.choices if c.id == choice_id), choice_id)

    def words(self, value: object) -> str:
        """An answer as the parent would say it: the choices' labels (a label may hold a comma, so several
        are joined with semicolons), or the number."""
        if isinstance(value, tuple):
            return "; ".join(self.label(v) for v in value)
        return self.label(value) if isinstance(value, str) else str(value)


class Attendance(NamedTuple):
    id: str
    label: str
    description: str
    # Rules whose words cannot be true for a family at this level ("what they keep between themselves and
    # your child" when you are in every session): `validate` proves no family gets both (kb/exclusive.py).
    excludes: tuple[str, ...] = ()


class Ask(NamedTuple):
    id: str
    text: str
    sources: tuple[str, ...]
    locked: bool = False  # in the locked safety set (`locked: true` in the shipped asks.yaml): always kept, first


class Line(NamedTuple):
    name: str
    contact: str
    audience: str = "anyone"  # young-people | parents | anyone
    main: bool = False  # the region's main line, named in the one-line crisis pointer
    # A clinic's own line (its layer's crisis.yaml, or its after-hours line): the clinic's name, shown as a label
    # (`line_name`); "" for a shipped line. A clinic's lines come after the shipped ones and are never translated.
    clinic: str = ""
    after_hours: bool = False
    main_in: tuple[str, ...] = ()  # languages whose crisis pointer names this line instead (988's Spanish line)


# How a clinic's own crisis line is labelled, so it can never pass for a shipped service.
CLINIC_LINE = N_("{clinic} — {name}")
AFTER_HOURS_LINE = N_("{clinic} after hours — {name}")


def line_name(line: Line, gettext: Callable[[str], str] = _) -> str:
    """A crisis line's name as shown: a clinic's own line carries the clinic's name (in the current language)."""
    if not line.clinic:
        return line.name
    return gettext(AFTER_HOURS_LINE if line.after_hours else CLINIC_LINE).format(clinic=line.clinic, name=line.name)


class Region(NamedTuple):
    id: str
    name: str
    emergency: str
    lines: tuple[Line, ...]
    steps: tuple[str, ...] = ()  # safety steps for this region, before the common ones
    sources: tuple[str, ...] = ()  # the sources of this region's lines and steps

    def main_line(self, lang: str = "") -> Line | None:
        """The line the crisis pointer names: the one marked for this language (`main_in`), else the `main` one."""
        for line in self.lines:
            if lang in line.main_in:
                return line
        return next((line for line in self.lines if line.main), None)


class Crisis(NamedTuple):
    message: str
    safety_plan: tuple[str, ...]
    sources: tuple[str, ...]
    regions: tuple[Region, ...]
    reviewed: str = ""
    # The warning signs of suicide, and what to do about each kind: shown in every self-harm plan's crisis block.
    warning_signs: tuple[str, ...] = ()
    # One sentence added to the crisis pointer of a plan where low mood is a worry: which signs mean "use it now".
    pointer_signs: str = ""
    pointer_sources: tuple[str, ...] = ()  # the sources of `pointer_signs`

    def region(self, region_id: str) -> Region | None:
        return next((r for r in self.regions if r.id == region_id), None)


class Item(NamedTuple):
    """One thing the plan says, with the rule that said it and that rule's reason (`because`)."""

    text: str
    rule: str
    because: str = ""


# Where a rule's words go in a plan: a moment's id, or one of these (not ids: an id has no "#").
CONFIDENTIALITY, PREPARE, WHY = "#confidentiality", "#prepare", "#why"


class Rule(NamedTuple):
    id: str
    sources: tuple[str, ...]
    because: str = ""
    when: Condition | None = None
    priority: int = 0
    group: str = ""
    suggest: tuple[str, ...] = ()
    moments: tuple[tuple[str, tuple[str, ...]], ...] = ()
    confidentiality: tuple[str, ...] = ()
    prepare: tuple[str, ...] = ()
    ask: tuple[str, ...] = ()
    why: tuple[str, ...] = ()
    order: int = 0
    specificity: int = 0
    # Rules that say something this one contradicts: `validate` proves no family gets both (kb/exclusive.py).
    excludes: tuple[str, ...] = ()
    locked: bool = False  # in the locked safety set (`locked: true` in the shipped rules.yaml): speaks first
    # Made by kb/said.py from the fields above, never written in YAML: everything the rule says, in order, as
    # the plan's items; where each goes (a moment's id, CONFIDENTIALITY, PREPARE or WHY); and whether another
    # rule says the same text in the same place (only those need checking for repeats in a plan).
    said: tuple[Item, ...] = ()
    said_in: tuple[str, ...] = ()
    said_again: tuple[bool, ...] = ()

    @property
    def rank(self) -> tuple[bool, int, int, int]:
        """Higher wins: a locked rule (the safety set) over any other, then priority, then specificity, then
        the earlier rule."""
        return (self.locked, self.priority, self.specificity, -self.order)


class KnowledgeBase(NamedTuple):
    """The validated content. Promise kept by both ways of making one (kb.build and the cache's decoder):
    rules with equal conditions share one condition object, so the engine can check each once per plan."""

    root: str
    sources: Mapping[str, Source]
    questions: tuple[Question, ...]
    attendance: Mapping[str, Attendance]
    entries: tuple[Entry, ...]
    asks: Mapping[str, Ask]
    crisis: Crisis
    rules: tuple[Rule, ...]
    names: Mapping[str, str] = MappingProxyType({})  # lookup_key(id|name|alias) -> entry id
    clinic: Clinic | None = None  # a clinic's layer, when one is on (--clinic)

    def entry(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def entries_of(self, kind: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.kind == kind)

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def find(self, text: str) -> Entry | None:
        entry_id = self.names.get(lookup_key(text))
        return self.entry(entry_id) if entry_id else None


class Change(NamedTuple):
    """One thing a clinic's layer does to the content, and where it says so (`clinic show`, `--why`)."""

    what: str  # added | changed | removed | disabled | line | policy | stale
    file: str  # the content file it concerns: therapies, rules, crisis, clinic, ...
    id: str
    field: str  # the field changed or removed ("" for a whole entry)
    where: str  # path:line in the clinic's folder


class Clinic(NamedTuple):
    """A clinic's own layer (clinic.yaml): shown in every plan; its policies are entries of kind POLICY."""

    name: str
    folder: str
    website: str = ""
    address: str = ""
    contacts: tuple[Line, ...] = ()
    after_hours: Line | None = None
    welcome: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()  # ids of the POLICY entries, in order
    disabled: tuple[str, ...] = ()
    reviewed: str = ""
    changes: tuple[Change, ...] = ()
    english: tuple[str, ...] = ()  # in a translated plan, the parts still in English (kb/translations/clinic.py)
