"""Benchmark: province inference (analysis.places.region_of_text) on real news someone else labelled.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_places.py [--n 600] [--seed 12]

Items: 新闻联播 items of 2020-2022 (../shared/corpora/xwlb_2020_2022.jsonl.xz) whose title names
exactly one province-level unit (full or short name: 四川省 or 四川; 内蒙古, 广西...) and no other,
a random sample of --n of them. The label is that province; region_of_text sees the body only
(never the title). Reported: accuracy (share of items whose inferred province is the label),
coverage (share given any province), and the region_ambiguous rate where the function has it.
Run it with PYTHONPATH pointing at another checkout of the project to compare versions.

Measured for issue 12 (all 1,843 such items, --n 2000): before (b537d83) accuracy 0.9620
(1773/1843), coverage 0.9924; after (nearest-city resolution, gazetteer corrections) the same
0.9620 and 0.9924; 13 items flagged region_ambiguous, 2 of them wrong.
"""
from __future__ import annotations

import argparse
import json
import lzma
import random
import re
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT_ROOT.parent / "shared" / "corpora" / "xwlb_2020_2022.jsonl.xz"
PROVINCES = [
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区",
]
SHORT = {p: re.sub(r"(壮族|回族|维吾尔)?(自治区|特别行政区|省|市)$", "", p) for p in PROVINCES}


def title_province(title: str) -> str:
    named = {p for p in PROVINCES if SHORT[p] in title}
    return named.pop() if len(named) == 1 else ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--seed", type=int, default=12)
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"skip: {CORPUS} not found")
        return 0
    import analysis
    from analysis import places
    from analysis.clean import normalise

    items = [json.loads(line) for line in lzma.open(CORPUS, "rt", encoding="utf-8")]
    labelled = [(it, title_province(it["title"])) for it in items if it.get("text")]
    labelled = [(it, p) for it, p in labelled if p]
    random.Random(args.seed).shuffle(labelled)
    sample = labelled[: args.n]
    detail = getattr(places, "region_of_text_detail", None)
    t0 = time.perf_counter()
    right = given = flagged = flagged_wrong = 0
    for it, label in sample:
        body = normalise(it["text"])[0]
        if detail:
            province, _, ambiguous = detail(body)
        else:
            (province, _), ambiguous = places.region_of_text(body), False
        given += bool(province)
        right += province == label
        flagged += ambiguous
        flagged_wrong += ambiguous and province != label
    secs = time.perf_counter() - t0
    n = len(sample)
    print(f"analysis from {Path(analysis.__file__).parent}")
    print(f"items with one province in the title: {len(labelled)}; sample {n} (seed {args.seed})")
    print(f"province accuracy {right / n:.4f} ({right}/{n}); coverage {given / n:.4f}; {secs:.1f} s")
    if detail:
        print(f"region_ambiguous: {flagged} items, {flagged_wrong} of them wrong")
    return 0


if __name__ == "__main__":
    sys.exit(main())
