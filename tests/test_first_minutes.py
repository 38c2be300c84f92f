"""The first minutes at the prompts (issue 22): crisis help as soon as self-harm is ticked, and again if the
parent stops; a wrong answer cleared when its question is put again."""

from __future__ import annotations

import io
import re

import pytest

from conftest import RunCli
from parentinvolve.cli import prompts
from parentinvolve.cli.numbered import wrap
from parentinvolve.errors import Interrupted
from parentinvolve.kb import load as load_kb
from parentinvolve.model import KnowledgeBase
from test_prompts import AGE, ASKING, BACK, CONCERNS, CTRL_C, DOWN, ENTER, REGION, REVIEW, SPACE, STAGE, THERAPY, drive

SELF_HARM = DOWN * 3 + SPACE  # behaviour, anxiety, depression, self-harm


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_kb()


def _before_country(kb: KnowledgeBase) -> str:
    return kb.crisis.message + " You will get your country's crisis lines at the end."


def _uk_line(kb: KnowledgeBase) -> str:
    uk = kb.crisis.region("uk")
    assert uk is not None
    main = uk.main_line()
    assert main is not None
    return f"contact {main.name}: {main.contact}. In an emergency, call {uk.emergency}."


def test_crisis_help_shows_as_soon_as_self_harm_is_ticked(knowledge: KnowledgeBase) -> None:
    """Before the therapy question: the emergency advice; once the country is known, its main line."""
    steps = [
        (ASKING + AGE, "15" + ENTER),
        (ASKING + CONCERNS, SELF_HARM + ENTER),
        (ASKING + THERAPY, ENTER),
        (ASKING + STAGE, ENTER),
        (ASKING + REGION, DOWN + ENTER),
        (ASKING + REVIEW, ENTER),
    ]
    answers, seen = drive(lambda: prompts.interview(knowledge), steps)
    assert answers["region"] == "uk"
    early = " ".join(_before_country(knowledge).split())
    assert seen.index(early) < seen.index(ASKING + THERAPY)  # shown before the next question
    assert seen.index(_uk_line(knowledge)) < seen.index(ASKING + REVIEW)  # the country's line, before the review


def _stopped_interview(kb: KnowledgeBase) -> object:
    with prompts.help_if_stopped():  # as on_terminal wraps the interview
        return prompts.interview(kb)


def test_crisis_help_is_said_again_on_ctrl_c(knowledge: KnowledgeBase) -> None:
    steps = [(ASKING + AGE, "15" + ENTER), (ASKING + CONCERNS, SELF_HARM + ENTER), (ASKING + THERAPY, CTRL_C)]
    with pytest.raises(Interrupted) as info:
        drive(lambda: _stopped_interview(knowledge), steps)
    assert info.value.exit_code == 130
    assert info.value.lines() == ["stopped. Nothing was saved.", _before_country(knowledge)]


def test_no_crisis_help_without_self_harm_and_none_on_ctrl_c(knowledge: KnowledgeBase) -> None:
    steps = [(ASKING + AGE, "9" + ENTER), (ASKING + CONCERNS, DOWN + SPACE + ENTER), (ASKING + THERAPY, CTRL_C)]
    with pytest.raises(Interrupted) as info:
        drive(lambda: _stopped_interview(knowledge), steps)
    assert info.value.lines() == ["stopped. Nothing was saved."]


