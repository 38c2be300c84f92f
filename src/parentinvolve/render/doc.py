"""What each screen says, as a small neutral document that every format renders the same way.

Builders here decide the words and their order once; `render/*` only decide how they look.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Union

from parentinvolve.i18n import ENGLISH, N_, _, current
from parentinvolve.model import KIND_TITLES, Entry, KnowledgeBase, Source, audience_words, line_name

MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)

if TYPE_CHECKING:  # `explain` and `topics` never load the engine
    from parentinvolve.engine import Item, Plan, Suggestion

DISCLAIMER = N_(
    "This is general information to help you talk with your child's therapist. "
    "It is not medical or legal advice, and rules differ from place to place."
)
QUESTIONS_HEADING = N_("Questions to ask the therapist")  # the HTML page puts its lined "Notes" box after it
SOURCES_HEADING = N_("Sources")

# The document's blocks are NamedTuples (cheap to define on every start-up); the renderers tell them apart by
# class, never by comparing one with another (a Para and a Bullet with the same text are equal tuples).


class Heading(NamedTuple):
    text: str
    level: int = 2
    lang: str = ""  # the language of the text when it is not the document's (an HTML page says lang="en")


class Para(NamedTuple):
    text: str
    style: str = ""  # "" | "lead" | "note"
    lang: str = ""  # as Heading.lang


class Bullet(NamedTuple):
    text: str
    note: str = ""  # shown under the item with --why
    lang: str = ""  # as Heading.lang
    contact: bool = False  # a way to reach someone (the crisis pointer): its numbers are tappable in HTML


class Bullets(NamedTuple):
    items: tuple[Bullet, ...]
    contacts: bool = False  # ways to reach someone: their numbers are tappable in HTML, like the crisis lines


class Step(NamedTuple):
    title: str
    lines: tuple[str, ...]


class Timeline(NamedTuple):
    steps: tuple[Step, ...]


class Alert(NamedTuple):
    title: str
    lines: tuple[str, ...]
    items: tuple[str, ...]


Block = Union[Heading, Para, Bullets, Timeline, Alert]


class Doc(NamedTuple):
    title: str
    blocks: tuple[Block, ...]
    running: str = ""  # a printed page's running line: the clinic's name and number (HTML's print footer)


def source_line(s: Source) -> str:
    text = s.citation or ", ".join(x for x in (s.title, s.publisher) if x)
    return f"{text} {s.url}".strip() if s.url and s.url not in text else text


def ages_words(low: int, high: int | None) -> str:
    if high is not None:
        return _("{low} to {high}").format(low=low, high=high)
    return _("{low} and older").format(low=low)


def entry_doc(kb: KnowledgeBase, entry: Entry) -> Doc:
    blocks: list[Block] = [Para(entry.summary, "lead")]
    if entry.ages is not None:
        src = kb.sources.get(entry.ages_source)
        where = (
            _(" (source: {source})").format(source=src.publisher or src.title)
            if src
            else _(" (our sources give no exact range, so this is the range this guide uses)")
        )
        blocks.append(Para(_("Typical ages: {ages}{where}.").format(ages=ages_words(*entry.ages), where=where)))
    levels = [(b.min_age, b.max_age, kb.attendance[b.attendance]) for b in entry.bands if b.attendance in kb.attendance]
    if len(levels) == 1:
        level = levels[0][2]
        blocks.append(
            Para(_("Your involvement: {level}. {description}").format(level=level.label, description=level.description))
        )
    elif levels:
        blocks.append(Para(_("Your involvement depends on your child's age:")))
        band = _("Ages {ages}: {level}. {description}")
        blocks.append(
            Bullets(
                tuple(
                    Bullet(band.format(ages=ages_words(lo, hi), level=lv.label, description=lv.description))
                    for lo, hi, lv in levels
                )
            )
        )
    for section in entry.sections:
        blocks.append(Heading(section.heading))
        blocks.append(
            Bullets(tuple(Bullet(t) for t in section.text)) if len(section.text) > 1 else Para(section.text[0])
        )
    names, english = ", ".join(entry.aliases), ", ".join(entry.aliases_en)
    if names and english:  # a translation's own names, then the English ones, said to be English
        blocks.append(
            Para(_("Also known as: {names}; in English: {english}.").format(names=names, english=english), "note")
        )
    elif english:
        blocks.append(Para(_("Also known as (in English): {english}.").format(english=english), "note"))
    elif names:
        blocks.append(Para(_("Also known as: {names}.").format(names=names), "note"))
    if entry.reviewed:
        blocks.append(Para(_("Last reviewed: {date}.").format(date=day_words(entry.reviewed)), "note"))
    blocks += _sources(kb, entry.sources)
    blocks.append(Para(_(DISCLAIMER), "note"))
    return Doc(entry.name, tuple(blocks))


def topics_doc(kb: KnowledgeBase) -> Doc:
    blocks: list[Block] = []
    for kind, title in KIND_TITLES.items():
        entries = kb.entries_of(kind)
        if entries:
            blocks.append(Heading(_(title)))
            blocks.append(Bullets(tuple(Bullet(f"{e.id} — {e.summary}") for e in entries)))
    blocks.append(
        Para(_('Read one with: parentinvolve explain TOPIC (an id above, or a name such as "play therapy").'), "note")
    )
    return Doc(_("What parentinvolve can explain"), tuple(blocks))


def _sources(kb: KnowledgeBase, ids: tuple[str, ...]) -> list[Block]:
    found = [kb.sources[i] for i in ids if i in kb.sources]
    lang = "" if current() == ENGLISH else ENGLISH  # sources are cited as published, in English
    return [Heading(_("Sources")), Bullets(tuple(Bullet(source_line(s), "", lang) for s in found))] if found else []


def _bullets(items: tuple[Item, ...], why: bool) -> Bullets:
    return Bullets(tuple(Bullet(i.text, _why_note(i) if why else "") for i in items))


def _why_note(item: Item) -> str:
    why = _("Why: rule {rule}").format(rule=item.rule)
    return why + (f" ({item.because})" if item.because else "")


def safety_alert(p: Plan) -> Alert | None:
    """The crisis block that opens a plan when it may be needed (also shown on screen when the plan goes to a file)."""
    if p.safety is None:
        return None
    s = p.safety
    listed = any(s.emergency in line.contact for line in s.lines)  # say the number once, not twice
    return Alert(
        _("Safety first — crisis lines ({region})").format(region=s.region_name),
        (s.message,) if listed else (s.message, _("Emergency number: {number}.").format(number=s.emergency)),
        tuple(f"{line_name(line)}: {line.contact}{audience_words(line.audience)}" for line in s.lines)
        + s.warning_signs
        + s.safety_plan,
    )


def footer_alert(p: Plan) -> Alert | None:
    """The crisis lines again, short, at the end of a plan that starts with them."""
    from parentinvolve.render.summary import crisis_footer

    footer = crisis_footer(p)
    return Alert(footer[0], (), footer[1]) if footer is not None else None


def plan_doc(kb: KnowledgeBase, p: Plan, *, why: bool = False) -> Doc:
    blocks: list[Block] = []
    alert = safety_alert(p)
    if alert is not None:
        blocks.append(alert)
    from parentinvolve.render.summary import for_whom, in_short, moment_line

    blocks.append(Para(for_whom(kb, p), "note"))
    pointer = bool(p.crisis_pointer) or p.safety is not None  # "In short" then starts with the crisis pointer
    short = in_short(p, kb)
    blocks += [
        Heading(_("In short")),
        Bullets(tuple(Bullet(t, contact=pointer and n == 0) for n, t in enumerate(short))),
    ]
    blocks += clinic_section(kb, why)  # right after "In short"
    blocks += _glance(p, why)
    blocks.append(Heading(_("Your part, moment by moment")))
    blocks.append(Timeline(tuple(Step(m.title, (moment_line(kb, m.id, p) or m.summary,)) for m in p.moments)))
    for m in p.moments:
        blocks.append(Heading(m.title, 3))
        blocks.append(_bullets(m.items, why) if m.items else Para(m.summary))
    blocks.append(Heading(_("What stays private")))
    blocks.append(_bullets(p.confidentiality, why))
    if p.prepare:
        blocks.append(Heading(_("Before the first appointment")))
        blocks.append(_bullets(p.prepare, why))
    blocks.append(Heading(_(QUESTIONS_HEADING)))
    blocks.append(_bullets(p.asks, why))
    blocks.append(Heading(_("Why your part matters")))
    blocks.append(_bullets(p.why, why))
    blocks.append(Heading(_(SOURCES_HEADING)))
    lang = "" if current() == ENGLISH else ENGLISH  # sources are cited as published, in English
    blocks.append(Bullets(tuple(Bullet(source_line(s), "", lang) for s in p.sources)))
    if why:
        blocks.append(Para(_("Rules used: {rules}.").format(rules=", ".join(p.trace)), "note"))
        if p.overruled:
            by = _("{rule} (by {by})")
            overruled = "; ".join(by.format(rule=o.rule, by=o.by) for o in p.overruled)
            blocks.append(Para(_("Overruled: {rules}.").format(rules=overruled), "note"))
    footer = footer_alert(p)
    if footer is not None:  # after a long plan, the crisis lines are among the last things on the screen
        blocks.append(footer)
    blocks.append(Para(_(DISCLAIMER), "note"))
    title = _("Your part in your child's therapy")
    return Doc(f"{title} — {kb.clinic.name}" if kb.clinic else title, tuple(blocks), running(kb))


def running(kb: KnowledgeBase) -> str:
    """The clinic's name and the number parents call (its first contact that is not an email address)."""
    c = kb.clinic
    if c is None:
        return ""
    number = next((x.contact for x in c.contacts if "@" not in x.contact), "")
    return f"{c.name} · {number}" if number else c.name


