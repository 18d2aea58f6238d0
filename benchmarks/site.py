"""Website build time: loading, rendering the pages, and Pagefind's search index.

    python benchmarks/site.py                       # the shipped knowledge
    python benchmarks/site.py --large /tmp/region   # + the generated 360 × 100 region
                                                    #   (written there first if missing)

Not a test: the figures depend on the machine. Each phase is timed once with
time.perf_counter; the site is written to a temporary folder (or --out) and
its size on disk is reported; memory is the process's peak resident size
(Pagefind runs as a child process, reported apart).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.i18n import I18n  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.site.build import SiteBuilder, SiteOptions  # noqa: E402
from bot.site.files import index_search, prepare_folder  # noqa: E402


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def measure(knowledge_dir: Path, label: str, out: Path) -> None:
    started = time.perf_counter()
    knowledge = load_knowledge(knowledge_dir)
    i18n = I18n(knowledge.region.languages)
    loaded = time.perf_counter()
    prepare_folder(out)
    result = SiteBuilder(knowledge, i18n, out, SiteOptions(base_url="https://vertskap.example.org/",
                                                           bot_username="VertskapBot")).build()
    rendered = time.perf_counter()
    index_search(out)
    indexed = time.perf_counter()
    files, size = folder_size(out)
    search_files, search_size = folder_size(out / "pagefind")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{label}: {len(knowledge.region.municipalities)} municipalities, {len(knowledge.entries)} entries, "
          f"{len(knowledge.region.languages)} languages")
    print(f"  load + checks  {loaded - started:8.2f} s")
    print(f"  render pages   {rendered - loaded:8.2f} s  ({result.pages} pages, "
          f"{result.pages / max(rendered - loaded, 1e-9):.0f} pages/s)")
    print(f"  search index   {indexed - rendered:8.2f} s  ({search_files} files, {search_size / 2**20:.1f} MiB)")
    print(f"  total          {indexed - started:8.2f} s  ({files} files, {size / 2**20:.1f} MiB in {out})")
    print(f"  peak memory    {own:8.0f} MiB (Python), {child:.0f} MiB (largest child, Pagefind)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=Path, help="folder of the generated region (made if missing)")
    parser.add_argument("--out", type=Path, help="where to build (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vertskap-site-") as tmp:
        out = args.out or Path(tmp)
        measure(ROOT / "knowledge", "shipped knowledge", out / "shipped")
        if args.large:
            if not (args.large / "region.yaml").exists():
                from generate_region import write_region

                print(f"writing the generated region to {args.large} …")
                write_region(args.large, 360, 100)
            measure(args.large, f"generated ({args.large})", out / "generated")


if __name__ == "__main__":
    main()
