"""`python -m analysis build [--corpus SOURCE] [--out DIR]`: execute the notebooks in order and render the report.

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

import copy
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

# nbformat imports jsonschema, which imports rfc3987_syntax for one IRI format check that notebooks never
# need; that import builds a grammar for about 2 s on every build. Marked absent, jsonschema skips the check.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]

import nbformat  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import AsyncKernelManager  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402
from traitlets import default  # noqa: E402

from .outputs import ENV_CORPUS, ENV_FIGURES, ENV_TABLES, default_out, output_dirs, write_tables_readme  # noqa: E402

from .paths import NOTEBOOKS_DIR, PROJECT_ROOT, REPORTS_DIR  # noqa: E402
REPORT_NOTEBOOK_PREFIX = "05"
REPORT_FILE = "report.html"
CELL_TIMEOUT = 600  # seconds per cell
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]  # no transport warning per notebook
# What every notebook's first cell imports (about 1.5 s): a prestarted kernel imports it while it waits.
WARM_UP = "import pandas, matplotlib.pyplot, analysis"

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class BuildError(RuntimeError):
    """A notebook failed; the message names the notebook, the cell and the error."""

    def __init__(self, message: str, notebook: str, cell_index: int | None = None):
        super().__init__(message)
        self.notebook = notebook
        self.cell_index = cell_index


@dataclass
class NotebookRun:
    """What one notebook execution took: total, kernel start and each code cell."""

    name: str
    seconds: float = 0.0
    kernel_seconds: float = 0.0
    setup_seconds: float = 0.0  # the build's injected redirect cell (imports analysis), if any
    cells: list[tuple[int, str, float]] = field(default_factory=list)  # (index, first line, s)
    executed: Path | None = None
    html: Path | None = None


class _ThisInterpreterKernelManager(AsyncKernelManager):
    """Kernel manager whose "python3" is always the interpreter running the build.

    Looking in no kernel directories makes jupyter_client fall back to ipykernel's native
    spec (argv = [sys.executable, "-m", "ipykernel_launcher", ...]), so a user-level
    "python3" kernelspec pointing at another Python cannot hijack the build.
    """

    @default("kernel_spec_manager")
    def _default_kernel_spec_manager(self):
        return KernelSpecManager(kernel_dirs=[], parent=self)


def find_notebooks(selectors=None, notebooks_dir: Path | str | None = None) -> list[Path]:
    """The notebooks to run, in order: all `0*.ipynb`, or those whose name starts with a selector.

    Raises BuildError when a selector matches nothing.
    """
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    found = sorted(p for p in nb_dir.glob("[0-9]*.ipynb") if not p.name.startswith("."))
    if not selectors:
        return found
    chosen = []
    for sel in selectors:
        hits = [p for p in found if p.name.startswith(str(sel))]
        if not hits:
            names = ", ".join(p.stem for p in found) or "none"
            raise BuildError(f"no notebook in {nb_dir} starts with {sel!r} (have: {names})", str(sel))
        chosen += [p for p in hits if p not in chosen]
    return sorted(chosen)


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


def _redirect_cell(figures_dir: Path | None, cache_dir: Path | None):
    lines = ["import pathlib as _pathlib"]
    if figures_dir is not None:
        lines += ["import analysis.plots as _plots",
                  f"_plots.FIGURES_DIR = _pathlib.Path({str(figures_dir)!r})"]
    if cache_dir is not None:  # every cache (corpus, regions, tokens, themes, counts) goes there
        lines += ["import os as _os",
                  f"_os.environ['ANALYSIS_CACHE_DIR'] = {str(cache_dir)!r}"]
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-by-build"]
    return cell


def _kernel_env(study: dict[str, str] | None = None) -> dict[str, str]:
    """The build's environment plus the project root on PYTHONPATH (works without install) and the
    study variables (corpus source, output folders) `analysis.study_corpus()` reads."""
    env = dict(os.environ)
    for key in (ENV_CORPUS, ENV_FIGURES, ENV_TABLES):
        env.pop(key, None)  # the build says which corpus, not the caller's shell
    env.update(study or {})
    paths = [str(PROJECT_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # silence a debugger warning
    return env


def execute_notebook(
    path: Path | str,
    *,
    figures_dir: Path | str | None = None,
    cache_dir: Path | str | None = None,
    corpus=None,
    tables_dir: Path | str | None = None,
    timeout: int = CELL_TIMEOUT,
    progress: bool = True,
    position: int | None = None,
    kernel=None,
) -> tuple[nbformat.NotebookNode, NotebookRun, BuildError | None]:
    """Execute one notebook in a fresh kernel, working directory = the notebook's folder.

    Returns (executed notebook, timings, error or None). `figures_dir` sends the figures that
    `save_figure` writes elsewhere than figures/, `cache_dir` points every cache ($ANALYSIS_CACHE_DIR) elsewhere
    than .cache/tokens (tests and benchmarks use them; a hidden first cell sets both and is
    removed from the executed copy). `corpus` (a source `load_corpus` accepts) and `tables_dir`
    reach the notebook's `study_corpus()` through the kernel's environment. `kernel`: a kernel
    manager from `prestart_kernel` for this notebook, used instead of starting one (and shut down after).
    """
    path = Path(path)
    if kernel is not None and not _alive(kernel):
        _shutdown(kernel)  # the prestarted kernel died while it waited: its leftovers go, the notebook
        kernel = None      # starts its own
    study = _study_env(corpus, figures_dir, tables_dir)
    nb = nbformat.read(path, as_version=4)
    injected = 0
    if figures_dir is not None or cache_dir is not None:
        nb.cells.insert(0, _redirect_cell(figures_dir and Path(figures_dir).resolve(),
                                          cache_dir and Path(cache_dir).resolve()))
        injected = 1
    run = NotebookRun(name=path.stem)
    n_code = sum(c.cell_type == "code" and c.source.strip() != "" for c in nb.cells)
    bar = tqdm(total=n_code, desc=path.stem, unit="cell", disable=not progress, leave=True, position=position)
    state = {"index": None, "start": 0.0}
    t0 = time.perf_counter()

    def on_notebook_start(notebook):
        run.kernel_seconds = time.perf_counter() - t0

    def on_cell_start(cell, cell_index):
        state["index"], state["start"] = cell_index, time.perf_counter()

    def on_cell_executed(cell, cell_index, execute_reply):
        elapsed = time.perf_counter() - state["start"]
        if cell_index >= injected:
            run.cells.append((cell_index - injected, _first_line(cell.source), elapsed))
        else:
            run.setup_seconds += elapsed
        bar.update(1)

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        kernel_manager_class=_ThisInterpreterKernelManager,
        km=kernel,
        extra_arguments=KERNEL_ARGUMENTS,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_notebook_start=on_notebook_start,
        on_cell_start=on_cell_start,
        on_cell_executed=on_cell_executed,
    )
    error = None
    try:
        client.execute(env=_kernel_env(study), cleanup_kc=True)  # a prestarted kernel is shut down too
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = _describe_failure(path, nb, state["index"], exc, injected)
    except Exception as exc:  # kernel would not start, client trouble: still name the notebook
        error = _describe_failure(path, nb, state["index"], exc, injected)
    finally:
        bar.close()
        run.seconds = time.perf_counter() - t0
    if injected:
        del nb.cells[0]
    return nb, run, error


def prestart_kernel(path: Path | str, *, corpus=None, figures_dir=None, tables_dir=None, **_):
    """Start the kernel `execute_notebook(path, kernel=...)` would start (same interpreter, folder and
    environment) and run WARM_UP in it silently (no history, no execution count); return its manager,
    or None when that fails (the notebook then starts its own kernel and meets the problem itself).

    The build starts the report's kernel this way while the last analysis notebooks still run, so the
    report, which must wait for their tables, does not also wait for a kernel and its imports."""
    import asyncio

    path = Path(path)

    async def start():
        km = _ThisInterpreterKernelManager(kernel_name="python3")
        kc = None
        try:
            await km.start_kernel(extra_arguments=KERNEL_ARGUMENTS, cwd=str(path.parent.resolve()),
                                  env=_kernel_env(_study_env(corpus, figures_dir, tables_dir)))
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            msg_id = kc.execute(WARM_UP, silent=True, store_history=False)
            while True:
                reply = await kc.get_shell_msg(timeout=CELL_TIMEOUT)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"].get("status") != "ok":
                raise RuntimeError(f"warm-up failed: {reply['content'].get('ename')}")
        except BaseException:
            if kc is not None:
                kc.stop_channels()
            if km.has_kernel:
                await km.shutdown_kernel(now=True)
            raise
        kc.stop_channels()
        return km

    try:
        return asyncio.run(start())
    except Exception:  # noqa: BLE001 - the notebook starts its own kernel and reports what goes wrong
        return None


def _study_env(corpus, figures_dir, tables_dir) -> dict[str, str]:
    env = {}
    if corpus is not None:
        sources = corpus if isinstance(corpus, (list, tuple)) else [corpus]
        env[ENV_CORPUS] = os.pathsep.join(str(Path(s).resolve()) for s in sources)
    if figures_dir is not None:
        env[ENV_FIGURES] = str(Path(figures_dir).resolve())
    if tables_dir is not None:
        env[ENV_TABLES] = str(Path(tables_dir).resolve())
    return env


def _describe_failure(path, nb, index, exc, injected) -> BuildError:
    if index is None:
        return BuildError(f"notebook {path.name}: the kernel did not start: {type(exc).__name__}: {exc}", path.name)
    cell_no = index - injected
    if cell_no < 0:
        where = "the build's setup cell"
    else:
        where = f"cell {cell_no} ({_first_line(nb.cells[index].source)!r})"
    if isinstance(exc, CellExecutionError):
        what = f"{exc.ename}: {exc.evalue}"
        tail = [ln for ln in _ANSI.sub("", exc.traceback or "").splitlines() if ln.strip()][-12:]
        detail = "\n    ".join(tail)
    else:
        what, detail = f"{type(exc).__name__}: {exc}", ""
    message = f"notebook {path.name} failed at {where}: {what}"
    if detail:
        message += "\n  traceback (last lines):\n    " + detail
    return BuildError(message, path.name, cell_no)


def render_html(nb: nbformat.NotebookNode, out: Path | str, *, code: bool = True, title: str | None = None,
                image_dir: Path | str | None = None) -> Path:
    """Write `nb` as one self-contained HTML file; `code=False` hides code cells, prompts and stderr.

    Images referenced from Markdown are embedded as data URIs (relative to `image_dir`);
    figures shown as cell outputs are already embedded.
    """
    out = Path(out)
    body = html_text(nb, code=code, title=title or out.stem, image_dir=image_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def html_text(nb: nbformat.NotebookNode, *, code: bool = True, title: str = "notebook",
              image_dir: Path | str | None = None) -> str:
    """The HTML `render_html` writes, as a string."""
    if not code:  # a reader's copy: no code, no prompts, no stderr (warnings, progress bars)
        nb = copy.deepcopy(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    resources = {"metadata": {"name": title, "path": str(image_dir or NOTEBOOKS_DIR)}}
    with _EXPORTER_LOCK:  # one exporter per kind, its templates loaded once; not thread-safe, hence the lock
        body, _ = _exporter(code).from_notebook_node(nb, resources=resources)
    return body


_EXPORTER_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def _exporter(code: bool):
    """The HTML exporter with (code=True) or without code, prompts and stderr."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(embed_images=True)
    # The lab template passes every highlighted code cell through bleach: pygments' HTML is escaped already,
    # and re-parsing it took a third of the time of a page with code (the same bytes come out either way).
    if not exporter.sanitize_html:  # (with sanitize_html on, bleach stays)
        exporter.register_filter("clean_html", lambda html: html)
    if not code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    return exporter


