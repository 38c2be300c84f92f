"""Typer and Click through their public interfaces only (issue 25): no private module or name, no patching.

Typer 0.28 vendors Click as `typer._click`; reaching into it (or patching `typer.core._` and
`Context.formatter_class`, as the CLI once did) pinned Typer below 0.29. The CLI now uses only what Typer
exports and Click documents (cli/lang.py says which hooks), so any Typer release can be tested. These tests
fail if a private name or a patch comes back: read in the source, and seen in a real run.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import FIXED_ENV, ROOT, RunCli
from parentinvolve import i18n
from parentinvolve.cli import main
from parentinvolve.cli.lang import choose_language

SOURCES = sorted((ROOT / "src" / "parentinvolve").rglob("*.py")) + sorted((ROOT / "tools").glob("*.py"))
FRAMEWORKS = ("typer", "click")
# Public, but not for us: `typer.core` is where Typer's own `_` and its Click subclasses live.
NOT_OURS = {"typer.core"}


def _private(dotted: str) -> bool:
    """`typer._click.core`, `click._compat`, `typer.core._`: a framework's name that is private (or not ours)."""
    parts = dotted.split(".")
    if parts[0] not in FRAMEWORKS:
        return False
    return any(p.startswith("_") for p in parts[1:]) or any(dotted == n or dotted.startswith(n + ".") for n in NOT_OURS)


def _dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a chain of attributes on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Each local name bound by an import to what it names: `typer`, `m` -> `typer.main`, `core` -> `typer.core`."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    aliases[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _imported(node: ast.AST) -> list[str]:
    """The modules and names an import statement (or an `import_module("...")` call) reaches."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if called in ("__import__", "import_module") and isinstance(node.args[0].value, str):
            return [node.args[0].value]
    return []


def _assigned(node: ast.AST) -> list[ast.expr]:
    """What a statement or call writes to: assignment targets, `setattr`/`delattr`'s object, `vars(x)[...]`'s x."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    elif isinstance(node, ast.Delete):
        targets = list(node.targets)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
        return node.args[:1]
    out: list[ast.expr] = []
    for target in targets:
        if isinstance(target, ast.Attribute):
            out.append(target.value)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Call):
            call = target.value
            if isinstance(call.func, ast.Name) and call.func.id == "vars" and call.args:
                out.append(call.args[0])
    return out


def problems(source: str, name: str = "<test>") -> list[str]:
    """Every private framework name used in `source`, and every write to a framework's module or class."""
    tree = ast.parse(source, name)
    aliases = _aliases(tree)

    def resolved(node: ast.AST) -> str:
        dotted = _dotted(node) or ""
        head, _, rest = dotted.partition(".")
        return aliases[head] + ("." + rest if rest else "") if head in aliases else ""

    found: list[str] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        found += [f"{name}:{line}: {reached}" for reached in _imported(node) if _private(reached)]
        if isinstance(node, ast.Attribute) and _private(resolved(node)):
            found.append(f"{name}:{line}: {resolved(node)}")
        for owner in map(resolved, _assigned(node)):
            if owner.split(".")[0] in FRAMEWORKS:
                found.append(f"{name}:{line}: writes to {owner}")
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from typer._click.formatting import HelpFormatter", "typer._click.formatting"),
        ("import typer._click.core", "typer._click.core"),
        ("from typer import core as c\nc._ = print", "writes to typer.core"),
        ("from typer import core\nvars(core)['_'] = print", "writes to typer.core"),
        ("from typer import core", "typer.core"),
        ("import typer\ntyper.Context.formatter_class = object", "writes to typer.Context"),
        ("import typer\nx = typer._click", "typer._click"),
        ("import typer.main as m\nsetattr(m, 'get_command', print)", "writes to typer.main"),
        ("import click\nclick.core.Context.formatter_class = object", "writes to click.core.Context"),
        ("from click import _compat", "click._compat"),
        ("import importlib\nimportlib.import_module('typer._click')", ": typer._click"),
    ],
)
def test_the_scan_finds_each_kind_of_private_use(source: str, expected: str) -> None:
    found = problems(source)
    assert len(found) >= 1 and any(expected in f for f in found), found


def test_the_scan_lets_public_use_be() -> None:
    public = (
        "import typer\nfrom typer.main import get_command\n"
        "class C(typer.Context):\n    formatter_class = typer.Context.formatter_class\n"
        "def f(cmd: object) -> None:\n    cmd.context_class = C\n"
        "raise typer.Exit(0)\n"
    )
    assert problems(public) == []


