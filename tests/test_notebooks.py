"""The notebooks: each executes, is committed without outputs, and rebuilds the same figures.

Every notebook is executed once per test session (shared fixture) with its figures sent to a
temporary folder, so the test run never rewrites figures/ or reports/.
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import nbformat
import pytest

from analysis.build import (
    NOTEBOOKS_DIR,
    REPORT_NOTEBOOK_PREFIX,
    BuildError,
    build,
    execute_notebook,
    find_notebooks,
    render_html,
)
from analysis.paths import RAW_DIR

NOTEBOOKS = find_notebooks()
ANALYSIS_NOTEBOOKS = [p for p in NOTEBOOKS if not p.name.startswith(REPORT_NOTEBOOK_PREFIX)]


def _ids(paths):
    return [p.stem for p in paths]


def _hashes(folder: Path, prefix: str) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.glob(f"{prefix}_*"))
        if p.suffix in {".png", ".svg"}
    }


@pytest.fixture(scope="session")
def executed(tmp_path_factory):
    """Execute every notebook once, in order; figures go to a temporary folder.

    Returns {stem: (executed notebook, NotebookRun, BuildError or None)} and the figure folder.
    """
    figures = tmp_path_factory.mktemp("figures")
    tables = tmp_path_factory.mktemp("tables")  # the tables 02-04 write and 05 reads: not reports/tables
    results = {}
    for path in NOTEBOOKS:
        results[path.stem] = execute_notebook(path, figures_dir=figures, tables_dir=tables, progress=False)
    return results, figures


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_executes(executed, path):
    results, _ = executed
    nb, run, error = results[path.stem]
    if error is not None:
        pytest.fail(str(error), pytrace=False)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert code, f"{path.name} has no code cells"
    assert all(c.execution_count is not None for c in code)
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors


@pytest.mark.parametrize("path", ANALYSIS_NOTEBOOKS, ids=_ids(ANALYSIS_NOTEBOOKS))
def test_notebook_saves_its_figures(executed, path):
    """Each analysis notebook writes PNG and SVG figures named after its number."""
    results, figures = executed
    if results[path.stem][2] is not None:
        pytest.skip("notebook failed; see test_notebook_executes")
    number = path.name[:2]
    pngs = sorted(figures.glob(f"{number}_*.png"))
    assert pngs, f"{path.name} saved no figure named {number}_*"
    for png in pngs:
        assert png.with_suffix(".svg").exists(), f"{png.name} has no SVG twin"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} have outputs; clear them with "
        f"`jupyter nbconvert --clear-output --inplace {path.relative_to(NOTEBOOKS_DIR.parent)}`"
    )


def test_two_builds_give_the_same_figures(executed, tmp_path):
    """Re-running the first notebook on an unchanged tree rewrites byte-identical PNG and SVG."""
    results, figures = executed
    first = ANALYSIS_NOTEBOOKS[0]
    if results[first.stem][2] is not None:
        pytest.skip("notebook failed; see test_notebook_executes")
    before = _hashes(figures, first.name[:2])
    assert before, f"{first.name} saved no figures to compare"
    again = tmp_path / "figures"
    _, _, error = execute_notebook(first, figures_dir=again, tables_dir=tmp_path / "tables", progress=False)
    assert error is None, str(error)
    after = _hashes(again, first.name[:2])
    assert after == before


def test_report_html_has_no_code_and_embeds_its_figures(executed, tmp_path):
    results, _ = executed
    report = [p for p in NOTEBOOKS if p.name.startswith(REPORT_NOTEBOOK_PREFIX)]
    if not report:
        pytest.skip("no report notebook yet")
    nb, _, error = results[report[0].stem]
    assert error is None, str(error)
    html = render_html(nb, tmp_path / "report.html", code=False).read_text(encoding="utf-8")
    with_code = render_html(nb, tmp_path / "with_code.html").read_text(encoding="utf-8")
    editor = re.compile(r'class="[^"]*jp-InputArea-editor')  # the box a code cell's source sits in
    assert editor.search(with_code)
    assert not editor.search(html), "report.html shows code cells"
    assert not re.search(r'class="[^"]*jp-InputPrompt', html), "report.html shows prompts"
    assert "Traceback" not in html and "Warning" not in html
    srcs = re.findall(r"<img[^>]*\ssrc=\"([^\"]*)\"", html)
    assert srcs, "the report shows no figures"
    assert all(s.startswith("data:image/") for s in srcs), "a figure is linked, not embedded"


# ------------------------------------------------------------------ the build command itself


def _notebook(folder: Path, name: str, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_build_stops_naming_notebook_and_cell(tmp_path, jobs):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    ok = _notebook(nbs, "01_ok.ipynb", "import os\nprint(os.getcwd())")
    _notebook(nbs, "02_bad.ipynb", "x = 1", "y = {}\ny['missing']")
    _notebook(nbs, "03_never.ipynb", "print('not reached')")
    source_before = ok.read_bytes()
    reports = tmp_path / "reports"
    with pytest.raises(BuildError) as info:
        build(notebooks_dir=nbs, reports_dir=reports, progress=False, jobs=jobs)
    message = str(info.value)
    assert "02_bad.ipynb" in message
    assert "cell 1" in message and "y = {}" in message
    assert "KeyError" in message and "missing" in message
    assert info.value.cell_index == 1
    # executed copies and HTML under reports/, notebooks untouched, later notebooks not run
    assert ok.read_bytes() == source_before
    assert (reports / "01_ok.html").exists()
    executed_ok = nbformat.read(reports / "executed" / "01_ok.ipynb", as_version=4)
    assert executed_ok.cells[0].outputs[0].text.strip() == str(nbs)  # cwd = notebooks folder
    assert (reports / "executed" / "02_bad.ipynb").exists()  # partial copy kept for inspection
    assert not (reports / "executed" / "03_never.ipynb").exists()  # with jobs=2 it ran, but is not kept


def _record_prestarts(monkeypatch) -> dict:
    """Wrap build.prestart_kernel: by notebook name, the manager it returns, with its kernel's process id."""
    import analysis.build as build_module

    started, original = {}, build_module.prestart_kernel

    def recording(path, **kwargs):
        km = original(path, **kwargs)
        started[Path(path).name] = (km, km.provisioner.process.pid if km is not None else None)
        return km

    monkeypatch.setattr(build_module, "prestart_kernel", recording)
    return started


