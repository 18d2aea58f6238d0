"""The site's folder: emptying an earlier build, the static files, the sitemap, Pagefind's index."""

from __future__ import annotations

import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable
from xml.sax.saxutils import escape as xml_escape

MARKER = ".vertskap-site"  # in a folder this command built, which it may empty again


class SiteError(Exception):
    """The site cannot be built; the message says why."""


def prepare_folder(out: Path) -> None:
    """An empty folder to build into; refuse to empty one this command did not build."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} is a file; give a folder for the site")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise SiteError(f"{out} is not empty and was not built by 'vertskap site'; give an empty "
                            "or new folder")
        for child in out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)


def write_static(out: Path, sitemap_url: str | None) -> None:
    """The stylesheet and search script, the marker, and robots.txt when the address is known."""
    static = resources.files("bot.site").joinpath("static")
    for item in static.iterdir():
        if item.is_file():
            (out / item.name).write_bytes(item.read_bytes())
    (out / MARKER).write_text("built by vertskap site; the next build empties this folder\n",
                              encoding="utf-8")
    if sitemap_url:
        (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {sitemap_url}\n",
                                        encoding="utf-8")


def write_sitemap(out: Path, pages: Iterable[tuple[str, tuple[str, ...]]],
                  address: Callable[[str], str]) -> None:
    """sitemap.xml: each page (path below the language, its languages) with its alternates."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for own, languages in pages:
        for lang in languages:
            lines.append(f"<url><loc>{xml_escape(address(f'{lang}/{own}'))}</loc>")
            for other in languages:
                lines.append(f'<xhtml:link rel="alternate" hreflang="{other}" '
                             f'href="{xml_escape(address(f"{other}/{own}"))}"/>')
            lines.append("</url>")
    lines.append("</urlset>")
    (out / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def pagefind_executable() -> str:
    """The Pagefind binary: the one bundled with the pagefind[bin] package, else one on PATH."""
    try:
        from pagefind_bin import get_executable

        return str(get_executable())
    except (ImportError, FileNotFoundError):
        found = shutil.which("pagefind") or shutil.which("pagefind_extended")
        if found:
            return found
    raise SiteError("Pagefind is missing; install it with: pip install 'pagefind[bin]'")


def index_search(out: Path) -> None:
    """Write Pagefind's search index (one per page language) into out/pagefind/."""
    done = subprocess.run([pagefind_executable(), "--site", str(out), "--silent"],
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    if done.returncode != 0:
        raise SiteError(f"Pagefind could not index the site: {(done.stderr or done.stdout).strip()}")