def _glance(p: Plan, why: bool) -> list[Block]:
    from parentinvolve.engine import Item

    blocks: list[Block] = [Heading(_("At a glance"))]
    level = _("How involved you will be: {level}. {description}").format(
        level=p.attendance.label, description=p.attendance.description
    )
    # (the crisis pointer, when there is one, leads "In short": said once)
    blocks.append(
        Bullets((Bullet(level, _why_note(Item("", p.attendance_rule, p.attendance_because)) if why else ""),))
    )
    if p.therapy is not None:
        blocks.append(Para(f"{p.therapy.name}: {p.therapy.summary}", "lead"))
        if p.therapy.age_note:
            blocks.append(Para(p.therapy.age_note, "note"))
        blocks.append(Bullets(tuple(Bullet(t) for t in p.therapy.role)))
        if p.therapy.length:
            blocks.append(Heading(_("How long it lasts and how it ends"), 3))
            blocks.append(Bullets(tuple(Bullet(t) for t in p.therapy.length)))
        return blocks
    concerns = p.answers.get("concerns", ())
    described = isinstance(concerns, tuple) and any(c != "other" for c in concerns)
    if p.suggested:
        lead = (
            _("You are not sure yet which therapy your child will have. These are often used for what you described:")
            if described
            else _("You are not sure yet which therapy your child will have. These may fit your child's age:")
        )
        blocks.append(Para(lead))
        blocks.append(
            Bullets(
                tuple(
                    Bullet(_suggestion_line(s), _why_note(Item("", s.rule, s.because)) if why else "")
                    for s in p.suggested
                )
            )
        )
    else:
        blocks.append(Para(_("You are not sure yet which therapy your child will have.")))
    return blocks


