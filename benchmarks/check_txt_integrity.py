"""Nothing lost, nothing altered: real news saved the way scrapers save it, one .txt per item.

    PYTHONPATH=. .venv/bin/python benchmarks/check_txt_integrity.py [--n 3000] [--seed 26]

Items: a fixed-seed sample of --n non-empty items of both files in ../shared/corpora (新闻联播, CCTV),
each written to a temporary folder as `<id>.txt`: the title line, then the body as given. Then:
- `load_corpus(folder, errors="raise")` must load every item (the script loads with errors="skip" first
  to count what would be refused, then once more with "raise");
- every sentence of every body (NFKC-normalised, as cleaning does, and split after 。!? and at line ends)
  must be in the cleaned text unchanged, except where the audit lists it as chrome (the outlet credit
  央视网消息(新闻联播): removed by the `dateline` rule, a chrome.csv line, a caption...). A sentence that is
  missing is counted as
    - "taken for a header": the audit's header rules (header_meta, header_author, header_subtitle...)
      removed the line that held it;
    - "altered": it is in the text once converted with the cleaning's own script conversion, i.e. the
      conversion changed simplified text (显著 → 显着);
    - "lost": anything else.
Run it with PYTHONPATH pointing at another checkout to compare versions. Skips without ../shared.
"""
from __future__ import annotations

import argparse
import json
import lzma
import random
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
FILES = ["xwlb_2012_2019.jsonl.xz", "xwlb_2020_2022.jsonl.xz"]
HEADER_RULES = {"header_meta", "header_author", "header_subtitle", "header_original_title"}
SENTENCE = re.compile(r"(?<=[。!?])")


def sample_items(n: int, seed: int) -> list[dict]:
    items = []
    for name in FILES:
        with lzma.open(CORPORA / name, "rt", encoding="utf-8") as f:
            items.extend(it for it in map(json.loads, f) if str(it.get("text") or "").strip())
    return random.Random(seed).sample(items, n)


def write_items(items: list[dict], folder: Path) -> None:
    for it in items:
        (folder / f"{it['id']}.txt").write_text(f"{it['title']}\n{it['text']}\n", encoding="utf-8")


def sentences(body: str) -> list[str]:
    from analysis.clean import normalise

    text, _ = normalise(body)
    return [s.strip() for line in text.split("\n") for s in SENTENCE.split(line) if s.strip()]


def check(items: list[dict], corpus, audit) -> dict:
    """Count each body sentence of `items` as kept, chrome (listed by the audit), taken for a header,
    altered or lost in `corpus` (loaded from the items' .txt files); examples of each kind."""
    from analysis.clean import to_simplified

    texts = dict(zip(corpus["doc_id"], corpus["text"]))
    removed: dict[str, list[tuple[str, str]]] = {}
    for doc_id, rule, what in zip(audit["doc_id"], audit["rule"], audit["removed"]):
        removed.setdefault(doc_id, []).append((rule, what))
    counts = {"items": len(items), "loaded": 0, "sentences": 0, "kept": 0, "chrome": 0,
              "taken for a header": 0, "altered": 0, "lost": 0}
    hit_items = {"taken for a header": set(), "altered": set(), "lost": set()}
    examples: dict[str, list] = {k: [] for k in hit_items}
    for it in items:
        doc_id = str(it["id"])
        text = texts.get(doc_id)
        if text is None:
            continue
        counts["loaded"] += 1
        logged = removed.get(doc_id, [])
        for s in sentences(it["text"]):
            counts["sentences"] += 1
            if s in text:
                counts["kept"] += 1
                continue
            if any(rule in HEADER_RULES and s in what for rule, what in logged):
                kind = "taken for a header"
            else:
                chrome = [what for rule, what in logged if rule not in HEADER_RULES and rule != "header_title"]
                rest = s
                for what in chrome:  # an outlet credit in front of the sentence (dateline)
                    if what and rest.startswith(what):
                        rest = rest[len(what):].strip()
                if not rest or rest in text or any(s in what for what in chrome):
                    counts["chrome"] += 1
                    continue
                kind = "altered" if to_simplified(rest)[0] in text else "lost"
            counts[kind] += 1
            hit_items[kind].add(doc_id)
            if len(examples[kind]) < 5:
                examples[kind].append((doc_id, s[:60]))
    counts.update({f"items with a sentence {k}": len(v) for k, v in hit_items.items()})
    counts["examples"] = examples
    return counts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=26)
    args = ap.parse_args()
    if not all((CORPORA / name).exists() for name in FILES):
        print(f"skip: {CORPORA} not found")
        return 0
    import analysis

    print(f"analysis from {analysis.__file__}")
    items = sample_items(args.n, args.seed)
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as cache:
        import os

        os.environ["ANALYSIS_CACHE_DIR"] = cache
        folder = Path(tmp)
        write_items(items, folder)
        t = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            corpus = analysis.load_corpus(folder, errors="skip", cache=False, progress=False)
        print(f"loaded {len(corpus)} of {len(items)} items in {time.perf_counter() - t:.1f} s")
        audit = analysis.cleaning_audit(corpus)
        skipped = audit[audit["rule"] == "skipped"]
        for item, why in zip(skipped["doc_id"], skipped["removed"]):
            print(f"  skipped {Path(item).name}: {why[:100]}")
        result = check(items, corpus, audit)
        examples = result.pop("examples")
        for key, value in result.items():
            print(f"{key:>36}: {value}")
        for kind, rows in examples.items():
            for doc_id, s in rows:
                print(f"  {kind}: {doc_id} {s}")
        try:
            analysis.load_corpus(folder, errors="raise", cache=False, progress=False)
            print('errors="raise": every item loads')
        except Exception as exc:  # noqa: BLE001 (the report is the point)
            print(f'errors="raise": {type(exc).__name__}: {str(exc)[:200]}')
        del caught
    return 0


if __name__ == "__main__":
    sys.exit(main())
