"""Build hook: compile the gettext catalogs (`src/parentinvolve/i18n/locale/*/LC_MESSAGES/*.po`) into `.mo` files.

A wheel gets each `.mo` added at its place in the package. An editable install gets the `.mo` written beside
its `.po` in the checkout (git ignores it); after that, `parentinvolve.i18n` compiles a `.po` in memory
whenever it is newer than its `.mo`, so an edited translation shows at once. The compiler is the package's
own `pofile.py` (pure Python, loaded by path), so building needs nothing beyond hatchling, offline.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        package = Path(self.root) / "src" / "parentinvolve"
        spec = importlib.util.spec_from_file_location("_parentinvolve_pofile", package / "pofile.py")
        assert spec is not None and spec.loader is not None
        pofile = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(pofile)
        self._tmp = "" if version == "editable" else tempfile.mkdtemp(prefix="parentinvolve-mo-")
        for po in sorted(package.glob("i18n/locale/*/LC_MESSAGES/*.po")):
            data = pofile.to_mo(pofile.parse(po.read_text(encoding="utf-8"), str(po)))
            relative = po.with_suffix(".mo").relative_to(package.parent)
            if version == "editable":
                po.with_suffix(".mo").write_bytes(data)
                continue
            target = Path(self._tmp) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            build_data["force_include"][str(target)] = relative.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if getattr(self, "_tmp", ""):
            shutil.rmtree(self._tmp, ignore_errors=True)
