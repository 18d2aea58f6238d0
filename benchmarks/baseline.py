"""The baseline: plain rapidfuzz extractOne with WRatio over every question variant.

    python benchmarks/baseline.py --knowledge ../shared/eval/knowledge \\
        --cases ../shared/eval/cases.yaml --answer 90 | python3 ../shared/eval/score.py

Prints `vertskap check --json`-shaped results: answered when the best variant
scores at least --answer, suggested (the best three entries) at least
--suggest, else fallback. The reply language is the language of the best
variant; the municipality is only the case's (no detection in the text).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.coordination.cases import read_cases  # noqa: E402
from bot.knowledge import parse_folder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, required=True)
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--answer", type=float, default=90.0)
    parser.add_argument("--suggest", type=float, default=60.0)
    args = parser.parse_args()
    knowledge = parse_folder(args.knowledge).knowledge
    cases, _ = read_cases(args.cases)
    out = []
    for case in cases:
        entries = knowledge.visible_entries(case.municipality)
        choices, owners = [], []
        for e in entries:
            for lang, qs in e.questions.items():
                for q in qs:
                    choices.append(q)
                    owners.append((e, lang))
        ranked = process.extract(case.text, choices, scorer=fuzz.WRatio,
                                 processor=utils.default_process, limit=30)
        best_entries = []
        for _, score, i in ranked:
            if owners[i][0] not in [b[0] for b in best_entries]:
                best_entries.append((owners[i][0], score, owners[i][1]))
        top = best_entries[0] if best_entries else None
        status, got, scope, suggestions = "fallback", None, None, []
        if top and top[1] >= args.answer:
            status, got, scope = "answered", top[0].id, top[0].scope
        elif top and top[1] >= args.suggest:
            status = "suggested"
            suggestions = [b[0].id for b in best_entries[:3]]
        out.append({"text": case.text, "municipality": case.municipality, "expect": case.expect,
                    "status": status, "got": got, "scope": scope,
                    "language": top[2] if top else knowledge.region.fallback_language,
                    "score": top[1] if top else 0.0, "suggestions": suggestions})
    json.dump({"cases": out, "summary": {"method": "extractOne/WRatio", "answer": args.answer}},
              sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
