"""Paragraph coding with the theme codebook (read by `analysis.codebook`), and the tables of it.

    codebook = load_codebook()                  # one row per theme
    coded = code_paragraphs(paras)              # paras + `themes`, `keywords` + one bool column per theme
    theme_shares(coded, by="province", corpus=corpus)         # share of paragraphs per theme and group
    theme_evidence(coded, "donation", by="province", group="北京市", corpus=corpus)   # the paragraphs
    uncoded(coded), uncoded_share(coded)        # what no theme covers

Matching is plain substring search on the paragraph text (simplified script, whitespace removed), so
a multi-word keyword matches whatever the segmenter does with it. The data-driven check of the
codebook (NMF topics on paragraph tf-idf) is `nmf_topics` + `topic_theme_table`.

Where things are: sentences.py (sentence spans), matcher.py (the automaton and the coding rules), coding.py
(`theme_matches`, `code_paragraphs`, `match_themes`), tables.py (counts, shares, evidence, uncoded).
"""
from ..codebook import _WHITESPACE, CodebookError, _codebook, load_codebook, load_formulas, theme_labels  # noqa: F401 (re-exported)
from .coding import MATCH_COLUMNS, _labels, code_paragraphs, match_themes, theme_ids, theme_matches
from .sentences import sentence_spans, split_sentences
from .tables import (
                        _with_group,
                        evidence_table,
                        paragraph_counts,
                        theme_counts,
                        theme_evidence,
                        theme_shares,
                        theme_summary,
                        uncoded,
                        uncoded_share,
)

__all__ = ["load_codebook", "load_formulas", "CodebookError", "theme_labels", "theme_ids", "theme_matches",
           "match_themes", "code_paragraphs", "paragraph_counts", "theme_counts", "theme_shares", "theme_evidence",
           "evidence_table", "uncoded", "uncoded_share", "theme_summary", "sentence_spans", "split_sentences",
           "MATCH_COLUMNS", "_labels", "_with_group"]
