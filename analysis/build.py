"""`python -m analysis build`: execute the notebooks in order (the analysis notebooks in parallel, the report
last) and write executed copies, HTML pages, the report and the evidence explorer.

The notebooks analyse the corpus `analysis.study_corpus()` returns: the seed articles (data/raw) by
default, or SOURCE (anything `load_corpus` accepts), which the build passes to each kernel in the
environment (ANALYSIS_CORPUS, with ANALYSIS_FIGURES_DIR and ANALYSIS_TABLES_DIR for the outputs).
The seed build writes figures/, reports/ and reports/tables/; a build on another corpus writes
DIR/figures, DIR/tables, DIR/executed, DIR/NN_name.html and DIR/report.html (DIR defaults to
build/<corpus name>/) and never touches figures/ or reports/.

Each notebook under notebooks/ whose name starts with a digit runs in a fresh kernel of the
running interpreter, with notebooks/ as working directory. The executed copy goes to
reports/executed/NN_name.ipynb and its HTML to reports/NN_name.html; the notebooks themselves
are never written. Notebook 05 is also rendered without code to reports/report.html, one
self-contained file (figures embedded) that can be mailed.

A failing cell stops the build with a `BuildError` naming the notebook, the cell (index and
first source line) and the error; the partly executed copy is still written for inspection.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import wait as futures_wait
from contextlib import contextmanager
from pathlib import Path

from .kernels import (  # noqa: F401
    CELL_TIMEOUT,
    REPORT_FILE,
    REPORT_NOTEBOOK_PREFIX,
    WARM_UP_ANALYSIS,
    BuildError,
    NotebookRun,
    _kernel_env,
    _shutdown,
    _study_env,
    execute_notebook,
    find_notebooks,
    nbformat,  # (through kernels.py, whose guard keeps jsonschema's unused IRI grammar out: see there)
    notebook_needs,
    prestart_kernel,
)
from .outputs import default_out, output_dirs, write_tables_readme
from .parallel import EXPLORER_NICE, Background, small_pages
from .paths import NOTEBOOKS_DIR, REPORTS_DIR  # noqa: F401 (re-exported)
from .render import _report_title, html_text, render_html  # noqa: F401 (re-exported)


def build(
    selectors=None,
    *,
    notebooks_dir: Path | str | None = None,
    reports_dir: Path | str | None = None,
    figures_dir: Path | str | None = None,
    cache_dir: Path | str | None = None,
    corpus=None,
    out: Path | str | None = None,
    html: bool = True,
    progress: bool = True,
    jobs: int | None = None,
    explorer: bool | None = None,
) -> list[NotebookRun]:
    """Execute the selected notebooks (default: all) in order; write executed copies and HTML.

    Returns one NotebookRun per notebook. Raises BuildError at the first failing notebook
    (after writing its partly executed copy). `jobs` > 1 runs the analysis notebooks (all but
    the report, 05) that many at a time, each in its own kernel, then the report, which shows
    their figures; results are still written and checked in notebook order, and a failure stops
    the build before the report. `jobs=None` uses one per core, at most 4 (the analysis notebooks
    are independent: each loads the corpus itself, and the caches are written atomically; with a
    `corpus` and jobs > 1 the build cleans it once first, `warm_load`, so they all read it). The evidence explorer
    (`explorer`; default: with the HTML of a whole build) reads the same caches, not the notebooks: with jobs > 1 it
    is written in a forked process while they run, and its failure fails the build once they are done.

    `corpus`: the study the notebooks analyse (a `Study` from `load_study`/`read_study`) or a source for the
    default study (default: the seed study); `out`: the folder that receives figures/, tables/, executed/ and
    the HTML (default: the study's own: the project's figures/ and reports/ for the seed study, build/ beside a
    study file, build/<corpus name>/ for a source). `reports_dir` and
    `figures_dir` override single folders; tables go to reports_dir/tables.
    """
    if jobs is None:
        jobs = default_jobs()
    small_pages()  # here, in the forked processes and (through the environment) in the kernels
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    from .study import Study

    if out is None and corpus is not None:
        out = corpus.out if isinstance(corpus, Study) else default_out(corpus)
    dirs = output_dirs(out)
    out_dir = Path(reports_dir) if reports_dir is not None else dirs["reports"]
    figures_dir = Path(figures_dir) if figures_dir is not None else dirs["figures"]
    tables_dir = out_dir / "tables" if reports_dir is not None else dirs["tables"]
    (out_dir / "executed").mkdir(parents=True, exist_ok=True)
    paths = find_notebooks(selectors, nb_dir)
    options = dict(figures_dir=figures_dir, cache_dir=cache_dir, progress=progress, corpus=corpus,
                   tables_dir=tables_dir)
    runs: list[NotebookRun] = []

    def pages(path, result) -> dict[Path, str]:
        """The HTML files of a notebook that ran through (empty when it failed or html=False)."""
        nb, _, error = result
        if not html or error is not None:
            return {}
        pages = {out_dir / f"{path.stem}.html": html_text(nb, title=path.stem, image_dir=nb_dir)}
        if path.name.startswith(REPORT_NOTEBOOK_PREFIX):
            pages[out_dir / REPORT_FILE] = html_text(nb, code=False, title=_report_title(nb), image_dir=nb_dir)
        return pages

    def finish(path, result, html_pages):
        """Write the executed copy (also of a failed notebook, for inspection) and its HTML; raise on failure."""
        nb, run, error = result
        run.executed = out_dir / "executed" / path.name
        nbformat.write(nb, run.executed)
        for target, body in html_pages.items():
            target.write_text(body, encoding="utf-8")
        run.html = next(iter(html_pages), None)
        runs.append(run)
        if error is not None:
            error.runs = runs
            raise error

    first = [p for p in paths if not p.name.startswith(REPORT_NOTEBOOK_PREFIX)] if jobs > 1 else []
    paras, results, prestarted, html_pool, kernel_pool = None, {}, {}, None, None
    if len(first) > 1:
        import tempfile
        from concurrent.futures import ThreadPoolExecutor  # kernels are processes: threads only wait

        tempfile.gettempdir()  # found once here: finding it on a thread holds a lock a forked process would inherit
        # Each analysis notebook's kernel starts and imports while the corpus is cleaned (one core is free for
        # much of that time), instead of on the cores the notebooks then share
        kernel_pool = ThreadPoolExecutor(max_workers=len(first))
        env = _kernel_env(_study_env(corpus, figures_dir, tables_dir))  # here: the warm load changes os.environ
        prestarted = {p: kernel_pool.submit(prestart_kernel, p, warm_up=WARM_UP_ANALYSIS, env=env, **options)
                      for p in first}

    def finish_first():
        """Write the parallel notebooks' copies and HTML in notebook order (raises at the first failure;
        nothing after it is kept)."""
        try:
            while results:
                path = next(p for p in first if p in results)
                result, html_future = results.pop(path)
                finish(path, result, html_future.result())
        except BaseException:
            results.clear()
            raise

    explorer_job = matrix_job = None
    want_explorer = explorer if explorer is not None else (html and not selectors)
    # the warm load's corpus and coding, which the explorer's process takes as they are where it is forked (sent
    # through a pipe they would cost more than reading the caches)
    loaded: dict | None = {} if want_explorer and "fork" in mp.get_all_start_methods() else None
    try:  # (a failure anywhere below stops the background jobs and shuts down the prestarted kernels)
        if len(first) > 1 and corpus is not None:
            paras = warm_load(corpus, cache_dir, progress=progress, matrix=False, keep=loaded)
        # The explorer's and the matrix's processes are forked: a lock another thread holds at that moment stays
        # held in the child for ever (a kernel starting on a thread held tempfile's, and the explorer's process
        # waited in mkdtemp). So the kernels finish starting first; on a large corpus they long have.
        futures_wait(list(prestarted.values()))
        if want_explorer:
            # The explorer reads what the warm load cached, not what the notebooks make: it is written in a process
            # of its own while the notebooks run (the cores are not both busy all the time: kernels start, wait)
            explorer_job = _start_explorer(corpus, out_dir, figures_dir, cache_dir, progress,
                                           parallel=len(first) > 1, **(loaded or {}))
            loaded = None  # (the forked process has its copy; this one lets them go)
        if paras is not None:
            # The term matrix in a process of its own: meanwhile the notebooks that need only the clean corpus and
            # its coding (their metadata says so, `notebook_needs`) run, so that no core waits for the other
            matrix_job = Background(_warm_matrix, (corpus, cache_dir, paras, progress), "term matrix")
        early = [p for p in first if matrix_job is not None and notebook_needs(p) <= {"corpus", "coding"}]
        if len(first) > 1:
            # Longest first (by the last build's time) so the slowest notebook does not start last. A finished
            # notebook's HTML is made on a thread of its own while the other kernels (and then the report) run,
            # and its slot takes the next notebook at once instead of waiting for the HTML.
            order = sorted(first, key=lambda p: (p not in early, -previous_seconds(out_dir / "executed" / p.name)))
            html_pool = ThreadPoolExecutor(max_workers=1)
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                def run_one(path, position):
                    kernel = prestarted.pop(path).result() if path in prestarted else None
                    result = execute_notebook(path, position=position, kernel=kernel, **options)
                    return result, html_pool.submit(pages, path, result)

                futures = {p: pool.submit(run_one, p, i) for i, p in enumerate(order) if p in early}
                if matrix_job is not None:
                    try:
                        matrix_job.result()  # the rest read the matrix
                    except Exception:  # noqa: BLE001 - its process died (memory?): each notebook makes it itself
                        pass
                futures.update({p: pool.submit(run_one, p, i) for i, p in enumerate(order) if p not in early})
                # The report's kernel starts in the first slot that frees after every analysis notebook started.
                report = [p for p in paths if p not in first and p.name.startswith(REPORT_NOTEBOOK_PREFIX)]
                prestarted.update({p: pool.submit(prestart_kernel, p, **options) for p in report[:1]})
                try:
                    results.update({p: f.result() for p, f in futures.items()})
                except BaseException:  # interrupted: no kernel is started for a report that will not run
                    for f in list(prestarted.values()):  # (a copy: the notebooks' threads take theirs out)
                        f.cancel()
                    raise
            if any(result[2] is not None for result, _ in results.values()):
                finish_first()  # raises at the first failure, in notebook order
        else:
            first = []
        for path in paths:
            if path not in first:
                if path.name.startswith(REPORT_NOTEBOOK_PREFIX) and tables_dir.exists():
                    write_tables_readme(tables_dir)  # one README once every table is written
                # A prestarted kernel (its future is done: the pool has shut down) is shut down by execute_notebook.
                kernel = prestarted.pop(path).result() if path in prestarted else None
                result = execute_notebook(path, kernel=kernel, **options)
                finish_first()  # the notebooks before it first
                finish(path, result, pages(path, result))
        finish_first()
    except BaseException:
        for job in (explorer_job, matrix_job):
            if job is not None:
                job.stop()
        raise
    finally:
        if results:  # interrupted while the report ran: keep what the notebooks before it gave
            try:
                finish_first()
            except BaseException:  # noqa: BLE001 - the interruption is what the caller sees
                pass
        _shutdown_prestarted(prestarted)  # kernels started for notebooks that did not run on them
        if kernel_pool is not None:
            kernel_pool.shutdown(cancel_futures=True)
        if html_pool is not None:
            html_pool.shutdown(cancel_futures=True)
    if tables_dir.exists():
        write_tables_readme(tables_dir)
    if explorer_job is not None:
        explorer_job.result()
    return runs


def _shutdown_prestarted(prestarted: dict) -> None:
    """Shut down the kernels `prestart_kernel` started (or is starting) for notebooks that did not run on them."""
    for f in prestarted.values():
        if f.cancel():
            continue
        try:
            km = f.result()
        except BaseException:  # noqa: BLE001 - it failed to start: nothing to shut down
            km = None
        if km is not None:
            _shutdown(km)
    prestarted.clear()


def _start_explorer(corpus, out_dir, figures_dir, cache_dir, progress: bool, parallel: bool, articles=None,
                    coded=None) -> Background:
    # in a process of its own no progress bar: it would tangle with the notebooks'
    return Background(write_study_explorer, (corpus, out_dir, figures_dir, cache_dir, progress and not parallel,
                                             articles, coded), "evidence explorer", parallel, nice=EXPLORER_NICE)


def write_study_explorer(corpus, out_dir: Path, figures_dir: Path, cache_dir=None, progress: bool = True,
                         articles=None, coded=None) -> Path:
    """The evidence explorer of the build's study (`explorer.html` beside the report) and a screenshot of each of
    its views in the figures folder (when a browser is installed). The corpus and its coding come from the caches
    the notebooks filled, or are given: `articles` (the study's corpus) and `coded` (its paragraphs coded), as the
    warm load had them (the build's forked process takes them as they are instead of reading the caches again:
    about 2 s of its work on 58k articles)."""
    import warnings
    from concurrent.futures import ThreadPoolExecutor

    from .explorer import screenshot_explorer, write_explorer
    from .explorer.shots import start_browser, why_no_browser

    study = _as_study(corpus)
    # The browser for the screenshots (selenium's import and Chromium's start, 1.3 s) starts on a thread while
    # the explorer is written: in the build the explorer is the last to finish
    starter = ThreadPoolExecutor(max_workers=1) if why_no_browser() is None else None
    browser = starter.submit(start_browser) if starter is not None else None
    try:
        with _study_environment(study, cache_dir), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # notebook 01 shows the load's warnings
            if articles is None:
                articles, coded = study.corpus(progress=progress), None  # (a coding of other articles is not theirs)
            written: dict = {}
            page = write_explorer(out_dir, articles, coded=coded, group_fields=list(study.group_by) or None,
                                  period=study.period or "year", title=study.title, keep=written)
        if browser is not None:
            driver, browser = browser.result(), None
            screenshot_explorer(page, figures_dir, driver=driver, explorer=written.get("explorer"))  # (quits it)
    finally:
        if browser is not None:  # the explorer failed: the browser is not wanted
            try:
                browser.result().quit()
            except Exception:  # noqa: BLE001 - it did not start either: nothing to quit
                pass
        if starter is not None:
            starter.shutdown()
    return page


def _as_study(corpus):
    """The build's study: `corpus` itself when it is a Study, else the default study on that source."""
    from .study import Study, default_study

    return corpus if isinstance(corpus, Study) else default_study(corpus)


@contextmanager
def _study_environment(study, cache_dir=None):
    """The study's files (and the build's cache folder) in this process's environment while the build works on
    the study here; the caller's environment afterwards."""
    saved = {k: os.environ.get(k) for k in list(study.environment()) + ["ANALYSIS_CACHE_DIR"]}
    if cache_dir is not None:
        os.environ["ANALYSIS_CACHE_DIR"] = str(cache_dir)
    os.environ.update(study.environment())  # the study's lexicon and stopwords key the token cache
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def warm_load(corpus, cache_dir: Path | str | None = None, progress: bool = True, matrix: bool = True,
              keep: dict | None = None):
    """Clean the corpus, split its paragraphs, code them and (`matrix`) tokenize them and count their terms once,
    in this process, before the notebooks start together: each then reads them from the caches instead of all
    computing the same at the same time on the same cores (on the 58,063 CCTV items the build fell from 242 s to
    198 s; the term matrix, analysis.terms.matrix, saves each notebook reading the tokens and counting them).
    Returns the paragraphs (None when the corpus does not load: that is left for the notebooks to report).
    `keep`: a dict that receives the loaded corpus and its coded paragraphs (keep["articles"], keep["coded"])."""
    import warnings

    from .corpus import load_corpus, paragraphs
    from .themes import code_paragraphs

    if os.environ.get("ANALYSIS_SCHEDULER"):  # a cluster cleans it (and caches its dataset) itself
        return None
    study = _as_study(corpus)
    with _study_environment(study, cache_dir):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the notebooks show the load's warnings
                loaded = (study.corpus(progress=progress) if study.sources
                          else load_corpus(errors="skip", progress=progress))
            paras = paragraphs(loaded)
            coded = code_paragraphs(paras)  # the coding notebook 03 and the explorer read (theme cache)
            if keep is not None and study.sources:  # (what the explorer's study.corpus() would read)
                keep.update(articles=loaded, coded=coded)
        except Exception:  # noqa: BLE001 - whatever it is, each notebook meets it in its first cell and says so
            return None
    if matrix:
        _warm_matrix(study, cache_dir, paras, progress)
    return paras


def _warm_matrix(corpus, cache_dir, paras, progress: bool) -> None:
    """The paragraphs' tokens and term counts (`paragraph_term_matrix`), cached for the notebooks."""
    from .terms.matrix import paragraph_term_matrix

    study = _as_study(corpus)
    with _study_environment(study, cache_dir):
        try:
            paragraph_term_matrix(paras["text"], progress=progress)
        except Exception:  # noqa: BLE001 - the notebooks that read the matrix meet it and say so
            pass


def previous_seconds(executed: Path) -> float:
    """Wall time of a notebook's last build, from the cell timings nbclient records in its executed copy
    (0 when there is none)."""
    from datetime import datetime

    try:
        cells = nbformat.read(executed, as_version=4).cells
        stamps = [c.metadata["execution"] for c in cells if c.cell_type == "code" and "execution" in c.metadata]
        start = datetime.fromisoformat(stamps[0]["iopub.status.busy"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(stamps[-1]["shell.execute_reply"].replace("Z", "+00:00"))
        return (end - start).total_seconds()
    except (OSError, ValueError, KeyError, IndexError):
        return 0.0


def default_jobs() -> int:
    """Notebooks to run at a time by default: one per core, at most 4 (there are four analysis notebooks)."""
    return max(1, min(os.cpu_count() or 1, 4))


def timing_table(runs: list[NotebookRun]) -> str:
    """Per-notebook timing summary: total, kernel start, cells, and the slowest cell."""
    lines = [f"{'notebook':<28}{'total s':>9}{'kernel s':>10}{'cells s':>9}  slowest cell"]
    for r in runs:
        cells = sum(c[2] for c in r.cells)
        slow = max(r.cells, key=lambda c: c[2], default=None)
        slow_txt = f"#{slow[0]} {slow[2]:.1f}s {slow[1][:40]}" if slow else "-"
        lines.append(f"{r.name:<28}{r.seconds:>9.1f}{r.kernel_seconds:>10.1f}{cells:>9.1f}  {slow_txt}")
    lines.append(f"{'sum':<28}{sum(r.seconds for r in runs):>9.1f}")
    return "\n".join(lines)