def test_numbered_questions_show_crisis_help_too(knowledge: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """TERM=dumb: the same help, as plain lines, as soon as self-harm is typed; the country's line later."""
    concerns = knowledge.question("concerns")
    therapies = len(knowledge.question("therapy").choices)  # the last: not sure yet
    typed = ["15", str(concerns.choice_ids().index("self-harm") + 1), str(therapies), "", "2", ""]
    shown = io.StringIO()
    term = prompts.PlainTerminal(io.StringIO("\n".join(typed) + "\n"), shown)
    answers = term.review(knowledge, prompts.fill(knowledge, {}, term.ask_one, term.tell))
    assert answers["region"] == "uk"
    out = " ".join(shown.getvalue().split())
    assert out.index(" ".join(_before_country(knowledge).split())) < out.index("What kind of therapy")
    assert out.index(_uk_line(knowledge)) < out.index("Your answers:")


def test_a_wrong_age_is_explained_and_the_question_is_asked_again_empty(knowledge: KnowledgeBase) -> None:
    """ "nine" is refused with its reason, and the field comes back empty, so typing 9 gives 9, not "nine9"."""
    steps = [(ASKING + AGE, "nine" + ENTER), ('"nine" is not a whole number', "9" + ENTER)]
    answer, seen = drive(lambda: prompts.ask_one(knowledge.question("child_age")), steps)
    assert answer == 9
    assert seen.rstrip().endswith(f"{AGE} 9")  # the question put again holds only what was typed since


def test_backspace_still_edits_a_kept_answer(knowledge: KnowledgeBase) -> None:
    """In the review, a valid earlier answer is offered for editing; only a refused one is cleared."""
    answer, _ = drive(
        lambda: prompts.ask_one(knowledge.question("child_age"), 12), [(ASKING + AGE, BACK + "3" + ENTER)]
    )
    assert answer == 13


@pytest.mark.parametrize(("lines", "whole"), [("20", False), ("40", True)])
def test_the_therapy_menu_fits_a_small_screen(
    knowledge: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, lines: str, whole: bool
) -> None:
    """At 60x20 each choice is shown up to its dash, so the menu, "Not sure yet" and the hint pointing to it fit
    on the screen; on a taller one, the labels are whole."""
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("LINES", lines)
    therapy = knowledge.question("therapy")
    answer, seen = drive(lambda: prompts.ask_one(therapy), [(ASKING + THERAPY, ENTER)])
    assert answer == therapy.choice_ids()[0]
    full = therapy.choices[0].label
    menu_text = seen[: seen.index(therapy.label("unsure"))]  # the menu, before the answer's summary line
    assert (" ".join(full.split()) in menu_text) == whole
    assert full.split(" — ")[0] in seen and therapy.label("unsure") in seen and therapy.help in seen
    if not whole:
        menu = 2 + len(therapy.choices) + len(wrap(therapy.help, "  ", "  ").splitlines())
        assert menu <= 20 - 2  # the question, its hint and every choice at once


def test_plain_text_explain_and_topics_are_words_only(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    for args in (["explain", "pcit", "--plain-text"], ["topics", "--plain-text"], ["ask", "--help"]):
        r = run_cli(*args)
        assert r.exit_code == 0, r.stderr
        if args[-1] == "--help":
            assert "--plain-text" in r.stdout and "screen readers" in r.stdout
            continue
        assert not re.search(r"^(=+|-+|·+|!+)$", r.stdout, re.M)
        assert not re.search(r"^- ", r.stdout, re.M)
        assert re.search(r"^\w.*:$", r.stdout, re.M)  # headings as words, ending in a colon
    r = run_cli("explain", "pcit", env={"PARENTINVOLVE_PLAIN_TEXT": "1"})
    assert not re.search(r"^=+$", r.stdout, re.M)


def test_less_is_told_how_to_say_quit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt's words are escaped for less (`.`, `:`, `?`, `%` are its own); a LESS prompt of the user's is
    kept; another pager is left as it is."""
    from parentinvolve.cli import output

    monkeypatch.delenv("LESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.delenv("PAGER", raising=False)
    command = output._pager_command()
    assert command is not None and command[:2] == ["less", "-R"]
    assert command[2] == r"-Ps?eEnd of the plan\. q to quit:Space for more, b to go back, q to quit."
    monkeypatch.setenv("LESS", "-R -Psmine")
    assert output._pager_command() == ["less", "-R"]
    monkeypatch.setenv("PAGER", "more")
    assert output._pager_command() == ["more"]


def test_the_spanish_therapy_menu_fits_a_small_screen_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spanish labels are longer: up to the dash is not enough at 60x20, so brackets keep only their first part
    ("(CBT, por sus siglas en inglés)" becomes "(CBT)"); the last choice and its hint still fit."""
    from parentinvolve import i18n

    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("LINES", "20")
    i18n.activate("es")
    try:
        therapy = load_kb(lang="es").question("therapy")
        _, seen = drive(lambda: prompts.ask_one(therapy), [("Todavía no lo sé", ENTER)])
    finally:
        i18n.activate("en")
    assert "Terapia cognitivo-conductual (CBT)" in seen and "por sus siglas" not in seen.split("Todavía")[0]
    assert " ".join(therapy.help.split()) in seen


def test_numbered_questions_fit_a_small_screen_too(knowledge: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --plain-text or TERM=dumb at 60x20, the numbered therapy list is shortened the same way, so its hint,
    every number and "Not sure yet" are on one screen."""
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("LINES", "20")
    therapy = knowledge.question("therapy")
    shown = io.StringIO()
    term = prompts.PlainTerminal(io.StringIO(f"{len(therapy.choices)}\n"), shown)
    assert term.ask_one(therapy) == "unsure"
    lines = shown.getvalue().splitlines()
    asked = lines[: next(n for n, line in enumerate(lines) if line.startswith("Type a number")) + 1]
    assert len(asked) <= 20 - 2 and any(therapy.help in line for line in asked)
    assert asked[-2].endswith(f"{len(therapy.choices)}. {therapy.label('unsure')}")
