"""`parentinvolve ask --lang es` on a real terminal (pexpect), from the first question to the plan: menus and,
on a dumb terminal, numbered questions, all in Spanish. The questions' own words come from the content (its
Spanish translation when there is one), so they are read from the knowledge base, never copied here."""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

import pexpect
import pytest

from parentinvolve import i18n
from parentinvolve.kb import load as load_kb
from parentinvolve.model import Question

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only"),
]

DOWN, ENTER, SPACE = "\x1b[B", "\r", " "
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def before(child: pexpect.spawn[str]) -> str:
    """What the terminal showed before the last match."""
    text = child.before
    assert isinstance(text, str)
    return text


def command(args: str) -> str:
    exe = Path(sys.executable).parent / "parentinvolve"
    parts = [str(exe)] if exe.exists() else [sys.executable, "-m", "parentinvolve"]
    return " ".join(shlex.quote(p) for p in parts) + " " + args


def spawn(args: str, cwd: Path, term: str = "xterm") -> pexpect.spawn[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR", "PARENTINVOLVE_LANG"}}
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM=term, COLUMNS="100", LINES="40", PAGER="cat")
    return pexpect.spawn(
        "bash", ["-c", command(args)], env=env, cwd=str(cwd), encoding="utf-8", dimensions=(40, 100), timeout=30
    )


def questions() -> dict[str, Question]:
    i18n.activate("es")
    try:
        return {q.id: q for q in load_kb(None, lang="es").questions}
    finally:
        i18n.activate("en")


def start_of(q: Question) -> str:
    """The first words of a question, which fit on one line at 100 columns whatever the wording."""
    return " ".join(q.prompt.split()[:3])


def test_the_whole_interview_in_spanish_from_the_first_question_to_the_plan(tmp_path: Path) -> None:
    qs = questions()
    child = spawn("ask --lang es", tmp_path)
    child.expect_exact("Unas preguntas sobre su hijo o hija (Ctrl-C para parar en cualquier momento).")
    child.expect_exact(start_of(qs["child_age"]))
    child.send("-1" + ENTER)  # the problem is told next to the question, in Spanish
    child.expect_exact("-1 está fuera del rango; indique un número entero del 0 al 17.")
    child.send("\x15" + "15 años" + ENTER)  # Ctrl-U clears the line; "15 años" is understood
    child.expect_exact(start_of(qs["concerns"]))
    child.expect_exact("(espacio para marcar, Enter para terminar)")
    child.send(DOWN * 3 + SPACE + ENTER)  # behaviour, anxiety, depression -> self-harm
    child.expect_exact(start_of(qs["therapy"]))
    child.expect_exact("(flechas, luego Enter)")
    child.send(DOWN * 3 + ENTER)  # cbt, play, pcit -> dbt
    child.expect_exact(start_of(qs["stage"]))
    child.send(ENTER)  # just starting
    child.expect_exact(start_of(qs["region"]))
    child.send(ENTER)  # us
    child.expect_exact("Sus respuestas:")
    child.expect_exact("¿Es correcto?")
    child.expect_exact("Ver mi plan")
    child.expect_exact("Cambiar: ")
    child.send(ENTER)
    child.expect_exact("¿Guardar una copia para imprimir de este plan (una página web)")
    shown = ANSI.sub("", before(child))
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    flat = " ".join(shown.split())
    for phrase in ("Su papel en la terapia de su hijo o hija", "Primero, la seguridad", "En resumen", "Fuentes"):
        assert phrase in flat
    assert "AYUDA" in flat and "988" in flat
    assert "Para un niño o niña de 15 años" in flat
    for phrase in ("Your part in your child's therapy", "In short", "Questions to ask the therapist", "Is this right?"):
        assert phrase not in flat
    assert "Traceback" not in flat


def test_numbered_questions_on_a_dumb_terminal_in_spanish(tmp_path: Path) -> None:
    qs = questions()
    child = spawn("ask --lang es", tmp_path, term="dumb")
    child.expect_exact(start_of(qs["child_age"]))
    child.expect_exact("Escriba un número:")
    child.send("9" + ENTER)
    child.expect_exact("Escriba uno o más números, separados por comas")
    child.send("2" + ENTER)  # anxiety
    child.expect_exact(start_of(qs["therapy"]))
    child.expect_exact("Escriba un número")
    child.send("1" + ENTER)
    child.expect_exact(start_of(qs["stage"]))
    child.send(ENTER)
    child.expect_exact(start_of(qs["region"]))
    child.send(ENTER)
    child.expect_exact("Oprima Enter para ver su plan o escriba un número para cambiar esa respuesta:")
    child.send(ENTER)
    child.expect_exact("Escriba s o n (Enter para no):")
    shown = before(child)
    child.send("n" + ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "\x1b" not in shown
    assert "En resumen" in shown and "Su papel en la terapia de su hijo o hija" in shown