def _alive(km) -> bool:
    import asyncio

    return bool(asyncio.run(km.is_alive()))


def test_parallel_build_runs_every_notebook_on_a_kernel_started_before_it(tmp_path, monkeypatch):
    """With jobs > 1 each analysis notebook runs on a kernel build.prestart_kernel started (and warmed up,
    silently) while the corpus was loaded, and the report on one started while the others ran: in the notebooks
    folder, after the others, and each shut down after."""
    started = _record_prestarts(monkeypatch)
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    pid_cell = "import os\nprint(os.getpid())"
    _notebook(nbs, "01_a.ipynb", pid_cell, "import time\ntime.sleep(1)\nopen('a.done', 'w').close()")
    _notebook(nbs, "02_b.ipynb", pid_cell, "import time\ntime.sleep(1)\nopen('b.done', 'w').close()")
    _notebook(nbs, f"{REPORT_NOTEBOOK_PREFIX}_report.ipynb",
              "import os\nprint(os.getpid(), os.getcwd(), sorted(os.listdir('.')))")
    runs = build(notebooks_dir=nbs, reports_dir=tmp_path / "reports", progress=False, jobs=2)
    assert [r.name for r in runs] == ["01_a", "02_b", f"{REPORT_NOTEBOOK_PREFIX}_report"]
    report_name = f"{REPORT_NOTEBOOK_PREFIX}_report.ipynb"
    assert sorted(started) == ["01_a.ipynb", "02_b.ipynb", report_name]
    for name in ("01_a.ipynb", "02_b.ipynb"):
        executed = nbformat.read(tmp_path / "reports" / "executed" / name, as_version=4)
        km, prestarted_pid = started[name]
        assert km is not None and int(executed.cells[0].outputs[0].text) == prestarted_pid
        assert executed.cells[0].execution_count == 2  # after the build's hidden setup cell: the warm-up counts nothing
        assert not _alive(km)
    report = nbformat.read(tmp_path / "reports" / "executed" / report_name, as_version=4)
    cell = report.cells[0]
    pid, cwd, listing = cell.outputs[0].text.strip().split(" ", 2)
    km, prestarted_pid = started[report_name]
    assert km is not None and int(pid) == prestarted_pid  # the report ran on the prestarted kernel
    assert cwd == str(nbs)
    assert "'a.done'" in listing and "'b.done'" in listing  # the report ran after both
    assert cell.execution_count == 2
    assert not _alive(km)


