"""Helpers for the study of united-front reporting on COVID-19 prevention, 2020-2022.

Everything a notebook needs is importable from here.
"""
from .corpus import CorpusError, load_corpus, paragraphs, read_text
from .cluster import write_corpus
from .duplicates import near_duplicates
from .clean import cleaning_audit
from .plots import cjk_font, save_figure, use_house_style
from .segment import load_stopwords, segment, tokenize, tokenize_corpus
from .terms import cooccurrence, dfm, keyness, kwic, term_frequencies, tfidf
from .places import (find_places, gazetteer, infer_region, place_mentions, place_units,
                     starts_with_place, unit_region)
from .amounts import amounts_by_place, extract_amounts, unit_amounts

from .codebook import CodebookError, load_codebook
from .agreement import load_theme_labels
from .validation import (codebook_agreement, coding_sheet, disagreements, intercoder_agreement,
                         read_coding_sheet, suggest_rules)
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
from .intervals import theme_share_difference, theme_share_intervals
from .topics import nmf_topics, paragraph_tokens, term_network, topic_alignment, topic_theme_table

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

from .choices import (Choice, Choices, choose, confounds, enough_columns, group_column, is_few, periods, present,
                      top_groups, with_group)
from .lexicon import glossary
from .outputs import read_table, save_table
from .study import Study, StudyError, load_study, study_corpus

__all__ += ["study_corpus", "save_table", "read_table", "is_few", "present", "top_groups", "group_column",
            "periods", "with_group", "confounds", "glossary", "Study", "StudyError", "load_study", "Choice", "Choices",
            "choose", "enough_columns"]

from .explorer import screenshot_explorer, write_explorer  # noqa: E402 (top layer: the evidence explorer)

__all__ += ["write_explorer", "screenshot_explorer"]
