"""Write a large made-up knowledge folder for benchmarks.

    python benchmarks/generate_region.py OUT_DIR [--municipalities 360] [--entries 100]

Each municipality gets `--entries` entries with 4 question variants in nb, en
and de and a short answer per language; faq/common gets `--entries` more. The
words are drawn from wordfreq's lists of common words, by frequency, so that
the vocabulary and the word frequencies look like real text.
"""

from __future__ import annotations

import argparse
import itertools
import random
from pathlib import Path

import yaml
from wordfreq import top_n_list

LANGUAGES = ("nb", "en", "de")


def sentence(rng: random.Random, words: list[str], cum_weights: list[float], n: int) -> str:
    return " ".join(rng.choices(words, cum_weights=cum_weights, k=n)).capitalize()


def write_region(out: Path, municipalities: int, entries: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    vocab = {}
    for lang in LANGUAGES:
        words = [w for w in top_n_list(lang, 20000) if w.isalpha() and len(w) > 2]
        vocab[lang] = (words, list(itertools.accumulate(1.0 / (i + 10) for i in range(len(words)))))
    out.mkdir(parents=True, exist_ok=True)
    region = {
        "id": "generated",
        "name": {"nb": "Generert", "en": "Generated", "de": "Generiert"},
        "languages": list(LANGUAGES),
        "topics": {f"topic-{t}": {lang: f"Tema {t}" for lang in LANGUAGES} for t in range(10)},
        "municipalities": [{"id": f"m{i:03d}", "name": f"Kommune {i}",
                            "aliases": [f"Tettsted{i}a", f"Tettsted{i}b"],
                            "website": f"https://www.m{i:03d}.kommune.no"}
                           for i in range(municipalities)],
    }
    (out / "region.yaml").write_text(yaml.safe_dump(region, allow_unicode=True), encoding="utf-8")
    scopes = ["common"] + [m["id"] for m in region["municipalities"]]
    for scope in scopes:
        folder = out / "faq" / scope
        folder.mkdir(parents=True, exist_ok=True)
        items = []
        for e in range(entries):
            items.append({
                "id": f"{scope}-entry-{e}",
                "topic": f"topic-{e % 10}",
                "questions": {lang: [sentence(rng, *vocab[lang], rng.randint(3, 9)) + "?"
                                     for _ in range(4)] for lang in LANGUAGES},
                "answer": {lang: sentence(rng, *vocab[lang], rng.randint(20, 40)) + "."
                           for lang in LANGUAGES},
                "links": ["https://www.nav.no"],
            })
        (folder / "entries.yaml").write_text(
            yaml.dump({"entries": items}, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True, width=10_000), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--municipalities", type=int, default=360)
    parser.add_argument("--entries", type=int, default=100)
    args = parser.parse_args()
    write_region(args.out, args.municipalities, args.entries)


if __name__ == "__main__":
    main()
