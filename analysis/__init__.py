"""Helpers for the study of united-front reporting on COVID-19 prevention, 2020-2022.

Everything a notebook needs is importable from here.
"""
from .agreement import load_theme_labels
from .amounts import amounts_by_place, extract_amounts, unit_amounts
from .codebook import CodebookError, load_codebook
from .corpus import CorpusError, cleaning_audit, load_corpus, paragraphs, read_text
from .duplicates import near_duplicates
from .intervals import theme_share_difference, theme_share_intervals
from .places import find_places, gazetteer, infer_region, starts_with_place
from .places_units import place_mentions, place_units, unit_region
from .plots import cjk_font, save_figure, use_house_style
from .segment import load_stopwords, segment, tokenize, tokenize_corpus
from .terms import cooccurrence, dfm, keyness, kwic, term_frequencies, tfidf
from .themes import (
    code_paragraphs,
    evidence_table,
    paragraph_counts,
    split_sentences,
    theme_counts,
    theme_evidence,
    theme_labels,
    theme_matches,
    theme_shares,
    theme_summary,
    uncoded,
    uncoded_share,
)
from .topics import nmf_topics, paragraph_tokens, term_network, topic_alignment, topic_theme_table
from .validation import (
    codebook_agreement,
    coding_sheet,
    disagreements,
    intercoder_agreement,
    read_coding_sheet,
    suggest_rules,
)

__all__ = [
    "CorpusError",
    "load_corpus",
    "write_corpus",
    "paragraphs",
    "read_text",
    "near_duplicates",
    "cleaning_audit",
    "cjk_font",
    "save_figure",
    "use_house_style",
    "load_stopwords",
    "segment",
    "tokenize",
    "tokenize_corpus",
    "term_frequencies",
    "dfm",
    "tfidf",
    "keyness",
    "kwic",
    "cooccurrence",
    "gazetteer",
    "find_places",
    "place_mentions",
    "infer_region",
    "place_units",
    "extract_amounts",
    "unit_amounts",
    "unit_region",
    "starts_with_place",
    "amounts_by_place",
    "CodebookError",
    "load_codebook",
    "code_paragraphs",
    "theme_labels",
    "theme_matches",
    "paragraph_counts",
    "split_sentences",
    "codebook_agreement",
    "load_theme_labels",
    "coding_sheet",
    "read_coding_sheet",
    "intercoder_agreement",
    "disagreements",
    "suggest_rules",
    "theme_counts",
    "theme_shares",
    "theme_evidence",
    "evidence_table",
    "theme_summary",
    "theme_share_intervals",
    "theme_share_difference",
    "uncoded",
    "uncoded_share",
    "paragraph_tokens",
    "nmf_topics",
    "topic_theme_table",
    "topic_alignment",
    "term_network",
]

from .choices import (
    Choice,
    Choices,
    choose,
    confounds,
    enough_columns,
    group_column,
    is_few,
    periods,
    present,
    top_groups,
    with_group,
)
from .lexicon import glossary
from .outputs import read_table, save_table
from .study import Study, StudyError, load_study, study_corpus

__all__ += ["study_corpus", "save_table", "read_table", "is_few", "present", "top_groups", "group_column",
            "periods", "with_group", "confounds", "glossary", "Study", "StudyError", "load_study", "Choice", "Choices",
            "choose", "enough_columns"]


def __getattr__(name: str):
    """`write_corpus` comes from the Dask layer (analysis.cluster), `write_explorer` and `screenshot_explorer`
    from the evidence explorer (analysis.explorer): top layers, imported only when asked for."""
    if name == "write_corpus":
        from .cluster import write_corpus

        return write_corpus
    if name in ("write_explorer", "screenshot_explorer"):
        from . import explorer

        return getattr(explorer, name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")


__all__ += ["write_explorer", "screenshot_explorer"]