def test_failed_parallel_build_leaves_no_prestarted_kernel(tmp_path, monkeypatch):
    """The last analysis notebook fails: the build stops before the report and shuts its kernel down."""
    started = _record_prestarts(monkeypatch)
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01_a.ipynb", "x = 1")
    _notebook(nbs, "02_b.ipynb", "import time\ntime.sleep(2)\n1 / 0")
    _notebook(nbs, f"{REPORT_NOTEBOOK_PREFIX}_report.ipynb", "open('report.ran', 'w').close()")
    with pytest.raises(BuildError, match="02_b"):
        build(notebooks_dir=nbs, reports_dir=tmp_path / "reports", progress=False, jobs=2)
    assert {"01_a.ipynb", "02_b.ipynb"} <= set(started)  # and the report's, unless the failure came first
    for km, _ in started.values():
        assert km is not None and not _alive(km)
    assert not (nbs / "report.ran").exists()
    assert (tmp_path / "reports" / "executed" / "01_a.ipynb").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="the explorer's process is forked (inherits the stand-in) on Linux")
def test_parallel_build_writes_the_explorer_beside_the_notebooks_and_raises_its_error(tmp_path, monkeypatch):
    """With jobs > 1 the explorer is written in a process of its own while the notebooks run: it starts before
    the first notebook ends, and its failure is the build's failure, after the notebooks' copies are written."""
    import analysis.build as build_module

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01_a.ipynb", "import time\ntime.sleep(3)\nopen('a.done', 'w').close()")
    _notebook(nbs, "02_b.ipynb", "x = 1")

    def broken(corpus, out_dir, figures_dir, cache_dir=None, progress=True, articles=None, coded=None):
        (Path(out_dir) / "explorer.started").write_text(str((nbs / "a.done").exists()))
        raise ValueError("the explorer broke")

    monkeypatch.setattr(build_module, "write_study_explorer", broken)
    with pytest.raises(ValueError, match="the explorer broke"):
        build(notebooks_dir=nbs, reports_dir=tmp_path / "reports", progress=False, jobs=2)
    assert (tmp_path / "reports" / "explorer.started").read_text() == "False"  # began while 01 still ran
    assert (tmp_path / "reports" / "executed" / "01_a.ipynb").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="the explorer's process is forked (inherits the stand-in) on Linux")
def test_the_explorer_takes_the_warm_loads_corpus_and_coding_as_they_are(tmp_path, monkeypatch):
    """The explorer's forked process gets the corpus and the coded paragraphs the warm load made (reading them
    from the caches again was about 2 s of its work on 58k articles): the five seed articles and their coding."""
    import analysis.build as build_module
    from analysis.corpus import load_corpus, paragraphs

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01_a.ipynb", "x = 1")
    _notebook(nbs, "02_b.ipynb", "x = 2")

    def record(corpus, out_dir, figures_dir, cache_dir=None, progress=True, articles=None, coded=None):
        got = [len(articles), len(coded), sorted(articles["doc_id"]) == sorted(coded["doc_id"].unique()),
               "mobilisation" in coded.columns]
        (Path(out_dir) / "explorer.got").write_text(repr(got))

    monkeypatch.setattr(build_module, "write_study_explorer", record)
    build(notebooks_dir=nbs, reports_dir=tmp_path / "reports", progress=False, jobs=2, corpus=str(RAW_DIR),
          cache_dir=tmp_path / "cache")
    n_paras = len(paragraphs(load_corpus(RAW_DIR, progress=False)))
    assert (tmp_path / "reports" / "explorer.got").read_text() == repr([5, n_paras, True, True])


