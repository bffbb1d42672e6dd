"""Running one notebook: a kernel of this interpreter in notebooks/, the study's environment, cell timings, and a
failure named by notebook and cell (`execute_notebook`, `prestart_kernel`, `find_notebooks`)."""
from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field
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

from .outputs import ENV_CORPUS, ENV_FIGURES, ENV_TABLES  # noqa: E402
from .paths import NOTEBOOKS_DIR, PROJECT_ROOT  # noqa: E402

REPORT_NOTEBOOK_PREFIX = "05"
REPORT_FILE = "report.html"
CELL_TIMEOUT = 600  # seconds per cell
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]  # no transport warning per notebook
# What every notebook's first cell imports (about 1.5 s): a prestarted kernel imports it while it waits.
WARM_UP = "import pandas, matplotlib.pyplot, analysis"
# An analysis notebook's kernel, started while the corpus is cleaned, also imports scikit-learn (0.8 s; tf-idf, NMF).
WARM_UP_ANALYSIS = WARM_UP + ", sklearn.feature_extraction.text, sklearn.decomposition"

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


def notebook_needs(path: Path | str) -> set[str]:
    """What a notebook reads of what the build's warm load computes, from its metadata (`"analysis": {"needs":
    ["corpus", "coding"]}`; the stages are corpus, coding and matrix): all three when it does not say. A parallel
    build starts a notebook that needs no term matrix while the matrix is still being made."""
    meta = nbformat.read(path, as_version=4).metadata.get("analysis", {})
    needs = meta.get("needs") if isinstance(meta, dict) else None
    return set(needs) if isinstance(needs, list) else {"corpus", "coding", "matrix"}


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


def _redirect_cell(figures_dir: Path | None, cache_dir: Path | None):
    lines = ["import pathlib as _pathlib"]
    if figures_dir is not None:
        lines += ["import analysis.outputs as _outputs",
                  f"_outputs._current['figures'] = _pathlib.Path({str(figures_dir)!r})"]
    if cache_dir is not None:  # every cache (corpus, regions, tokens, themes, counts) goes there
        lines += ["import os as _os",
                  f"_os.environ['ANALYSIS_CACHE_DIR'] = {str(cache_dir)!r}"]
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-by-build"]
    return cell


def _kernel_env(study: dict[str, str] | None = None) -> dict[str, str]:
    """The build's environment plus the project root on PYTHONPATH (works without install) and the
    study variables (corpus source, output folders) `analysis.study_corpus()` reads."""
    from .study import STUDY_ENV

    env = dict(os.environ)
    for key in (ENV_CORPUS, ENV_FIGURES, ENV_TABLES) + STUDY_ENV:
        env.pop(key, None)  # the build says which study and corpus, not the caller's shell
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


def prestart_kernel(path: Path | str, *, corpus=None, figures_dir=None, tables_dir=None, warm_up: str = WARM_UP,
                    env: dict[str, str] | None = None, **_):
    """Start the kernel `execute_notebook(path, kernel=...)` would start (same interpreter, folder and
    environment) and run `warm_up` in it silently (no history, no execution count); return its manager,
    or None when that fails (the notebook then starts its own kernel and meets the problem itself).
    `env`: the kernel's environment, `kernel_env(...)` worked out beforehand by a caller that starts the kernel
    on a thread while it changes its own environment (the build's warm load does).

    The build starts the analysis notebooks' kernels this way while it cleans the corpus, and the report's while
    the last analysis notebooks still run, so the report, which must wait for their tables, does not also wait
    for a kernel and its imports."""
    import asyncio

    path = Path(path)
    if env is None:
        env = _kernel_env(_study_env(corpus, figures_dir, tables_dir))

    async def start():
        km = _ThisInterpreterKernelManager(kernel_name="python3")
        kc = None
        try:
            await km.start_kernel(extra_arguments=KERNEL_ARGUMENTS, cwd=str(path.parent.resolve()), env=env)
            kc = km.client()
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            msg_id = kc.execute(warm_up, silent=True, store_history=False)
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

    for _ in range(3):  # kernels started at once can pick the same free port ("Address already in use"): again
        try:
            return asyncio.run(start())
        except Exception:  # noqa: BLE001 - in the end the notebook starts its own kernel and reports what goes wrong
            continue
    return None


def _study_env(corpus, figures_dir, tables_dir) -> dict[str, str]:
    """What tells a kernel its study: a `Study` (its file and the files it adds to the lexicon, stopwords,
    codebook and glossary) or a corpus source (the default study on it), and the output folders."""
    from .study import Study

    env = {}
    if isinstance(corpus, Study):
        env.update({k: v for k, v in corpus.environment().items() if v})
        if corpus.sources:  # its articles, also where they are not its file's (default_study(source))
            env[ENV_CORPUS] = os.pathsep.join(corpus.sources)
    elif corpus is not None:
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


