"""The build step that puts the shipped knowledge and catalogs into the wheel.

Coordinators and translators edit `knowledge/` and `locales/` at the top of the
repository; a wheel (`pip install .`, `pipx install .`) carries a copy of both as
`bot/data/shipped/`, where `bot.shipped` finds them. An editable install reads the
top-level folders directly, so nothing is copied for it.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("knowledge", "locales")
LEFT_OUT = shutil.ignore_patterns("__pycache__", "*.pyc", "*.po~", ".*")


class BuildWithShipped(build_py):
    """Copies knowledge/ and locales/ (with the compiled .mo files) into bot/data/shipped/."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        for name in SHIPPED:
            source = root / name
            if not (source / ("region.yaml" if name == "knowledge" else ".")).exists():
                raise SystemExit(f"error: {source} is missing; build from a full checkout")
            target = Path(self.build_lib) / "bot" / "data" / "shipped" / name
            shutil.rmtree(target, ignore_errors=True)  # a removed file must not linger from a build before
            shutil.copytree(source, target, ignore=LEFT_OUT)


setup(cmdclass={"build_py": BuildWithShipped})