def clinic_section(kb: KnowledgeBase, why: bool) -> list[Block]:
    """The "From <clinic>" section: the welcome, how to reach the clinic, and its policies (nothing without a
    clinic's layer). With `why`, each policy says where in the clinic's folder it comes from."""
    c = kb.clinic
    if c is None:
        return []
    origin = {ch.id: ch.where for ch in c.changes if ch.what == "policy"}
    english = set(c.english)  # the parts the clinic has not translated into this language: marked so (HTML lang)

    def lang(part: str) -> str:
        return ENGLISH if part in english else ""

    blocks: list[Block] = [Heading(_("From {clinic}").format(clinic=c.name))]
    blocks += [Para(text, "", lang("welcome")) for text in c.welcome]
    reach = [Bullet(f"{line_name(line)}: {line.contact}", "", lang("contacts")) for line in c.contacts]
    if c.after_hours:
        reach.append(Bullet(f"{line_name(c.after_hours)}: {c.after_hours.contact}", "", lang("after_hours")))
    where = [
        Bullet(f"{what}: {value}") for what, value in ((_("Website"), c.website), (_("Address"), c.address)) if value
    ]
    if reach:  # (numbers tappable in HTML; an address's house number is not a phone number)
        blocks.append(Bullets(tuple(reach), contacts=True))
    if where:
        blocks.append(Bullets(tuple(where)))
    for pid in c.policies:
        policy = kb.entry(pid)
        if policy is None:
            continue
        in_english = lang(f"policy:{pid}")
        blocks.append(Heading(policy.name, 3, in_english))
        note = _("From the clinic's layer, {where}").format(where=origin[pid]) if why and pid in origin else ""
        text = policy.section("policy")
        if len(text) == 1 and not note:
            blocks.append(Para(text[0], "", in_english))
        else:
            blocks.append(Bullets(tuple(Bullet(t, note if n == 0 else "", in_english) for n, t in enumerate(text))))
    if why:
        blocks.append(
            Para(
                _("From the clinic's layer in {folder}: see `parentinvolve clinic show`.").format(folder=c.folder),
                "note",
            )
        )
    return blocks


def _suggestion_line(s: Suggestion) -> str:
    part = _(" Your part: {level}.").format(level=s.attendance.label.lower()) if s.attendance else ""
    ages = (
        _(" Usually for ages {ages}.").format(ages=ages_words(*s.typical_ages))
        if s.typical_ages and s.ages_sourced
        else ""
    )
    return f"{s.name} — {s.summary}{ages}{part}"


def day_words(iso: str) -> str:
    """A YYYY-MM-DD date as English shows it (as written), or in words in another language ("30 de noviembre de
    2026": an ISO date reads as a code in Spanish prose). Anything else is returned as it is."""
    if current() == ENGLISH:
        return iso
    parts = iso.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        return iso
    year, month, day = (int(p) for p in parts)
    return _("{day} {month} {year}").format(day=day, month=_(MONTHS[month - 1]), year=year)
