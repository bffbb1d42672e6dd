"""Speed at real size: load → term frequencies by year → theme coding, on all of ../shared/corpora.

    .venv/bin/python benchmarks/bench_scale.py            # cold, warm, and the in-run baseline
    .venv/bin/python benchmarks/bench_scale.py --no-baseline

Each run is a fresh Python process (so "warm" means: a new process that finds the cache):
- cold: `load_corpus([both JSONL files], errors="skip")`, `term_frequencies(corpus, by="year")`,
  `code_paragraphs(paragraphs(corpus))`, with an empty cache ($ANALYSIS_CACHE_DIR = a new folder);
- warm: the same again in a new process, with that cache; then `near_duplicates(corpus)` (issue 13.5,
  timed on its own after the memory figures);
- baseline: the code at the start of issue 13 (commit b537d83, checked out into a temporary folder)
  on the same items written as .txt files (title, date line, body), which is all it could read.
It prints each stage's seconds and MB/s (MB = UTF-8 bytes of the articles' raw text) and the peak
resident memory of the process and of its largest worker process (workers are forked, so their RSS
includes pages they share with the main process). Skips with a message without ../shared.

    .venv/bin/python benchmarks/bench_scale.py --dask     # needs the extra: pip install -e '.[cluster]'

--dask (issue 11; `dask_main` below, separate from the single-process part): on all of ../shared/corpora
and on a 10x corpus made from it (every item 10 times with distinct ids, 10 plain JSONL files, ~1 GB),
the single-process path (as above, cold) next to the same stages on a LocalCluster of 2 worker processes
(1 thread each): `write_corpus` (clean on the workers into a partitioned Parquet corpus), `load_corpus(
dataset, client=)`, `term_frequencies(by="year")`, `code_paragraphs(paragraphs(corpus))` counted by year
(`theme_counts(coded, "year", corpus)`). It prints wall time per stage and the peak RSS of every worker
(ru_maxrss of the worker process) and of the client. Target: every worker under 1 GB on the 10x corpus.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
FILES = ["xwlb_2012_2019.jsonl.xz", "xwlb_2020_2022.jsonl.xz"]
BASELINE_COMMIT = "b537d83"
TARGETS = {"cold": 20.0, "warm": 3.0, "rss_mb": 1536}

STAGES = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import analysis
source = json.loads(sys.argv[1])
out = {}
t = time.perf_counter()
try:
    corpus = analysis.load_corpus(source, errors="skip", progress=False)
except TypeError:  # the baseline's signature: load_corpus(raw_dir, errors=)
    corpus = analysis.load_corpus(source, errors="skip")
out["load"] = time.perf_counter() - t
out["articles"] = len(corpus)
out["mb"] = sum(len(r.encode("utf-8")) for r in corpus["raw"]) / 1e6
t = time.perf_counter()
if "year" not in corpus.columns:
    corpus["year"] = corpus["date"].dt.year
freqs = analysis.term_frequencies(corpus, by="year")
out["term_frequencies"] = time.perf_counter() - t
t = time.perf_counter()
coded = analysis.code_paragraphs(analysis.paragraphs(corpus))
out["code_paragraphs"] = time.perf_counter() - t
out["paragraphs"] = len(coded)
out["terms"] = int(freqs["count"].sum()) if "count" in freqs.columns else len(freqs)
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
out["rss_mb"] = max(own, children)
out["rss_own_mb"], out["rss_children_mb"] = own, children
if sys.argv[2:] == ["dups"]:  # reposts (issue 13.5), timed after the memory figures above
    t = time.perf_counter()
    out["pairs"] = len(analysis.near_duplicates(corpus, progress=False))
    out["near_duplicates"] = time.perf_counter() - t
print("RESULT " + json.dumps(out))
"""


def run(code_root: Path, source, cache: Path, dups: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code_root), ANALYSIS_CACHE_DIR=str(cache), TQDM_DISABLE="1")
    cmd = [sys.executable, "-c", STAGES, json.dumps(source)] + (["dups"] if dups else [])
    return run_stages(cmd, code_root, env, f"run ({code_root})")


def run_stages(cmd: list, cwd: Path, env: dict, what: str) -> dict:
    """Run a stage script in a fresh process; its RESULT line as a dict, plus the wall time."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode or not line:
        raise SystemExit(f"{what} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(line[-1][7:])
    result["wall"] = wall
    return result


def write_txt(folder: Path) -> None:
    """The JSONL items as .txt files the baseline can read: title, date line, body."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        table = pd.read_json(CORPORA / name, lines=True, dtype=False)
        for row in table.itertuples():
            if not isinstance(row.text, str) or not row.text.strip():
                continue
            (folder / f"{row.id}.txt").write_text(f"{row.title}\n{row.pub_date}\n{row.text}\n", encoding="utf-8")