def test_find_notebooks_selects_by_prefix(tmp_path):
    for name in ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb", "notes.ipynb"]:
        _notebook(tmp_path, name, "1")
    assert [p.name for p in find_notebooks(None, tmp_path)] == ["01_a.ipynb", "02_b.ipynb", "03_c.ipynb"]
    assert [p.name for p in find_notebooks(["03", "01"], tmp_path)] == ["01_a.ipynb", "03_c.ipynb"]
    with pytest.raises(BuildError, match="'07'"):
        find_notebooks(["07"], tmp_path)


# ------------------------------------------------------------------ any corpus: no seed literals, a build elsewhere

SHARED_CORPUS = NOTEBOOKS_DIR.parent.parent / "shared" / "corpora" / "xwlb_2020_2022.jsonl.xz"


def _seed_literals() -> set[str]:
    """doc_ids (and their number prefixes), places and organisations of the seed metadata, and short place names."""
    import pandas as pd

    meta = pd.read_csv(NOTEBOOKS_DIR.parent / "data" / "metadata.csv", comment="#", dtype=str, keep_default_na=False)
    found = set(meta["doc_id"]) | {d.split("_")[1] for d in meta["doc_id"]}  # number prefixes: see the regex
    for col in ("province", "city"):
        for value in meta[col]:
            if value:
                found |= {value, value[:2]}
    found |= {v for v in meta["org"] if v}
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_names_nothing_of_the_seed_corpus(path):
    """No doc_id, place, organisation or year of the seed articles in a notebook: comparisons come from the data."""
    nb = nbformat.read(path, as_version=4)
    literals = _seed_literals()
    number = re.compile(r"(?<![0-9,._])(?:20[12][0-9]|00[0-9])(?![0-9,_])")
    # the seed's organisations (政协, 统战部) are also the actors of the research question and of the report's
    # glossary of organisations: quoting them is vocabulary; any other use is caught by the doc_id/place checks
    literals -= {"政协", "统战部"}
    offending = []
    for i, cell in enumerate(nb.cells):
        source = cell.source
        hits = [lit for lit in literals if lit in source]
        hits += number.findall(source)
        if hits:
            offending.append((i, sorted(set(hits))))
    assert not offending, f"{path.name} names the seed corpus: {offending}"


def _sample_export(path: Path, n: int = 300, seed: int = 1, columns: list[str] | None = None) -> Path:
    """n items of the shared CCTV corpus as the scraper left them: a compressed JSON-lines export
    (empty bodies included: the loader must skip them and say so); `columns` keeps only those fields."""
    import pandas as pd

    df = pd.read_json(SHARED_CORPUS, lines=True, dtype=False).sample(n, random_state=seed)
    (df if columns is None else df[columns]).to_json(path, orient="records", lines=True, force_ascii=False)
    return path


def test_build_on_another_corpus_writes_everything_under_out(tmp_path):
    """`build(corpus=..., out=...)` on 300 CCTV items: every notebook runs, figures, tables and report under out."""
    if not SHARED_CORPUS.exists():
        pytest.skip(f"{SHARED_CORPUS} is absent (only the development machine has ../shared)")
    source = _sample_export(tmp_path / "export.jsonl.gz")
    out = tmp_path / "out"
    project_figures = NOTEBOOKS_DIR.parent / "figures"
    before = {p.name: p.stat().st_mtime_ns for p in project_figures.glob("*")}
    runs = build(corpus=source, out=out, progress=False)
    assert [r.name[:2] for r in runs] == ["01", "02", "03", "04", "05"]
    pngs = {p.stem for p in (out / "figures").glob("*.png")}
    for number in ("01", "02", "03", "04"):
        assert any(name.startswith(number) for name in pngs), f"no figure from notebook {number}"
    assert (out / "report.html").exists() and (out / "tables" / "README.md").exists()
    assert {p.name: p.stat().st_mtime_ns for p in project_figures.glob("*")} == before  # seed figures untouched
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Chinese news articles" in html and "Traceback" not in html


