"""The questionnaire in-process: prompt_toolkit pipe input for the keys, a recording output for the screen.

Each test presses keys only once the prompt they answer is on the screen, like a person would, and checks
what the parent sees and the answers that come back.

The shipped `region` question is asked of everyone (the rules on consent and records differ by place). The
`when` skip logic is tested on a copy of the content where `region` is asked only for self-harm.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import prompt_toolkit.application.application
import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.key_binding.defaults import load_key_bindings
from prompt_toolkit.output import DummyOutput

from conftest import CONTENT, edit
from parentinvolve.cli import prompts
from parentinvolve.conditions import AnswerValue
from parentinvolve.engine import plan
from parentinvolve.errors import Interrupted
from parentinvolve.kb import load as load_kb
from parentinvolve.model import KnowledgeBase

DOWN, ENTER, SPACE, BACK = "\x1b[B", "\r", " ", "\x7f"
CTRL_C, CTRL_D = "\x03", "\x04"

AGE = "How old is your child?"
CONCERNS = "What are you most worried about?"
THERAPY = "What kind of therapy is your child having"
STAGE = "How far along are you?"
REGION = "Which country do you live in?"
ASKING = "? "  # questionary's mark before a question being asked
REGION_HELP = "We use this for crisis lines"
REVIEW = "Is this right?"


class Screen(DummyOutput):
    """A tiny terminal: an output that keeps a grid of characters (colours dropped), and a log of every row
    each time it changed, so text that was shown and later replaced (a validation message) is still seen."""

    def __init__(self) -> None:
        self.rows: dict[int, list[str]] = {}
        self.x = self.y = 0
        self.shown: dict[int, str] = {}
        self.log: list[str] = []
        self.changed = threading.Event()  # set at each redraw that shows something new

    def write(self, data: str) -> None:
        for char in data:
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self.y += 1
            else:
                row = self.rows.setdefault(self.y, [])
                row.extend(" " * (self.x + 1 - len(row)))
                row[self.x] = char
                self.x += 1

    def cursor_forward(self, amount: int) -> None:
        self.x += amount

    def cursor_backward(self, amount: int) -> None:
        self.x = max(0, self.x - amount)

    def cursor_up(self, amount: int) -> None:
        self.y = max(0, self.y - amount)

    def cursor_down(self, amount: int) -> None:
        self.y += amount

    def erase_end_of_line(self) -> None:
        del self.rows.setdefault(self.y, [])[self.x :]

    def erase_down(self) -> None:
        self.erase_end_of_line()
        for y in [y for y in self.rows if y > self.y]:
            del self.rows[y]

    def flush(self) -> None:
        for y in sorted(self.rows):
            line = "".join(self.rows[y]).rstrip()
            if line and self.shown.get(y) != line:
                self.shown[y] = line
                self.log.append(line)
                self.changed.set()

    def get_size(self) -> Size:
        return Size(rows=50, columns=200)

    def seen(self) -> str:
        """Everything shown up to the last flush (the end of a redraw), white space runs as one space."""
        return " ".join(" ".join(self.log).split())

    def text(self) -> str:
        """Everything shown so far."""
        self.flush()
        return self.seen()


Step = tuple[str, str]  # (text to wait for on the screen, keys to press then)


def drive(fn: Callable[[], Any], steps: list[Step], timeout: float = 10.0) -> tuple[Any, str]:
    """Run `fn` with a pipe for a keyboard; its result and the text shown. Each step waits for its text to
    appear (after the previous step's) before pressing its keys. After the last step `fn` must end within
    `timeout`: a run still asking then, or a step whose text never came, unplugs the keyboard and fails."""
    screen = Screen()
    problems: list[str] = []
    done = threading.Event()

    def feed(keyboard: PipeInput) -> None:
        position = 0
        for wanted, keys in steps:
            deadline = time.monotonic() + timeout
            while True:
                screen.changed.clear()  # before looking: a redraw from now on wakes the wait below
                if (found := screen.seen().find(wanted, position)) >= 0:
                    break
                if done.is_set() or time.monotonic() > deadline:
                    problems.append(f"never saw {wanted!r} on the screen")
                    keyboard.close()
                    return
                screen.changed.wait(0.05)
            position = found + len(wanted)
            keyboard.send_text(keys)
        if not done.wait(timeout):
            problems.append("still asking after the last key was pressed")
            keyboard.close()

    with create_pipe_input() as keyboard, create_app_session(input=keyboard, output=screen):
        feeder = threading.Thread(target=feed, args=(keyboard,), daemon=True)
        feeder.start()
        try:
            result = fn()
        except KeyboardInterrupt as exc:  # would stop pytest itself: make it an ordinary failure
            raise AssertionError("Ctrl-C escaped as KeyboardInterrupt instead of Interrupted") from exc
        finally:
            done.set()
            feeder.join(timeout + 1)
            assert not problems, problems  # a step that never came, or a run that never ended
    return result, screen.text()


# prompt_toolkit builds its default key bindings (about 600 of them, emacs and vi) for every question, which
# was a third of this file's time. They keep no state of their own (it lives in the running application), so
# here every question shares one set.
_shared_bindings = functools.cache(load_key_bindings)


@pytest.fixture(autouse=True)
def _bindings_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prompt_toolkit.application.application, "load_key_bindings", _shared_bindings)


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    """The shipped content: `region` is asked of every family."""
    return load_kb()


CONDITIONAL_REGION = "  default: us\n  when: {concerns: {includes: self-harm}}\n"


@pytest.fixture(scope="module")
def conditional(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """A copy of the content whose `region` question has a `when`: asked only when self-harm is a concern."""
    folder = Path(shutil.copytree(CONTENT, tmp_path_factory.mktemp("conditional") / "content"))
    questions = folder / "questions.yaml"
    edit(questions, "  default: us\n", CONDITIONAL_REGION)
    assert questions.read_text(encoding="utf-8").endswith(CONDITIONAL_REGION)  # the edit is on `region`
    kb = load_kb(folder)
    assert kb.question("region").when is not None
    return kb


def interview(kb: KnowledgeBase) -> Callable[[], Any]:
    return lambda: prompts.interview(kb)


def first_pass(age: str = "7", concerns: str = SPACE, region: str | None = ENTER) -> list[Step]:
    """Age, concerns (`concerns` keys on the checkbox), CBT, just starting, then the `region` keys (the
    default, United States, unless told), or no region step when `region` is None (it is not asked)."""
    steps = [
        (ASKING + AGE, age + ENTER),
        (ASKING + CONCERNS, concerns + ENTER),
        (ASKING + THERAPY, ENTER),
        (ASKING + STAGE, ENTER),
    ]
    return steps if region is None else [*steps, (ASKING + REGION, region)]


# --- the shipped questions: region is asked of everyone -------------------------------------------


def test_region_is_asked_without_self_harm_and_changes_the_plan(knowledge: KnowledgeBase) -> None:
    assert knowledge.question("region").when is None
    answers, seen = drive(interview(knowledge), [*first_pass(region=DOWN + ENTER), (ASKING + REVIEW, ENTER)])
    assert answers == {
        "child_age": 7,
        "concerns": ("behavior",),
        "therapy": "cbt",
        "stage": "starting",
        "region": "uk",
    }
    assert REGION_HELP in seen
    assert f"{REGION} United Kingdom" in seen  # in the review list
    p = plan(knowledge, answers)
    assert p.safety is None  # no self-harm: no crisis lines, but the local rules still apply
    consent = " ".join(i.text for m in p.moments if m.id == "consent" for i in m.items)
    assert "parental responsibility" in consent
    assert "separated-uk" in p.trace and "region-us-records" not in p.trace


def test_the_default_region_is_the_united_states(knowledge: KnowledgeBase) -> None:
    answers, seen = drive(interview(knowledge), [*first_pass(), (ASKING + REVIEW, ENTER)])
    assert answers["region"] == "us"
    assert f"{REGION} United States" in seen
    private = " ".join(i.text for i in plan(knowledge, answers).confidentiality)
    assert "HIPAA" in private


def test_every_question_shows_its_help_line(knowledge: KnowledgeBase) -> None:
    _, seen = drive(interview(knowledge), [*first_pass(), (ASKING + REVIEW, ENTER)])
    for q in knowledge.questions:
        assert " ".join(q.help.split()) in seen
    assert "Ctrl-C" in seen  # how to stop is said up front


# --- the `when` mechanism (on the copy where region is asked only for self-harm) -----------------


def test_when_skips_a_question_whose_condition_fails(conditional: KnowledgeBase) -> None:
    """`when` false (no self-harm): the question is not put, and has no answer or review line."""
    answers, seen = drive(interview(conditional), [*first_pass(region=None), (ASKING + REVIEW, ENTER)])
    assert answers == {"child_age": 7, "concerns": ("behavior",), "therapy": "cbt", "stage": "starting"}
    assert REGION not in seen
    assert REGION_HELP not in seen
    assert "Your answers:" in seen
    assert f"{AGE} 7" in seen


def test_when_asks_a_question_whose_condition_holds(conditional: KnowledgeBase) -> None:
    """`when` true (self-harm): the question is put after the ones before it, and is in the review."""
    self_harm = DOWN * 3 + SPACE  # behaviour, anxiety, depression, self-harm
    steps = [*first_pass(age="15", concerns=self_harm, region=DOWN + ENTER), (ASKING + REVIEW, ENTER)]
    answers, seen = drive(interview(conditional), steps)
    assert answers == {
        "child_age": 15,
        "concerns": ("self-harm",),
        "therapy": "cbt",
        "stage": "starting",
        "region": "uk",
    }
    assert REGION_HELP in seen
    assert f"{REGION} United Kingdom" in seen  # in the review list


# --- the review ----------------------------------------------------------------------------------


def test_changing_the_age_in_the_review(knowledge: KnowledgeBase) -> None:
    steps = [
        *first_pass(age="5"),
        (ASKING + REVIEW, DOWN + ENTER),  # "Change: How old is your child?"
        (ASKING + AGE, BACK + "9" + ENTER),  # the old answer is there to edit
        (ASKING + REVIEW, ENTER),  # "Show my plan"
    ]
    answers, seen = drive(interview(knowledge), steps)
    assert answers == {
        "child_age": 9,
        "concerns": ("behavior",),
        "therapy": "cbt",
        "stage": "starting",
        "region": "us",
    }
    before, after = seen.split("Change: How old is your child?", 1)
    assert f"{AGE} 5" in before
    assert f"{AGE} 9" in after
    assert "Show my plan" in seen


def test_a_change_in_the_review_that_makes_a_when_hold_asks_that_question(conditional: KnowledgeBase) -> None:
    """The "change an answer" path re-runs `when`: ticking self-harm then asks the region."""
    steps = [
        *first_pass(region=None),
        (ASKING + REVIEW, DOWN * 2 + ENTER),  # "Change: What are you most worried about?"
        (ASKING + CONCERNS, DOWN * 3 + SPACE + ENTER),  # behaviour stays ticked; tick self-harm
        (ASKING + REGION, DOWN * 2 + ENTER),  # Canada
        (ASKING + REVIEW, ENTER),
    ]
    answers, seen = drive(interview(conditional), steps)
    assert answers["concerns"] == ("behavior", "self-harm")
    assert answers["region"] == "ca"
    first_review = seen.split(ASKING + REVIEW, 1)[0]
    assert REGION not in first_review
    assert f"{REGION} Canada" in seen.rsplit("Your answers:", 1)[1]


def test_a_change_in_the_review_that_makes_a_when_fail_drops_that_answer(conditional: KnowledgeBase) -> None:
    """The "change an answer" path re-runs `when`: unticking self-harm drops the region answer."""
    both = SPACE + DOWN * 3 + SPACE  # behaviour and self-harm
    steps = [
        *first_pass(concerns=both),
        (ASKING + REVIEW, DOWN * 2 + ENTER),
        (ASKING + CONCERNS, DOWN * 3 + SPACE + ENTER),  # untick self-harm
        (ASKING + REVIEW, ENTER),
    ]
    answers, seen = drive(interview(conditional), steps)
    assert answers == {"child_age": 7, "concerns": ("behavior",), "therapy": "cbt", "stage": "starting"}
    assert REGION not in seen.rsplit("Your answers:", 1)[1]


def test_fill_asks_only_what_is_missing(knowledge: KnowledgeBase) -> None:
    start: dict[str, AnswerValue] = {"child_age": 15, "concerns": ("self-harm",), "therapy": "dbt"}
    answers, seen = drive(
        lambda: prompts.fill(knowledge, start), [(ASKING + STAGE, DOWN + ENTER), (ASKING + REGION, ENTER)]
    )
    assert answers == {**start, "stage": "ongoing", "region": "us"}
    assert AGE not in seen and THERAPY not in seen


# --- validation ----------------------------------------------------------------------------------


def test_an_age_in_words_or_out_of_range_is_refused_with_a_reason(knowledge: KnowledgeBase) -> None:
    age = knowledge.question("child_age")
    bounds = f"from {age.min} to {age.max}"  # the wording comes from the question, not from the code
    steps = [
        (ASKING + AGE, "five" + ENTER),
        ('"five" is not a whole number', BACK * 4 + "-1" + ENTER),
        (f"-1 is out of range; give a whole number {bounds}.", BACK * 2 + "4.5" + ENTER),
        ('"4.5" is not a whole number', BACK * 3 + "4 years" + ENTER),
    ]
    answer, seen = drive(lambda: prompts.ask_one(age), steps)
    assert answer == 4
    # each message is shown right under the answer it is about, before the question is put again
    assert re.search(r"\? How old is your child\? -1 -1 is out of range.*\? How old is your child\?", seen)


@pytest.mark.parametrize("typed", ["4 years", "4 yrs", "4 Years old", " 4 "])
def test_an_age_with_its_unit_is_accepted(knowledge: KnowledgeBase, typed: str) -> None:
    answer, _ = drive(lambda: prompts.ask_one(knowledge.question("child_age")), [(ASKING + AGE, typed + ENTER)])
    assert answer == 4


def test_an_integer_question_words_its_own_range(tmp_path: Path) -> None:
    """No "child's age" wording is built in: a clinic's own integer question gets its own bounds."""
    folder = Path(shutil.copytree(CONTENT, tmp_path / "content"))
    with (folder / "questions.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n- id: siblings\n  kind: integer\n  prompt: How many brothers and sisters?\n")
        fh.write("  help: A number.\n  min: 0\n  max: 9\n")
    q = load_kb(folder).question("siblings")
    steps = [(ASKING + "How many brothers", "12" + ENTER), ("from 0 to 9", BACK * 2 + "2" + ENTER)]
    answer, seen = drive(lambda: prompts.ask_one(q), steps)
    assert answer == 2
    assert "age" not in seen.lower()


def test_the_multi_select_summary_names_the_choices(knowledge: KnowledgeBase) -> None:
    concerns = knowledge.question("concerns")
    ticked = ("behavior", "anxiety")
    answer, seen = drive(lambda: prompts.ask_one(concerns, ticked), [(ASKING + CONCERNS, ENTER)])
    assert answer == ticked
    assert f"{CONCERNS} {concerns.label('behavior')}; {concerns.label('anxiety')}" in seen
    assert "selections" not in seen


def test_a_concern_must_be_picked(knowledge: KnowledgeBase) -> None:
    concerns = knowledge.question("concerns")
    steps = [(ASKING + CONCERNS, ENTER), ("Pick at least one", DOWN + SPACE + ENTER)]
    answer, seen = drive(lambda: prompts.ask_one(concerns), steps)
    assert answer == ("anxiety",)
    assert "Pick at least one (space to tick, enter when done)." in seen


# --- Ctrl-C and Ctrl-D ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
@pytest.mark.parametrize(
    ("question", "shown", "typed"),
    [("child_age", AGE, ""), ("child_age", AGE, "1"), ("concerns", CONCERNS, SPACE), ("therapy", THERAPY, DOWN)],
    ids=["text", "text-typed", "checkbox", "select"],
)
def test_ctrl_c_and_ctrl_d_stop_at_any_prompt(
    knowledge: KnowledgeBase, key: str, question: str, shown: str, typed: str
) -> None:
    q = knowledge.question(question)
    with pytest.raises(Interrupted) as info:
        drive(lambda: prompts.ask_one(q), [(ASKING + shown, typed + key)])
    assert info.value.exit_code == 130
    assert "Nothing was saved" in info.value.message


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_and_ctrl_d_stop_the_review(knowledge: KnowledgeBase, key: str) -> None:
    with pytest.raises(Interrupted):
        drive(interview(knowledge), [*first_pass(), (ASKING + REVIEW, key)])


@pytest.fixture(autouse=True)
def _no_stray_threads() -> Iterator[None]:
    yield
    assert all(t.daemon or t is threading.main_thread() for t in threading.enumerate())


# --- numbered plain-text questions (TERM=dumb) ---------------------------------------------------


def test_plain_questions_take_numbers_and_the_review_changes_an_answer(knowledge: KnowledgeBase) -> None:
    import io

    concerns, therapy, region = (knowledge.question(q) for q in ("concerns", "therapy", "region"))
    number = {
        "self-harm": concerns.choice_ids().index("self-harm") + 1,
        "anxiety": concerns.choice_ids().index("anxiety") + 1,
        "dbt": therapy.choice_ids().index("dbt") + 1,
        "uk": region.choice_ids().index("uk") + 1,
    }
    review_line = [q.id for q in knowledge.questions].index("concerns") + 1
    typed = [
        "four",  # refused: not a number
        "15 yrs",
        "0, 99",  # refused: no such choice
        f"{number['self-harm']}",
        f"{number['dbt']}",
        "",  # the default stage
        f"{number['uk']}",
        f"{review_line}",  # change the concerns...
        f"{number['anxiety']},{number['self-harm']}",
        "",  # ...then see the plan
    ]
    shown = io.StringIO()
    term = prompts.PlainTerminal(io.StringIO("\n".join(typed) + "\n"), shown)
    answers = term.review(knowledge, prompts.fill(knowledge, {}, term.ask_one))
    assert answers == {
        "child_age": 15,
        "concerns": ("anxiety", "self-harm"),
        "therapy": "dbt",
        "stage": knowledge.question("stage").default,
        "region": "uk",
    }
    out = shown.getvalue()
    assert "\x1b" not in out
    assert '"four" is not a whole number' in out
    assert "Each number must be from 1 to" in out
    assert f"= {concerns.label('anxiety')}; {concerns.label('self-harm')}" in out


def test_plain_questions_stop_on_end_of_input(knowledge: KnowledgeBase) -> None:
    import io

    term = prompts.PlainTerminal(io.StringIO(""), io.StringIO())
    with pytest.raises(Interrupted):
        term.ask_one(knowledge.question("child_age"))


def test_ctrl_z_suspends_a_menu_question_instead_of_typing_it(
    knowledge: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20 I: Ctrl-Z stops the program (the shell's `fg` brings it back), as at the numbered questions."""
    suspended: list[bool] = []
    monkeypatch.setattr(
        prompt_toolkit.application.application.Application,
        "suspend_to_background",
        lambda self, suspend_group=True: suspended.append(True),
    )
    age, shown = drive(lambda: prompts.ask_one(knowledge.question("child_age")), [(ASKING + AGE, "1\x1a5" + ENTER)])
    assert suspended == [True] and age == 15 and "^Z" not in shown


def test_a_latin1_byte_at_the_numbered_questions_is_asked_again(knowledge: KnowledgeBase) -> None:
    """Issue 20 E: a byte the locale cannot decode (Latin-1 from an Emacs shell) is not a crash."""
    import io

    for errors in ("strict", "surrogateescape"):
        typed = io.TextIOWrapper(io.BytesIO(b"\xe9t\xe9\n15\n"), encoding="utf-8", errors=errors)
        raw = io.BytesIO()
        shown = io.TextIOWrapper(raw, encoding="utf-8")  # strict: a lone surrogate here was the crash
        term = prompts.PlainTerminal(typed, shown)
        assert term.ask_one(knowledge.question("child_age")) == 15
        shown.flush()
        assert "is not a whole number" in raw.getvalue().decode("utf-8")
