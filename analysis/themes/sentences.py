"""Sentences of a paragraph: where each one starts and ends (`sentence_spans`), and the sentences themselves
(`split_sentences`); the coding rules look for co-words within a sentence, and the evidence quotes it.
"""
from __future__ import annotations

import re

# a sentence ends at 。！？；… (full or half width), or at a "." that is not a decimal point; closing
# quotes and brackets after the mark stay with the sentence
_SENTENCE_END = re.compile(r"(?:[。！？；!?;…]+|(?<!\d)\.(?!\d))[”’」』）)\]]*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of `text`; together they cover the whole text."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` (see sentence_spans), stripped, empty ones dropped."""
    return [s for s in (text[a:b].strip() for a, b in sentence_spans(text)) if s]
