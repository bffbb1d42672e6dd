"""explorer.html: one self-contained page (no network; works from file://) and, for corpora too large to
embed, explorer.sqlite beside it for `python -m analysis explore DIR`.

The page is the template (template/explorer.html, .css, .js: package data) with the payload inlined as
gzip-compressed JSON in base64, which the browser unpacks with DecompressionStream. While the page stays
within `max_mb` it carries every paragraph and answers everything itself; past that it carries the
heatmap only and the server answers the rest from the SQLite index.
"""
from __future__ import annotations

import base64
import gzip
import html
import json
import os
from importlib import resources
from pathlib import Path

import pandas as pd

from .data import build_data
from .index import write_index

PAGE = "explorer.html"
INDEX = "explorer.sqlite"
# articles whose places and amounts are read at build time (about 20 ms each); beyond, explore reads an article's
# when it is opened
READ_LIMIT = 500
BYTES_PER_CHAR = 1.9  # page bytes per character of text, measured on Chinese news (gzip + base64)
SCRIPTS = ("core.js", "views.js", "app.js")


def template_text(name: str) -> str:
    return resources.files("analysis.explorer").joinpath("template", name).read_text(encoding="utf-8")


def pack(payload: dict) -> str:
    """JSON → gzip (fixed mtime, so an unchanged corpus gives an identical page) → base64."""
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def unpack(text: str) -> dict:
    return json.loads(gzip.decompress(base64.b64decode(text)).decode("utf-8"))


def render_page(payload: dict, title: str = "Evidence explorer") -> str:
    """The page's HTML for a payload ({"head", "body" or None})."""
    app = "\n".join(template_text(name) for name in SCRIPTS)
    css = template_text("explorer.css")
    for part in (app, css):
        if "</script" in part.lower() or "</style" in part.lower():
            raise ValueError("a template part closes its own element")
    page = template_text("explorer.html")
    page = page.replace("{{TITLE}}", html.escape(title)).replace("{{CSS}}", css).replace("{{APP}}", app)
    return page.replace("{{DATA}}", pack(payload))


def payload_from_page(path: Path | str) -> dict:
    """The payload inlined in an explorer.html."""
    text = Path(path).read_text(encoding="utf-8")
    start = text.index('id="explorer-data">') + len('id="explorer-data">')
    return unpack(text[start:text.index("</script>", start)].strip())


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_explorer(out_dir, corpus: pd.DataFrame, *, paras=None, coded=None, matches=None, audit=None,
                   group_fields=None, period="year", intervals=None, max_mb: float = 15, places=None,
                   amounts=None, title: str = "Evidence explorer", codebook=None, keep: dict | None = None) -> Path:
    """Write out_dir/explorer.html (and, past `max_mb`, out_dir/explorer.sqlite); returns the page's path.

    corpus: the study corpus (load_corpus/study_corpus). paras, coded, matches, audit: paragraphs(corpus),
    code_paragraphs(paras), theme_matches(paras), cleaning_audit(corpus), computed when not given.
    group_fields: the corpus columns the heatmap offers (default: notebook 03's: the articles while there
    are at most twelve, else the first of province/org/source/year with two values, and the provinces: a
    study's `group_by` as group_fields gives its choice); period: "year", "quarter" or "month" (the corpus's
    own when it has fewer than two values of it; None: no period). intervals: None = theme_share_intervals of each
    grouping (a cluster bootstrap over articles), False = none, or {field: table with theme, <field>, lo, hi}.
    places/amounts: place_mentions / amounts tables to list per article (read here for up to READ_LIMIT articles,
    else by the server when an article is opened). max_mb: the largest page that embeds every paragraph.
    keep: a dict that receives, for a page served from explorer.sqlite, keep["explorer"]: the Explorer that
    answers its queries from the data in memory (the build's screenshots serve it instead of reading it back).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    page_path, index_path = out_dir / PAGE, out_dir / INDEX
    chars = int(corpus["text"].fillna("").str.len().sum()) if "text" in corpus.columns else 0
    fits = chars * BYTES_PER_CHAR <= max_mb * 1e6 * 1.5
    data = build_data(corpus, paras=paras, coded=coded, matches=matches, audit=audit, group_fields=group_fields,
                      period=period, intervals=intervals, places=places, amounts=amounts,
                      read_places=len(corpus) <= READ_LIMIT, removed=fits, codebook=codebook)
    if fits:
        data["head"]["meta"]["mode"] = "embedded"
        docs = {k: v for k, v in data["body"]["docs"].items() if k != "label"}  # the page shows title and date
        text = render_page({"head": data["head"], "body": {**data["body"], "docs": docs}}, title)
        if len(text.encode("utf-8")) <= max_mb * 1e6:
            _write(page_path, text)
            if index_path.exists():
                index_path.unlink()  # a stale index of an earlier, larger build
            return page_path
    data["head"]["meta"]["mode"] = "server"
    written: dict = {}
    write_index(data, index_path, corpus=corpus, keep=written)
    _write(page_path, render_page({"head": data["head"], "body": None}, title))
    if keep is not None:
        from .search import Explorer

        keep["explorer"] = Explorer(index_path, payload=data, bigrams=written["bigrams"])
    return page_path