def test_build_on_a_corpus_without_dates_runs_every_notebook_and_says_so(tmp_path):
    """A researcher's export with no date field (saved pages, a table with only id, title and text): every notebook
    runs (the timeline once failed with NaN axis limits), and the overview says no article carries a date."""
    if not SHARED_CORPUS.exists():
        pytest.skip(f"{SHARED_CORPUS} is absent (only the development machine has ../shared)")
    source = _sample_export(tmp_path / "undated.jsonl", n=120, seed=2, columns=["id", "title", "text"])
    out = tmp_path / "out"
    runs = build(corpus=source, out=out, progress=False)
    assert [r.name[:2] for r in runs] == ["01", "02", "03", "04", "05"]
    assert (out / "figures" / "01_timeline.png").exists()
    overview = (out / "01_corpus_overview.html").read_text(encoding="utf-8")
    assert "carries a date, so nothing can be compared over time" in overview and "Traceback" not in overview


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_reads_like_prose(path):
    """Each section is a question, a few lines calling the package, and what it shows: at most 120 code lines,
    no code cell over 15 lines, at most one def."""
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    lines = [len([ln for ln in c.splitlines() if ln.strip()]) for c in cells]
    assert sum(lines) <= 120, f"{path.name}: {sum(lines)} code lines"
    assert max(lines) <= 15, f"{path.name}: a cell of {max(lines)} lines"
    assert sum(len(re.findall(r"^\s*def ", c, flags=re.M)) for c in cells) <= 1


STUDY_CODEBOOK = """
[[theme]]
id = "appeal"
zh = "倡议号召"
en = "Appeals and calls"
definition = "Issuing an appeal or a call to members."
keywords = ["倡议", "号召"]

[[theme]]
id = "youth"
zh = "青年志愿"
en = "Young volunteers"
definition = "Young people volunteering."
keywords = ["青年", "志愿者"]

[[theme]]
id = "companies"
zh = "企业行动"
en = "Companies acting"
definition = "Firms and their owners acting."
keywords = ["企业", "商会"]

[[theme]]
id = "health"
zh = "卫生健康"
en = "Health care"
definition = "Hospitals, doctors and health."
keywords = ["医院", "医生", "医疗"]

[[theme]]
id = "meetings"
zh = "会议部署"
en = "Meetings"
definition = "Holding meetings."
keywords = ["会议", "召开"]
"""


def test_build_of_a_study_carries_its_title_question_and_themes_only(tmp_path):
    """`build --study`: a study with its own title, question and five-theme codebook on three seed articles; the
    report carries those and none of the default study's question, title or themes."""
    import shutil

    from analysis.cli import main

    folder = tmp_path / "civic"
    (folder / "articles").mkdir(parents=True)
    for p in sorted((NOTEBOOKS_DIR.parent / "data" / "raw").glob("*.txt"))[:3]:
        shutil.copy(p, folder / "articles" / p.name)
    (folder / "codebook.toml").write_text(STUDY_CODEBOOK, encoding="utf-8")
    (folder / "study.toml").write_text(
        'title = "Civic appeals in local news"\nquestion = "**Who calls on whom, and for what?**"\n'
        'codebook = "codebook.toml"\n[corpus]\nsources = ["articles"]\n', encoding="utf-8")
    assert main(["build", "--study", str(folder / "study.toml"), "--quiet", "-j", "1"]) == 0
    html = (folder / "build" / "report.html").read_text(encoding="utf-8")
    assert "<title>Civic appeals in local news</title>" in html
    assert "Who calls on whom, and for what?" in html
    for theme in ("Appeals and calls", "Young volunteers", "Companies acting", "Health care", "Meetings"):
        assert theme in html
    for default in ("COVID", "united front", "Donations of money", "Testing &amp; lockdown", "Community duty"):
        assert default not in html, default
    assert (folder / "build" / "figures" / "03_themes_by_group.png").exists()


@pytest.mark.skipif(sys.platform != "linux",
                    reason="the term matrix's process is forked (inherits the stand-in) on Linux")
