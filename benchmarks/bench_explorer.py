"""The evidence explorer at real size (issue 24): its index built from all of ../shared/corpora, and the
latency of searches through `python -m analysis explore`.

    .venv/bin/python benchmarks/bench_explorer.py [--out DIR] [--rounds 3]

1. The build's inputs: `load_corpus([both JSONL files], errors="skip")`, `paragraphs`, `code_paragraphs`,
   `theme_matches`, `cleaning_audit` (from the cache when an earlier run filled it; timed apart, they are
   what the build has at hand anyway).
2. `write_explorer(DIR, corpus, paras=, coded=, matches=, audit=)`: the page, and, the corpus being far past
   15 MB, explorer.sqlite (paragraphs + the positional index of character pairs). Target: 60 s.
3. `python -m analysis explore DIR --port 0` in a new process: seconds until it prints its address.
4. Searches over HTTP (/api/search?q=…&limit=100), each query `--rounds` times: two-character terms (25
   terms of the study's domain and the 25 commonest character pairs of the corpus: the largest answers),
   then one character, three or more, and regular expressions for comparison. Target: two characters in
   150 ms at the 95th percentile.
Prints seconds, sizes, and p50 / p95 / max latency per kind. Skips with a message without ../shared.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
FILES = ["xwlb_2012_2019.jsonl.xz", "xwlb_2020_2022.jsonl.xz"]
TARGETS = {"index_s": 60.0, "two_char_p95_ms": 150.0}
DOMAIN = ["疫情", "防控", "政协", "统战", "委员", "口罩", "捐赠", "核酸", "侨联", "民主", "党派", "抗疫", "新冠",
          "志愿", "社区", "复工", "扶贫", "香港", "台湾", "两会", "宗教", "民族", "协商", "医疗", "物资"]
OTHER = {"one": ["疫", "政", "的"], "three+": ["习近平", "新冠肺炎", "政协委员", "全国政协", "疫情防控", "统一战线",
                                              "民主党派", "复工复产"],
         "regex": [r"政协.{0,4}委员", r"捐(款|赠).{0,6}万元", r"^[^,]{0,8}疫情", r"\d+名志愿者"]}


def common_pairs(index: Path, n: int) -> list[str]:
    """The n commonest pairs of Chinese characters, read from the index's bigram table."""
    with sqlite3.connect(index) as db:
        keys, starts = db.execute("SELECT keys, starts FROM bigrams").fetchone()
    keys, counts = np.frombuffer(keys, np.uint32), np.diff(np.frombuffer(starts, np.int64))
    out = []
    for k in keys[np.argsort(-counts, kind="stable")]:
        pair = chr(int(k) >> 16) + chr(int(k) & 0xFFFF)
        if re.fullmatch(r"[\u4e00-\u9fff]{2}", pair):
            out.append(pair)
            if len(out) == n:
                break
    return out


def timed_get(url: str) -> tuple[float, dict]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        body = json.loads(r.read())
    return (time.perf_counter() - started) * 1000, body


def summary(ms: list[float]) -> str:
    return f"p50 {np.percentile(ms, 50):6.1f} ms   p95 {np.percentile(ms, 95):6.1f} ms   max {max(ms):6.1f} ms"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="build folder (default: a temporary one)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not all((CORPORA / f).exists() for f in FILES):
        print(f"skipped: {CORPORA} does not hold {', '.join(FILES)}")
        return 0
    sys.path.insert(0, str(ROOT))
    import warnings

    warnings.simplefilter("ignore")
    import analysis
    from analysis.explorer import write_explorer

    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench-explorer-"))
    t = time.perf_counter()
    corpus = analysis.load_corpus([str(CORPORA / f) for f in FILES], errors="skip")
    paras = analysis.paragraphs(corpus)
    coded = analysis.code_paragraphs(paras)
    matches = analysis.theme_matches(paras)
    audit = analysis.cleaning_audit(corpus)
    print(f"inputs (load, paragraphs, coding, matches, audit): {time.perf_counter() - t:.1f} s; "
          f"{len(corpus):,} articles, {len(paras):,} paragraphs, "
          f"{paras['text'].str.len().sum() / 1e6:.1f} M characters")

    t, cpu = time.perf_counter(), time.process_time()
    page = write_explorer(out, corpus, paras=paras, coded=coded, matches=matches, audit=audit)
    built = time.perf_counter() - t
    index = out / "explorer.sqlite"
    print(f"write_explorer: {built:.1f} s (CPU of all threads {time.process_time() - cpu:.1f} s; target "
          f"{TARGETS['index_s']:.0f} s: {'met' if built <= TARGETS['index_s'] else 'NOT met'}); page "
          f"{page.stat().st_size / 1e6:.2f} MB, index {index.stat().st_size / 1e6 if index.exists() else 0:.0f} MB")
    del corpus, paras, coded, matches, audit

    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "explore", str(out), "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        url = re.search(r"http://\S+/", proc.stdout.readline()).group(0)
        print(f"explore: serving after {time.perf_counter() - t:.1f} s at {url}")
        kinds = {"two": DOMAIN + [p for p in common_pairs(index, 40) if p not in DOMAIN][:25], **OTHER}
        results = {}
        for kind, queries in kinds.items():
            ms = []
            for _ in range(args.rounds):
                for q in queries:
                    params = {"q": q, "limit": 100, **({"regex": 1} if kind == "regex" else {})}
                    took, body = timed_get(url + "api/search?" + urllib.parse.urlencode(params))
                    ms.append(took)
                    results.setdefault(kind, {})[q] = body["total"]
            print(f"{kind:>7} ({len(queries)} queries x {args.rounds}): {summary(ms)}")
            if kind == "two":
                p95 = float(np.percentile(ms, 95))
                print(f"        target p95 <= {TARGETS['two_char_p95_ms']:.0f} ms: "
                      f"{'met' if p95 <= TARGETS['two_char_p95_ms'] else 'NOT met'}; largest answers: "
                      + ", ".join(f"{q} {n:,}" for q, n in sorted(results[kind].items(), key=lambda x: -x[1])[:5]))
        status = Path(f"/proc/{proc.pid}/status")
        if status.exists():
            rss = next((ln.split()[1] for ln in status.read_text().splitlines() if ln.startswith("VmHWM")), "0")
            print(f"explore: peak memory {int(rss) / 1024:.0f} MB")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"build folder: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