def _report_title(nb) -> str:
    """The first level-1 heading of the notebook, in its Markdown cells or in what its cells displayed."""
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [
            out.get("data", {}).get("text/markdown", "") for out in cell.get("outputs", [])]
        for text in texts:
            for line in text.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "report"


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
) -> list[NotebookRun]:
    """Execute the selected notebooks (default: all) in order; write executed copies and HTML.

    Returns one NotebookRun per notebook. Raises BuildError at the first failing notebook
    (after writing its partly executed copy). `jobs` > 1 runs the analysis notebooks (all but
    the report, 05) that many at a time, each in its own kernel, then the report, which shows
    their figures; results are still written and checked in notebook order, and a failure stops
    the build before the report. `jobs=None` uses one per core, at most 4 (the analysis notebooks
    are independent: each loads the corpus itself, and the caches are written atomically; with a
    `corpus` and jobs > 1 the build cleans it once first, `warm_load`, so they all read it).

    `corpus`: the source the notebooks analyse (default: the seed articles); `out`: the folder
    that receives figures/, tables/, executed/ and the HTML (default: the project's figures/ and
    reports/ for the seed corpus, build/<corpus name>/ for any other). `reports_dir` and
    `figures_dir` override single folders; tables go to reports_dir/tables.
    """
    if jobs is None:
        jobs = default_jobs()
    nb_dir = Path(notebooks_dir) if notebooks_dir is not None else NOTEBOOKS_DIR
    if out is None and corpus is not None:
        out = default_out(corpus)
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
    if len(first) > 1 and corpus is not None:
        warm_load(corpus, cache_dir)
    results, prestarted, html_pool = {}, {}, None

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

    try:
        if len(first) > 1:
            from concurrent.futures import ThreadPoolExecutor  # kernels are processes: threads only wait

            # Longest first (by the last build's time) so the slowest notebook does not start last. A finished
            # notebook's HTML is made on a thread of its own while the other kernels (and then the report) run,
            # and its slot takes the next notebook at once instead of waiting for the HTML.
            order = sorted(first, key=lambda p: -previous_seconds(out_dir / "executed" / p.name))
            html_pool = ThreadPoolExecutor(max_workers=1)
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                def run_one(path, position):
                    result = execute_notebook(path, position=position, **options)
                    return result, html_pool.submit(pages, path, result)

                futures = {p: pool.submit(run_one, p, i) for i, p in enumerate(order)}
                # The report's kernel starts in the first slot that frees after every analysis notebook started.
                report = [p for p in paths if p not in first and p.name.startswith(REPORT_NOTEBOOK_PREFIX)]
                prestarted = {p: pool.submit(prestart_kernel, p, **options) for p in report[:1]}
                try:
                    results.update({p: f.result() for p, f in futures.items()})
                except BaseException:  # interrupted: no kernel is started for a report that will not run
                    for f in prestarted.values():
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
    finally:
        if results:  # interrupted while the report ran: keep what the notebooks before it gave
            try:
                finish_first()
            except BaseException:  # noqa: BLE001 - the interruption is what the caller sees
                pass
        for f in prestarted.values():  # a kernel started for a report that did not run on it
            km = f.result() if f.done() and not f.cancelled() and f.exception() is None else None
            if km is not None:
                _shutdown(km)
        if html_pool is not None:
            html_pool.shutdown(cancel_futures=True)
    if tables_dir.exists():
        write_tables_readme(tables_dir)
    return runs