def test_no_source_uses_a_private_name_of_typer_or_click_or_patches_them() -> None:
    found = [p for path in SOURCES for p in problems(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert found == []


def _framework_state() -> dict[str, dict[str, int]]:
    """id() of every binding in every loaded Typer or Click module, and in every class they define."""
    state: dict[str, dict[str, int]] = {}
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in FRAMEWORKS:
            continue
        state[name] = {k: id(v) for k, v in vars(module).items()}
        for key, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == name:
                state[f"{name}.{key}"] = {k: id(v) for k, v in vars(value).items()}
    return state


@contextlib.contextmanager
def _fixed_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in FIXED_ENV.items():
        monkeypatch.setenv(key, value)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


RUNS = (
    ["--lang", "es", "--help"],
    ["--lang", "es", "clinic", "set", "--help"],
    ["--lang", "es", "explain"],  # Click's error, translated
    ["--lang", "es", "explian", "pcit"],  # Typer's "Did you mean"
    ["--lang", "es", "explain", "pcit", "--format", "json"],
    ["--lang", "es"],  # no_args_is_help
)


def test_a_spanish_run_leaves_typer_and_click_as_they_were(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen at run time, however a patch might be made: after runs in Spanish (help, errors, a command),
    every name in every loaded Typer and Click module and class is bound to what it was before. Checked
    before the run's language is reset, which would undo a patch made for the language."""
    with _fixed_terminal(monkeypatch):
        main(["explain", "pcit"])  # Typer's lazy imports happen here, in English
        before = _framework_state()
        try:
            for args in RUNS:
                main(list(args))
            after = _framework_state()
        finally:
            choose_language(["--lang", i18n.ENGLISH])
    changed = [
        f"{where}.{key}"
        for where, names in before.items()
        for key, ident in names.items()
        if after.get(where, {}).get(key) != ident
    ]
    added = [  # a new name in a class, or in a module other than a submodule just imported
        f"{where}.{key}"
        for where, names in after.items()
        if where in before
        for key in names.keys() - before[where].keys()
        if not isinstance(_lookup(where, key), types.ModuleType)
    ]
    assert changed == [] and added == []


def _lookup(where: str, key: str) -> Any:
    """The object bound to `key` in the module or class named `where` (a class as `module.Class`)."""
    if where in sys.modules:
        return vars(sys.modules[where]).get(key)
    module, _, cls = where.rpartition(".")
    return vars(getattr(sys.modules[module], cls)).get(key)


def _tree() -> Iterator[Any]:
    """Every command and parameter of the CLI's command tree, in each language (as `main` builds it)."""
    from parentinvolve.cli import _command

    try:
        for language in i18n.AVAILABLE:
            i18n.activate(language)  # the tree is built for the current language
            seen = [_command(language)]
            while seen:
                cmd = seen.pop()
                yield cmd
                yield from cmd.params
                seen += list(getattr(cmd, "commands", {}).values())
    finally:
        i18n.activate(i18n.ENGLISH)


def test_no_command_or_parameter_has_a_method_replaced() -> None:
    """What the CLI sets on Click's commands and parameters are their documented attributes (help, metavar,
    context_class ...), never a method in place of the class's (as `make_metavar` once was)."""
    replaced = [
        f"{type(obj).__name__} {getattr(obj, 'name', '')}: {key}"
        for obj in _tree()
        for key in vars(obj)
        if inspect.isfunction(inspect.getattr_static(type(obj), key, None))
    ]
    assert replaced == []


@pytest.mark.parametrize("lang", i18n.AVAILABLE)
def test_usage_lines_and_arguments_are_named_by_their_metavariables(run_cli: RunCli, lang: str) -> None:
    """`clinic set [OPTIONS] DIR FIELD VALUE`, not Typer's `{DIR}` (0.28) or `[[DIR]]` (0.29); an argument's
    row is its metavariable alone, without the type some releases add (`DIR <path>`)."""
    paths: list[list[str]] = (
        [[]] + [[c] for c in ("ask", "explain", "validate")] + [["clinic", c] for c in ("init", "override", "set")]
    )
    for path in paths:
        r = run_cli("--lang", lang, *path, "--help")
        assert r.exit_code == 0
        usage = r.stdout.splitlines()[0]
        assert "{" not in usage and "[[" not in usage and "]]" not in usage, usage
        assert re.search(r"^  \S+(?: \S+)? <\w[\w\[\], ]*>", r.stdout, re.M) is None, r.stdout


def test_typer_is_capped_for_speed_alone_and_ci_tests_the_newest() -> None:
    """The one cap on Typer is the start-up budget's (pyproject says so, with the numbers), and CI runs the fast
    tests on the newest Typer as well, so the day a release starts as fast the cap can go."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    typer = re.findall(r'^\s*"(typer\b[^"]*)",', pyproject, re.M)
    assert len(typer) == 1 and re.fullmatch(r"typer>=[\d.]+,<[\d.]+", typer[0]), typer
    assert "The cap is for speed alone" in pyproject
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"pip\"? install[^\n]*--upgrade[^\n]*'typer'", ci), "CI installs the newest Typer somewhere"
