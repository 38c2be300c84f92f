"""Build hook: compile the gettext catalogs (`src/parentinvolve/i18n/locale/*/LC_MESSAGES/*.po`) into `.mo` files.

A wheel gets each `.mo` added at its place in the package (and no `.po`: a user's run reads the `.mo` as
built). An editable install gets the `.mo` written beside its `.po` in the checkout (git ignores it); after
that, `parentinvolve.i18n` compiles a `.po` in memory whenever it is newer than its `.mo`, so an edited
translation shows at once. The compiler is Babel, through the package's own `i18n/catalogs.py` (loaded by
path, so the package need not be importable here): Babel is a build requirement and a development tool, never a
dependency of an installed parentinvolve.
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
        spec = importlib.util.spec_from_file_location("_parentinvolve_catalogs", package / "i18n" / "catalogs.py")
        assert spec is not None and spec.loader is not None
        catalogs = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(catalogs)
        self._tmp = "" if version == "editable" else tempfile.mkdtemp(prefix="parentinvolve-mo-")
        for po in sorted(package.glob("i18n/locale/*/LC_MESSAGES/*.po")):
            data = catalogs.compile_file(po)
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