def baseline_checkout(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE_COMMIT], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def show(label: str, r: dict) -> None:
    stages = ["load", "term_frequencies", "code_paragraphs"]
    total = sum(r[s] for s in stages)
    cells = "  ".join(f"{s} {r[s]:6.1f} s ({r['mb'] / r[s]:5.1f} MB/s)" for s in stages)
    rss = f"peak RSS {r['rss_mb']:6.0f} MB"
    if "rss_own_mb" in r:
        rss += f" (main {r['rss_own_mb']:.0f}, largest worker {r['rss_children_mb']:.0f}: forked, shares pages)"
    print(f"{label:<22} {cells}  total {total:6.1f} s  {rss}  "
          f"[{r['articles']:,} articles, {r['paragraphs']:,} paragraphs, {r['mb']:.0f} MB]")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline (about a minute)")
    parser.add_argument("--dask", action="store_true", help="the cluster path next to the single-process one")
    parser.add_argument("--no-single-10x", action="store_true",
                        help="with --dask: skip the single-process run on the 10x corpus (the slow, big one)")
    args = parser.parse_args(argv)
    if args.dask:
        return dask_main(args)
    if not all((CORPORA / f).exists() for f in FILES):
        print(f"skipped: {CORPORA} with {', '.join(FILES)} is absent (see its README)")
        return 0
    source = [str(CORPORA / f) for f in FILES]
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
        tmp = Path(tmp)
        cold = run(ROOT, source, tmp / "cache")
        warm = run(ROOT, source, tmp / "cache", dups=True)
        base = None
        if not args.no_baseline:
            code = baseline_checkout(tmp / "baseline")
            write_txt(tmp / "txt")
            base = run(code, str(tmp / "txt"), tmp / "unused")
    print(f"on {os.cpu_count()} cores; load_corpus({FILES}, errors='skip'), term_frequencies(by='year'), "
          "code_paragraphs(paragraphs(corpus))")
    if base:
        show(f"baseline {BASELINE_COMMIT} (.txt)", base)
    show("cold (empty cache)", cold)
    show("warm (new process)", warm)
    totals = {k: sum(r[s] for s in ("load", "term_frequencies", "code_paragraphs")) for k, r in
              (("cold", cold), ("warm", warm))}
    peak = max(cold["rss_mb"], warm["rss_mb"])
    print(f"targets: cold <= {TARGETS['cold']:.0f} s: {totals['cold']:.1f} s "
          f"{'met' if totals['cold'] <= TARGETS['cold'] else 'MISSED'}; warm <= {TARGETS['warm']:.0f} s: "
          f"{totals['warm']:.1f} s {'met' if totals['warm'] <= TARGETS['warm'] else 'MISSED'}; peak RSS <= "
          f"{TARGETS['rss_mb'] / 1024:.1f} GB: {peak / 1024:.2f} GB {'met' if peak <= TARGETS['rss_mb'] else 'MISSED'}")
    print(f"near_duplicates(corpus, threshold=0.8) on the {warm['articles']:,} articles (after the warm run): "
          f"{warm['near_duplicates']:.1f} s, {warm['pairs']} pairs; target <= 15 s: "
          f"{'met' if warm['near_duplicates'] <= 15 else 'MISSED'}")
    if base:
        baseline = sum(base[s] for s in ("load", "term_frequencies", "code_paragraphs"))
        print(f"speed-up over the baseline: cold {baseline / totals['cold']:.1f}x")
    return 0


# ---------------------------------------------------------------- --dask: the same stages on a Dask cluster

DASK_WORKERS = 2
DASK_TARGET_MB = 1024  # peak RSS of every worker on the 10x corpus

DASK_STAGES = """
import json, os, resource, sys, time, warnings
warnings.simplefilter("ignore")
import analysis
from distributed import Client, LocalCluster
source, dataset, workers = json.loads(sys.argv[1])
out = {}
def peak_mb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if __name__ == "__main__":
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit="4GB") as cluster, Client(cluster) as client:
        t = time.perf_counter()
        analysis.write_corpus(source, dataset, errors="skip", client=client)
        out["write_corpus"] = time.perf_counter() - t
        out.setdefault("peaks", {})["write_corpus"] = max(client.run(peak_mb).values())
        t = time.perf_counter()
        corpus = analysis.load_corpus(dataset, client=client)
        out["articles"] = int(corpus.map_partitions(len).sum().compute())
        out["mb"] = float(corpus["raw"].map_partitions(lambda s: s.map(lambda r: len(r.encode("utf-8"))),
                                                       meta=("raw", "int64")).sum().compute()) / 1e6
        out["partitions"] = corpus.npartitions
        out["load"] = time.perf_counter() - t
        out.setdefault("peaks", {})["load"] = max(client.run(peak_mb).values())
        t = time.perf_counter()
        freqs = analysis.term_frequencies(corpus, by="year")
        out["term_frequencies"] = time.perf_counter() - t
        out.setdefault("peaks", {})["term_frequencies"] = max(client.run(peak_mb).values())
        t = time.perf_counter()
        coded = analysis.code_paragraphs(analysis.paragraphs(corpus))
        counts = analysis.theme_counts(coded, "year", corpus)
        n = analysis.paragraph_counts(coded, "year", corpus)
        out["code_paragraphs"] = time.perf_counter() - t
        out.setdefault("peaks", {})["code_paragraphs"] = max(client.run(peak_mb).values())
        out["paragraphs"] = int(n.sum())
        out["terms"] = int(freqs["count"].sum())
        out["workers_mb"] = sorted(client.run(peak_mb).values())
    out["client_mb"] = peak_mb()
    print("RESULT " + json.dumps(out))
"""


