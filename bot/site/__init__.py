"""The regional website: static pages from the knowledge, searchable in the browser (Pagefind).

`build` renders the pages with the templates in `templates/`, `texts` holds the
site's own words (catalog messages), `files` writes the folder, sitemap and
search index, `serve` shows a built site on this computer. It reads only the
knowledge, the catalogs and the settings: no Telegram, no matching.
"""

from bot.site.build import BuildResult, SiteOptions, build_site
from bot.site.files import SiteError

__all__ = ["BuildResult", "SiteError", "SiteOptions", "build_site"]
