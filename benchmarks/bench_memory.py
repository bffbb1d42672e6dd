"""Benchmark: small pages against transparent huge pages (`analysis.parallel.small_pages`, which the build calls).

    .venv/bin/python benchmarks/bench_memory.py                 # the allocations alone
    .venv/bin/python benchmarks/bench_memory.py --notebook 02 --corpus SOURCE [SOURCE …]
        # also notebook NN on that corpus (its caches filled first), each setting twice, in turn

Each measurement runs in a fresh interpreter, once with the libraries' defaults (the baseline: pyarrow's
mimalloc pool and numpy's huge-page advice) and once with what `small_pages()` sets (jemalloc, no advice),
alternating, so both see the same machine. Printed: wall, user and system seconds of
  - 2,000,000 Chinese strings of 60 characters into a pandas string[pyarrow] column (what loading a corpus does);
  - 1 GB of numpy float64 ones, allocated and touched, three times (the second and third reuse freed pages);
  - with --notebook: that notebook executed in-process (IPython shell) on the corpus, caches warm.
On this project's 2-core VM a fresh huge page costs far more than the small pages it replaces.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = {"ARROW_DEFAULT_MEMORY_POOL": None, "NUMPY_MADVISE_HUGEPAGE": None}
SMALL = {"ARROW_DEFAULT_MEMORY_POOL": "jemalloc", "NUMPY_MADVISE_HUGEPAGE": "0"}

ALLOCATIONS = r"""
import os, time
import numpy as np, pandas as pd, pyarrow as pa
def clock(label, func):
    t, c = time.perf_counter(), os.times()
    func()
    c1 = os.times()
    print(f"  {label:34s} wall {time.perf_counter() - t:6.2f}  user {c1.user - c.user:6.2f}  "
          f"sys {c1.system - c.system:6.2f}")
texts = [f"文本{i}" * 20 for i in range(2_000_000)]
clock(f"arrow strings ({pa.default_memory_pool().backend_name})", lambda: pd.Series(texts, dtype="string[pyarrow]"))
for i in range(3):
    clock(f"numpy 1 GB #{i + 1}", lambda: np.ones(2**27).sum())
"""

NOTEBOOK = r"""
import os, sys, time, warnings
warnings.simplefilter("ignore")
import nbformat
from IPython.core.interactiveshell import InteractiveShell
from analysis.build import _study_environment
from analysis.study import default_study
study = default_study(sys.argv[2:])
shell = InteractiveShell.instance()
with _study_environment(study, os.environ["BENCH_CACHE"]):
    os.environ["ANALYSIS_CORPUS"] = os.pathsep.join(sys.argv[2:])
    os.environ.pop("ANALYSIS_STUDY", None)
    os.chdir(os.path.dirname(sys.argv[1]))
    cells = [c.source for c in nbformat.read(sys.argv[1], 4).cells if c.cell_type == "code"]
    t, c = time.perf_counter(), os.times()
    for source in cells:
        shell.run_cell(source, silent=True, store_history=False).raise_error()
    c1 = os.times()
    print(f"  {'notebook ' + os.path.basename(sys.argv[1]):34s} wall {time.perf_counter() - t:6.2f}  "
          f"user {c1.user - c.user:6.2f}  sys {c1.system - c.system:6.2f}")
"""


def run(code: str, setting: dict, args=(), extra_env=None) -> None:
    env = {k: v for k, v in os.environ.items() if k not in setting}
    env.update({k: v for k, v in setting.items() if v is not None})
    env.update(extra_env or {})
    env["PYTHONPATH"] = str(ROOT)
    subprocess.run([sys.executable, "-c", code, *args], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", help="NN: also execute this notebook")
    parser.add_argument("--corpus", nargs="+", help="the corpus the notebook reads")
    args = parser.parse_args()
    for name, setting in (("defaults (baseline)", DEFAULTS), ("small pages", SMALL)):
        print(name)
        run(ALLOCATIONS, setting)
    if not args.notebook:
        return
    if not args.corpus:
        parser.error("--notebook needs --corpus")
    path = next((ROOT / "notebooks").glob(f"{args.notebook}*.ipynb"))
    sources = [str(Path(s).resolve()) for s in args.corpus]
    with tempfile.TemporaryDirectory() as cache:
        extra = {"BENCH_CACHE": cache, "ANALYSIS_FIGURES_DIR": f"{cache}/figures",
                 "ANALYSIS_TABLES_DIR": f"{cache}/tables"}
        print("filling the caches …")
        run(NOTEBOOK, SMALL, [str(path), *sources], extra)
        for _ in range(2):
            for name, setting in (("defaults (baseline)", DEFAULTS), ("small pages", SMALL)):
                print(name)
                run(NOTEBOOK, setting, [str(path), *sources], extra)


if __name__ == "__main__":
    main()
