"""Saved web pages, scoring: an extraction measured against a gold file of ../shared/html-pages.

Part of `analysis.pages`; the benchmark (benchmarks/bench_pages.py) and the tests share it.
"""
from __future__ import annotations

import re
import unicodedata

from .page_meta import _key, _t2s, _to_timestamp


def compare_key(text: str) -> str:
    """What the gold comparison sees: NFKC, simplified script, no whitespace or punctuation."""
    return _key(_t2s().convert(unicodedata.normalize("NFKC", text or "")))


def sentences(text: str) -> list[str]:
    """Comparison keys of the sentences of `text` (split at 。!?; and line ends), empty ones dropped."""
    parts = re.split(r"[。!?;\n]+", unicodedata.normalize("NFKC", text or ""))
    return [k for k in (compare_key(p) for p in parts) if k]


def score_page(text: str, title: str, date, gold: dict) -> dict:
    """Measures of one extraction against a gold record of ../shared/html-pages.

    recall: share of gold body sentences found in the extracted text; precision: share of
    extracted sentences found in the gold body (0 when nothing was extracted); chrome: any
    `must_not_contain` string present; title_ok: same title; date_ok: same calendar day
    (None when the gold has no date). All compared after NFKC, traditional→simplified and
    removing whitespace and punctuation.
    """
    body_key, gold_key = compare_key(text), compare_key(gold["body"])
    gold_sents, got_sents = sentences(gold["body"]), sentences(text)
    recall = sum(s in body_key for s in gold_sents) / len(gold_sents) if gold_sents else 1.0
    precision = sum(s in gold_key for s in got_sents) / len(got_sents) if got_sents else 0.0
    chrome = any(compare_key(m) in body_key for m in gold.get("must_not_contain", []) if compare_key(m))
    title_ok = bool(title) and compare_key(title) == compare_key(gold.get("title") or "")
    date_ok = None
    if gold.get("date"):
        ts = _to_timestamp(date)
        date_ok = ts is not None and ts.strftime("%Y-%m-%d") == str(gold["date"])[:10]
    return {"recall": recall, "precision": precision, "chrome": chrome, "title_ok": title_ok, "date_ok": date_ok}