def dask_run(source, dataset: Path, cache: Path) -> dict:
    """The cluster stages in a fresh process (its LocalCluster's workers inherit the cache folder)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), ANALYSIS_CACHE_DIR=str(cache), TQDM_DISABLE="1")
    script = dataset.parent / "dask_stages.py"
    script.write_text(DASK_STAGES, encoding="utf-8")
    return run_stages([sys.executable, str(script), json.dumps([source, str(dataset), DASK_WORKERS])], ROOT, env,
                      "dask run")


def make_tenfold(dest: Path, copies: int = 10) -> list[str]:
    """Every item of ../shared/corpora `copies` times, ids made distinct (`<id>-<k>`), one plain JSONL file
    per copy: the same text, 10x the articles and bytes (about 1 GB)."""
    import lzma

    dest.mkdir(parents=True, exist_ok=True)
    files = []
    for k in range(copies):
        path = dest / f"xwlb_copy{k}.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for name in FILES:
                with lzma.open(CORPORA / name, "rt", encoding="utf-8") as src:
                    for line in src:
                        if line.strip():
                            item = json.loads(line)
                            item["id"] = f"{item['id']}-{k}"
                            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        files.append(str(path))
    return files


def show_dask(label: str, r: dict) -> None:
    stages = ["write_corpus", "load", "term_frequencies", "code_paragraphs"]
    cells = "  ".join(f"{s} {r[s]:6.1f} s" for s in stages)
    workers = ", ".join(f"{m:.0f}" for m in r["workers_mb"])
    peaks = ", ".join(f"{k} {v:.0f}" for k, v in r.get("peaks", {}).items())
    print(f"{label:<22} {cells}  total {sum(r[s] for s in stages):6.1f} s  peak RSS per worker [{workers}] MB, "
          f"client {r['client_mb']:.0f} MB  [{r['articles']:,} articles, {r['paragraphs']:,} paragraphs, "
          f"{r['mb']:.0f} MB, {r['partitions']} partitions]; largest worker peak after each stage (MB): {peaks}")


def dask_main(args) -> int:
    try:
        import distributed  # noqa: F401
    except ImportError:
        print("skipped: --dask needs the cluster extra (pip install -e '.[cluster]')")
        return 0
    if not all((CORPORA / f).exists() for f in FILES):
        print(f"skipped: {CORPORA} with {', '.join(FILES)} is absent (see its README)")
        return 0
    source = [str(CORPORA / f) for f in FILES]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_scale_dask_") as tmp:
        tmp = Path(tmp)
        tenfold = make_tenfold(tmp / "tenfold")
        size = sum(Path(f).stat().st_size for f in tenfold) / 1e9
        for label, src in (("1x", source), ("10x", tenfold)):
            single = None
            if label == "1x" or not args.no_single_10x:
                single = run(ROOT, src, tmp / f"cache_single_{label}")
            if single:
                show(f"{label} single process", single)
            cluster = dask_run(src, tmp / f"dataset_{label}", tmp / f"cache_dask_{label}")
            show_dask(f"{label} dask", cluster)
            print(flush=True)
            rows.append((label, single, cluster))
    print(f"\nsummary: on {os.cpu_count()} cores; {DASK_WORKERS} Dask worker processes x 1 thread; both paths cold "
          f"(empty caches); 10x corpus: {size:.2f} GB of JSONL")
    for label, single, cluster in rows:
        if single:
            show(f"{label} single process", single)
        show_dask(f"{label} dask", cluster)
    ten = rows[-1][2]
    peak = max(ten["workers_mb"])
    print(f"target: every worker <= {DASK_TARGET_MB} MB on the 10x corpus: {peak:.0f} MB "
          f"{'met' if peak <= DASK_TARGET_MB else 'MISSED'}")
    print("2 cores cannot show a speed-up: the 2 workers share the cores the single process already uses "
          "(it cleans and infers regions on both), and the cluster adds Parquet writing, task scheduling "
          "and a shuffle for grouping paragraphs by an article column. What 2 cores do show: memory per "
          "worker stays bounded by the partition size, not the corpus size, and the results are the same "
          "(tests/test_cluster.py); speed scales with machines, which one machine cannot measure.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
