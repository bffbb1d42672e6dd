"""Executed notebooks as self-contained HTML: each notebook with its code, and the report without code."""
from __future__ import annotations

import copy
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import NOTEBOOKS_DIR

if TYPE_CHECKING:  # (imported by kernels.py, whose guard keeps jsonschema's IRI grammar out: see there)
    import nbformat


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