def _alive(km) -> bool:
    import asyncio

    try:
        return bool(asyncio.run(km.is_alive()))
    except Exception:  # noqa: BLE001
        return False


def _shutdown(km) -> None:
    """Shut down a prestarted kernel that will not run its notebook."""
    import asyncio

    try:
        asyncio.run(km.shutdown_kernel(now=True))
    except Exception:  # noqa: BLE001 - already gone
        pass


def warm_load(corpus, cache_dir: Path | str | None = None) -> None:
    """Clean the corpus, split its paragraphs and tokenize them once, in this process, before the
    notebooks start together: each then reads them from the caches instead of all computing the same at
    the same time on the same cores (on the 58,063 CCTV items the build fell from 242 s to 198 s).
    A corpus that does not load is left for the notebooks to report."""
    import warnings

    from .corpus import load_corpus, paragraphs
    from .segment import tokenize_corpus

    if os.environ.get("ANALYSIS_SCHEDULER"):  # a cluster cleans it (and caches its dataset) itself
        return
    source = _study_env(corpus, None, None)[ENV_CORPUS].split(os.pathsep)  # as study_corpus() reads it
    old = os.environ.get("ANALYSIS_CACHE_DIR")
    if cache_dir is not None:
        os.environ["ANALYSIS_CACHE_DIR"] = str(cache_dir)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the notebooks show the load's warnings
            loaded = load_corpus(source[0] if len(source) == 1 else source, errors="skip")
        tokenize_corpus(paragraphs(loaded)["text"], joined=True, progress=True)  # the cache keeps them
    except Exception:  # noqa: BLE001 - whatever it is, each notebook meets it in its first cell and says so
        pass
    finally:
        if cache_dir is not None:
            if old is None:
                os.environ.pop("ANALYSIS_CACHE_DIR", None)
            else:
                os.environ["ANALYSIS_CACHE_DIR"] = old


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