def test_a_notebook_that_needs_no_term_matrix_runs_while_the_matrix_is_made(tmp_path, monkeypatch):
    """With a corpus and jobs > 1 the build cleans and codes the corpus, then makes the term matrix in a process of
    its own: a notebook whose metadata says it needs only the corpus runs meanwhile; one that says nothing waits
    for the matrix. The matrix gets the corpus's paragraphs (the seeds have 81)."""
    import analysis.build as build_module
    from analysis.paths import RAW_DIR

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    marker = tmp_path / "matrix.done"
    saw = "import os\nopen('{}.saw', 'w').write(str(os.path.exists(r'" + str(marker) + "')))"
    early = _notebook(nbs, "01_a.ipynb", saw.format("a"))
    nb = nbformat.read(early, as_version=4)
    nb.metadata["analysis"] = {"needs": ["corpus"]}
    nbformat.write(nb, early)
    _notebook(nbs, "02_b.ipynb", saw.format("b"))

    def slow_matrix(corpus, cache_dir, paras, progress):
        import time

        time.sleep(4)
        marker.write_text(str(len(paras)))

    monkeypatch.setattr(build_module, "_warm_matrix", slow_matrix)
    build(notebooks_dir=nbs, out=tmp_path / "out", corpus=str(RAW_DIR), cache_dir=tmp_path / "cache",
          progress=False, jobs=2, html=False, explorer=False)
    assert (nbs / "a.saw").read_text() == "False"  # 01 ran while the matrix was made
    assert (nbs / "b.saw").read_text() == "True"  # 02 waited for it
    assert marker.read_text() == "81"


@pytest.mark.skipif(sys.platform != "linux",
                    reason="the term matrix's process is forked (inherits the stand-in) on Linux")
def test_the_build_forks_no_process_while_a_kernel_is_still_starting(tmp_path, monkeypatch):
    """A lock a kernel-starting thread holds when the matrix's (or the explorer's) process is forked stays held in
    that process for ever: a seed build hung so, its explorer waiting in tempfile.mkdtemp. Here the stand-in kernel
    start holds a lock for 2 s (the seed's warm load takes well under that); the matrix's process, forked after it,
    must find the lock free."""
    import threading

    import analysis.build as build_module
    from analysis.paths import RAW_DIR

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01_a.ipynb", "1")
    _notebook(nbs, "02_b.ipynb", "2")
    held = threading.Lock()
    marker = tmp_path / "lock.txt"

    def slow_start(path, **kwargs):
        import time

        with held:
            time.sleep(2)
        return None  # the notebook starts its own kernel

    def matrix(corpus, cache_dir, paras, progress):
        got = held.acquire(timeout=5)
        marker.write_text("free" if got else "held")

    monkeypatch.setattr(build_module, "prestart_kernel", slow_start)
    monkeypatch.setattr(build_module, "_warm_matrix", matrix)
    build(notebooks_dir=nbs, out=tmp_path / "out", corpus=str(RAW_DIR), cache_dir=tmp_path / "cache",
          progress=False, jobs=2, html=False, explorer=False)
    assert marker.read_text() == "free"


@pytest.mark.skipif(sys.platform != "linux",
                    reason="the term matrix's process is forked (inherits the stand-in) on Linux")
def test_a_build_whose_matrix_process_dies_still_runs_its_notebooks(tmp_path, monkeypatch):
    """The term matrix's process ends without a word (as when the system kills it for memory): the notebooks
    still run (each one that reads the matrix makes it itself) and the build succeeds."""
    import analysis.build as build_module
    from analysis.paths import RAW_DIR

    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs, "01_a.ipynb", "open('a.ran', 'w').close()")
    _notebook(nbs, "02_b.ipynb", "open('b.ran', 'w').close()")

    def dying_matrix(corpus, cache_dir, paras, progress):
        import os

        os._exit(9)

    monkeypatch.setattr(build_module, "_warm_matrix", dying_matrix)
    runs = build(notebooks_dir=nbs, out=tmp_path / "out", corpus=str(RAW_DIR), cache_dir=tmp_path / "cache",
                 progress=False, jobs=2, html=False, explorer=False)
    assert [r.name for r in runs] == ["01_a", "02_b"]
    assert (nbs / "a.ran").exists() and (nbs / "b.ran").exists()


def test_the_build_command_does_not_build_jsonschemas_iri_grammar():
    """nbformat imports jsonschema, which imports rfc3987_syntax for an IRI format check notebooks never need, and
    that import builds about 35 Earley parsers (1 s of every build's start here; python-jsonschema/jsonschema#1428).
    The build command's modules (render, cli, build, kernels) import nbformat only through kernels.py, which keeps it
    out (build.py imported nbformat itself, before kernels.py could)."""
    import subprocess

    code = ("import sys, analysis.render, analysis.cli; from analysis.kernels import nbformat; "
            "print(nbformat.__name__, sys.modules.get('rfc3987_syntax', 'absent'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["nbformat", "None"]
