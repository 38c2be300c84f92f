"""The package's shape (issue 9): no module imports another that imports it back, at any depth; and (issue 25)
no more than ten modules at the package root.

`lint-imports` (in .ci/run) checks the declared layers; this checks every pair of modules, function-level
and TYPE_CHECKING imports included, so a cycle cannot hide inside one layer either.
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

import parentinvolve


def test_no_module_is_part_of_an_import_cycle() -> None:
    graph = grimp.build_graph("parentinvolve", include_external_packages=False)
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                cycles.append(" -> ".join((module, *back)))
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize(
    ("library", "allowed"),
    [
        ("questionary", "parentinvolve.cli.prompts"),
        ("prompt_toolkit", "parentinvolve.cli.prompts"),
        ("rich", "parentinvolve.render.richtext"),
        ("babel", "parentinvolve.i18n.catalogs"),
    ],
)
def test_one_adapter_per_library(library: str, allowed: str) -> None:
    graph = grimp.build_graph("parentinvolve", library, include_external_packages=False)
    importers = {m for m in graph.find_modules_that_directly_import(library) if m.startswith("parentinvolve")}
    importers |= {
        m
        for sub in graph.find_children(library)
        for m in graph.find_modules_that_directly_import(sub)
        if m.startswith("parentinvolve")
    }
    assert importers <= {allowed}


def test_the_package_root_holds_at_most_ten_modules() -> None:
    """The core (model, conditions, answers, engine) reads at a glance: helpers live in sub-packages named for
    what they hold (`text/`, `i18n/`, `kb/` ...), not beside it (issue 25)."""
    modules = sorted(p.name for p in Path(parentinvolve.__file__).parent.glob("*.py"))
    assert len(modules) <= 10, f"{len(modules)} modules at the package root: {', '.join(modules)}"