def main(argv: list[str] | None = None) -> int:
    """Command line: `python -m analysis build [NN ...] [--corpus SOURCE] [--out DIR] [--no-html] [--quiet]`."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="execute the notebooks in order and render reports/")
    b.add_argument("notebooks", nargs="*", help="name prefixes, e.g. 03 (default: all notebooks)")
    b.add_argument("--corpus", action="append", default=None, metavar="SOURCE",
                   help="the corpus to analyse: anything load_corpus accepts (repeat for several); "
                        "default: the seed articles in data/raw")
    b.add_argument("--out", default=None, metavar="DIR",
                   help="write figures/, tables/, executed/ and the HTML under DIR (default: figures/ and "
                        "reports/ for the seed corpus, build/<corpus name>/ for any other)")
    b.add_argument("--no-html", action="store_true", help="write executed notebooks only")
    b.add_argument("--quiet", action="store_true", help="no progress bars")
    b.add_argument("-j", "--jobs", type=int, default=None,
                   help="run this many analysis notebooks at a time (the report runs last); "
                        f"default: one per core, at most 4 (here {default_jobs()})")
    b.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="a Dask scheduler (tcp://host:8786): load_corpus cleans and the counting functions "
                        "run on its workers (sets ANALYSIS_SCHEDULER for the kernels; see analysis/cluster.py)")
    args = parser.parse_args(argv)
    if args.scheduler:
        os.environ["ANALYSIS_SCHEDULER"] = args.scheduler  # the kernels inherit it (_kernel_env)

    started = time.perf_counter()
    if not find_notebooks(None):
        print(f"no notebooks to run in {NOTEBOOKS_DIR}", file=sys.stderr)
        return 1
    corpus = None if not args.corpus else (args.corpus[0] if len(args.corpus) == 1 else args.corpus)
    out = args.out if args.out is not None else default_out(corpus)
    reports = output_dirs(out)["reports"]
    try:
        runs = build(args.notebooks, corpus=corpus, out=out, html=not args.no_html, progress=not args.quiet,
                     jobs=args.jobs)
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
    if written:
        print("wrote: " + ", ".join(written))
    print(f"build finished in {time.perf_counter() - started:.1f} s")
    return 0


def _shown(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
