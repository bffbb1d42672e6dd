"""Benchmark: the project's corpus tokenization against stock `jieba.lcut`, same lexicon, one run.

    .venv/bin/python benchmarks/bench_tokenize.py [--mb 5] [--seed 20200124]

Test text: at least --mb MB (UTF-8) of DISTINCT documents built from the seed articles'
clauses: each document is a random sequence of sentences, each sentence a random run of
clauses, so no document (and almost no sentence) repeats and no text-keyed cache can hit.

Measured, with both tokenizers already loaded (dictionary loading excluded from both):
  baseline   jieba.Tokenizer.lcut (= jieba.lcut) with data/lexicon/user_dict.txt
  reference  analysis.tokenize(): jieba + content filter + stopwords, text by text
  fast       analysis.tokenize_corpus(cache=False): rjieba + content filter + stopwords, with the
             default workers (one process below 4 cores) and with one worker process per core
  cached     tokenize_corpus with the token cache: cold (segments and writes) and warm (reads)
Agreement: token boundaries of rjieba vs jieba on the same text (F1 over boundary offsets,
i.e. 2|A&B|/(|A|+|B|)), and the share of documents whose final content tokens are identical.
Targets from issue 3: fast >= 15x baseline throughput, boundary agreement >= 99.5%.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import load_corpus  # noqa: E402
from analysis.segment import get_tokenizer, tokenize, tokenize_corpus  # noqa: E402
from analysis.segment.workers import _workers  # noqa: E402

TARGET_RATIO = 15.0
TARGET_AGREEMENT = 0.995


def build_texts(mb: float, seed: int) -> list[str]:
    corpus = load_corpus()
    clauses = [
        c for t in corpus["text"] for c in re.split(r"[，,。；;！!？?\n]", t) if len(c.strip()) >= 2
    ]
    rng = random.Random(seed)
    texts, size, target = [], 0, int(mb * 1_000_000)
    while size < target:
        sentences = [
            "，".join(rng.choice(clauses) for _ in range(rng.randint(1, 5))) + "。"
            for _ in range(rng.randint(8, 40))
        ]
        doc = "".join(sentences)
        texts.append(doc)
        size += len(doc.encode("utf-8"))
    return texts


def boundaries(tokens: list[str]) -> set[int]:
    out, pos = set(), 0
    for t in tokens:
        pos += len(t)
        out.add(pos)
    return out


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=20200124)
    ap.add_argument("--repeats", type=int, default=3, help="runs of the fast path (median reported)")
    args = ap.parse_args()

    texts = build_texts(args.mb, args.seed)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    n_distinct = len(set(texts))
    print(f"test text: {mb:.2f} MB in {len(texts)} documents, {n_distinct} distinct")

    jb = get_tokenizer(engine="jieba")
    rj = get_tokenizer(engine="rjieba")
    jb.lcut("预热疫情防控"), rj.cut("预热疫情防控")  # both dictionaries loaded before timing

    t_base, base_tokens = timed(lambda: [jb.lcut(t) for t in texts])
    print(f"baseline  jieba.lcut, same lexicon      {mb / t_base:7.2f} MB/s  ({t_base:.2f} s)")

    t_ref, ref = timed(lambda: [tokenize(t) for t in texts])
    print(f"reference tokenize() (jieba + filters)  {mb / t_ref:7.2f} MB/s  ({t_ref:.2f} s)")

    def fast_runs(workers):
        runs = []
        for _ in range(args.repeats):
            t, tokens = timed(
                lambda: tokenize_corpus(texts, cache=False, workers=workers, progress=False)
            )
            runs.append(t)
        return statistics.median(runs), runs, tokens

    n_default = _workers(None, int(mb * 1e6))
    t_fast, runs, fast = fast_runs(None)
    print(
        f"fast      tokenize_corpus(cache=False), default: {n_default} process(es)  {mb / t_fast:7.2f} MB/s  "
        f"({t_fast:.2f} s, median of {len(runs)}: {', '.join(f'{r:.2f}' for r in runs)})"
    )
    n_cores = os.cpu_count() or 1
    t_par, runs_par, fast_par = fast_runs(max(2, n_cores))
    print(
        f"fast      tokenize_corpus(cache=False, workers={max(2, n_cores)})       {mb / t_par:7.2f} MB/s  "
        f"({t_par:.2f} s, median of {len(runs_par)}: {', '.join(f'{r:.2f}' for r in runs_par)})"
    )

    with tempfile.TemporaryDirectory() as cache_dir:
        t_cold, _ = timed(lambda: tokenize_corpus(texts, cache_dir=cache_dir, progress=False))
        t_warm, warm = timed(lambda: tokenize_corpus(texts, cache_dir=cache_dir, progress=False))
    print(f"cached    cold (segment + write)         {mb / t_cold:7.2f} MB/s  ({t_cold:.2f} s)")
    print(f"cached    warm (read only)               {mb / t_warm:7.2f} MB/s  ({t_warm:.2f} s)")

    ratio = t_base / t_fast
    ratio_par = t_base / t_par
    fast_tokens = [rj.cut(t) for t in texts]
    inter = total_a = total_b = 0
    for a, b in zip(base_tokens, fast_tokens):
        ba, bb = boundaries(a), boundaries(b)
        inter += len(ba & bb)
        total_a += len(ba)
        total_b += len(bb)
    agreement = 2 * inter / (total_a + total_b)
    same_docs = sum(r == f == g for r, f, g in zip(ref, fast, fast_par)) / len(texts)
    warm_ok = warm == fast

    print()
    print(f"speed-up, default fast path vs baseline: {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x) "
          f"{'MET' if ratio >= TARGET_RATIO else 'NOT MET'}")
    print(f"speed-up, {max(2, n_cores)} worker processes vs baseline: {ratio_par:.1f}x "
          f"({n_cores} cores here, shared with whatever else runs)")
    print(f"boundary agreement rjieba vs jieba: {agreement:.4%} over {total_a} jieba boundaries "
          f"(target >= {TARGET_AGREEMENT:.1%}) {'MET' if agreement >= TARGET_AGREEMENT else 'NOT MET'}")
    print(f"documents with identical content tokens (fast vs reference): {same_docs:.2%}")
    print(f"warm cache returns the fast path's tokens: {warm_ok}")


if __name__ == "__main__":
    main()
