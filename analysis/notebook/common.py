"""What every notebook section shares: the study's data computed once (`Context`) and what a section shows
(`Shown`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ..choices import Choices, choose
from ..study import Study, load_study, use_files


@dataclass
class Shown:
    """What a section shows: Markdown sentences, then a table. Its figure (already saved) is drawn by the
    notebook's inline backend; it is kept here for code that wants it."""

    text: str = ""
    table: pd.DataFrame | None = None
    figure: object | None = None
    data: dict = field(default_factory=dict)  # the section's computed tables, for later cells

    def _ipython_display_(self):  # pragma: no cover - exercised by the notebooks
        from IPython.display import Markdown, display

        if self.text:
            display(Markdown(self.text))
        if self.table is not None:
            display(self.table)

    def __str__(self) -> str:
        return self.text + ("" if self.table is None else "\n\n" + self.table.to_string())


def left_out(reason: str, tables=(), figures=()) -> Shown:
    """A section without enough data: one line saying why, and no table or figure left from an earlier build."""
    from ..outputs import drop_table, figures_dir

    for name in tables:
        drop_table(name)
    for name in figures:
        for suffix in (".png", ".svg"):
            (figures_dir() / f"{name}{suffix}").unlink(missing_ok=True)
    return Shown(reason)


class Context:
    """A study's corpus and what every section derives from it, each computed once when first used.

    Token lists come from the token cache (`tokenize_corpus`), the coding from the theme cache, so a notebook
    that runs after another reads what the first computed."""

    def __init__(self, study: Study | None = None, corpus: pd.DataFrame | None = None):
        from ..plots import use_house_style

        use_house_style()  # the CJK font in every figure a section draws
        self.study = use_files(study) if study is not None else load_study()
        if corpus is not None:
            self.corpus = corpus

    @cached_property
    def corpus(self) -> pd.DataFrame:
        return self.study.corpus()

    @cached_property
    def choices(self) -> Choices:
        return choose(self.corpus, by=self.study.group_by or None, period=self.study.period)

    @property
    def few(self) -> bool:
        return self.choices.few

    @cached_property
    def paras(self) -> pd.DataFrame:
        from ..corpus import paragraphs

        return paragraphs(self.corpus)

    @cached_property
    def tokens_all(self) -> list[list[str]]:
        """Paragraph tokens with the genre words of official prose kept."""
        from ..segment import tokenize_corpus

        return tokenize_corpus(self.paras["text"], drop_genre=False, progress=False)

    @cached_property
    def tokens(self) -> list[list[str]]:
        """Paragraph tokens without the genre words (the default of every count)."""
        from ..segment import load_stopwords

        genre = load_stopwords(genre=True)
        return [[t for t in ts if t not in genre] for ts in self.tokens_all]

    @cached_property
    def codebook(self) -> pd.DataFrame:
        from ..codebook import load_codebook

        return load_codebook()

    @cached_property
    def labels(self) -> dict[str, str]:
        """Theme id -> "zh en" label."""
        from ..themes import theme_labels

        return theme_labels(self.codebook)

    @cached_property
    def coded(self) -> pd.DataFrame:
        from ..themes import code_paragraphs

        return code_paragraphs(self.paras)

    @cached_property
    def label_of(self) -> dict:
        return dict(zip(self.corpus["doc_id"], self.corpus["label"]))

    def n_articles(self, column: str, value) -> int:
        return int((self.corpus[column].astype(str) == str(value)).sum())
