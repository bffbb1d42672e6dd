"""The command line: `python -m analysis build | init | explore`."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from .build import REPORT_FILE, REPORT_NOTEBOOK_PREFIX, BuildError, build, default_jobs, find_notebooks, timing_table
from .outputs import default_out, output_dirs
from .paths import NOTEBOOKS_DIR, PROJECT_ROOT


def main(argv: list[str] | None = None) -> int:
    """Command line: build (the notebooks, report and explorer of a study), init (a starter study), explore."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis",
                                     description="the notebooks, the report and the evidence explorer of a study")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="execute the notebooks in order and render the report and the explorer")
    b.add_argument("notebooks", nargs="*", help="name prefixes, e.g. 03 (default: all notebooks)")
    which = b.add_mutually_exclusive_group()
    which.add_argument("--study", default=None, metavar="FILE",
                       help="a study file (study.toml: title, question, codebook, corpus ...); default: the seed "
                            "study data/study.toml")
    which.add_argument("--corpus", action="append", default=None, metavar="SOURCE",
                       help="the default study on these articles: anything load_corpus accepts (repeat for several)")
    b.add_argument("--out", default=None, metavar="DIR",
                   help="write figures/, tables/, executed/ and the HTML under DIR (default: figures/ and reports/ "
                        "for the seed study, build/ beside a study file, build/<corpus name>/ for --corpus)")
    b.add_argument("--no-html", action="store_true", help="write executed notebooks only")
    b.add_argument("--no-explorer", action="store_true", help="do not write the evidence explorer")
    b.add_argument("--quiet", action="store_true", help="no progress bars")
    b.add_argument("-j", "--jobs", type=int, default=None,
                   help="run this many analysis notebooks at a time (the report runs last); "
                        f"default: one per core, at most 4 (here {default_jobs()})")
    b.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="a Dask scheduler (tcp://host:8786): load_corpus cleans and the counting functions "
                        "run on its workers (sets ANALYSIS_SCHEDULER for the kernels; see analysis/cluster)")
    i = sub.add_parser("init", help="write a starter study (study.toml, a codebook copy, lexicon and stopword files)")
    i.add_argument("folder", metavar="DIR")
    i.add_argument("--title", default=None)
    e = sub.add_parser("explore", help="serve a build's evidence explorer and its search API")
    e.add_argument("rest", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.command == "init":
        return _init(args)
    if args.command == "explore":
        from .explorer import main as explore

        return explore(args.rest)
    return _build(args)


def _init(args) -> int:
    from .starter import init_study

    path = init_study(args.folder, title=args.title)
    print(f"wrote a starter study: {path}\n"
          f"next: put articles in {path.parent / 'articles'}, edit study.toml and themes.toml, then\n"
          f"  python -m analysis build --study {path}")
    return 0


def _build(args) -> int:
    from .study import StudyError, read_study

    if args.scheduler:
        os.environ["ANALYSIS_SCHEDULER"] = args.scheduler  # the kernels inherit it (_kernel_env)
    started = time.perf_counter()
    if not find_notebooks(None):
        print(f"no notebooks to run in {NOTEBOOKS_DIR}", file=sys.stderr)
        return 1
    if args.study:
        try:
            corpus = read_study(args.study)
        except StudyError as exc:
            print(f"BUILD FAILED: {exc}", file=sys.stderr)
            return 1
        out = args.out if args.out is not None else corpus.out
    else:
        corpus = None if not args.corpus else (args.corpus[0] if len(args.corpus) == 1 else args.corpus)
        out = args.out if args.out is not None else default_out(corpus)
    reports = output_dirs(out)["reports"]
    try:
        runs = build(args.notebooks, corpus=corpus, out=out, html=not args.no_html, progress=not args.quiet,
                     jobs=args.jobs, explorer=False if args.no_explorer else None)
    except BuildError as exc:
        done = getattr(exc, "runs", [])
        if done:
            print(timing_table(done), file=sys.stderr)
        print(f"\nBUILD FAILED: {exc}", file=sys.stderr)
        if done and done[-1].executed:
            print(f"  partly executed copy: {done[-1].executed}", file=sys.stderr)
        return 1
    print(timing_table(runs))
    written = [_shown(r.html) for r in runs if r.html]
    if (reports / REPORT_FILE).exists() and any(r.name.startswith(REPORT_NOTEBOOK_PREFIX) for r in runs):
        written.append(_shown(reports / REPORT_FILE))
    if (reports / "explorer.html").exists() and not args.notebooks and not args.no_explorer:
        written.append(_shown(reports / "explorer.html"))
    if written:
        print("wrote: " + ", ".join(written))
    print(f"build finished in {time.perf_counter() - started:.1f} s")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
