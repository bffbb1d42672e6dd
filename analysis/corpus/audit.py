"""The cleaning audit: one row per removal or repair (doc_id, step, rule, removed, replacement), kept from
the load that produced a corpus (`remember_audit`) and given back by `cleaning_audit(corpus)`.
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd

from ..clean import AUDIT_COLUMNS, clean_document

_AUDITS: dict[str, pd.DataFrame] = {}


def remember_audit(corpus: pd.DataFrame, audit: pd.DataFrame) -> None:
    """Keep the audit of this load for `cleaning_audit(corpus)` (the key travels in corpus.attrs)."""
    key = hashlib.sha1(json.dumps([len(corpus), corpus["doc_id"].head(50).tolist(), len(audit), id(audit)],
                                  default=str).encode()).hexdigest()[:16]
    _AUDITS[key] = audit
    corpus.attrs["audit_key"] = key


def recall_audit(corpus: pd.DataFrame) -> pd.DataFrame | None:
    audit = _AUDITS.get(corpus.attrs.get("audit_key", ""))
    if audit is None:
        return None
    keep = audit["doc_id"].isin(set(corpus["doc_id"])) | audit["rule"].isin(["skipped", "duplicate"])
    return audit[keep].reset_index(drop=True)


def cleaning_audit(corpus: pd.DataFrame) -> pd.DataFrame:
    """One row per removal or repair: doc_id, step, rule, removed, replacement (the audit table).

    For a corpus from `load_corpus` this is the audit recorded while loading, including the files or
    rows it skipped (rule "skipped", step 0) and the reposts `dedupe=True` dropped (rule "duplicate").
    Otherwise (a table built by hand with `raw`) every article is cleaned again from `raw`.
    """
    audit = recall_audit(corpus)
    if audit is not None:
        return audit
    rows = []
    fmt = corpus["format"] if "format" in corpus.columns else pd.Series("txt", index=corpus.index)
    for doc_id, raw, kind, title in zip(corpus["doc_id"], corpus["raw"], fmt, corpus.get("title", fmt)):
        if kind == "html":
            from ..pages import extract_page

            page = extract_page(raw.encode("utf-8"), doc_id)
            raw, kind, title = page["text"], "table", page.get("title") or title
        rows.extend(clean_document(raw, doc_id, header=kind != "table", title=title if kind == "table" else "").audit)
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)
