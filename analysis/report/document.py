"""The report as a document: numbered figures and tables, and the small writing helpers its sentences share."""
from __future__ import annotations

from functools import cached_property

import pandas as pd

from ..choices import confounds, present
from ..lexicon import glossary
from ..notebook.common import Context
from ..outputs import has_table, read_table


class Block(list):
    """What one report cell shows, in order: Markdown text (str), tables (DataFrame), images (Path, width)."""

    def _ipython_display_(self):  # pragma: no cover - exercised by the notebooks
        from IPython.display import Image, Markdown, display

        for part in self:
            if isinstance(part, str):
                display(Markdown(part))
            elif isinstance(part, tuple):
                display(Image(filename=str(part[0]), width=part[1]))
            else:
                display(part)

    def __add__(self, other) -> "Block":
        return Block(list(self) + list(other))

    @property
    def text(self) -> str:
        """The Markdown of the block (tests read the report's sentences here)."""
        return "\n\n".join(p for p in self if isinstance(p, str))


def pct(x) -> str:
    return f"{x:.0%}"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class Report:
    """The report of one study: its corpus (`Context`), the tables the notebooks saved, numbered figures."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.figures: dict[str, int] = {}  # figure name -> its number in this report
        self.n_tables = 0
        self.gloss = glossary()

    # ------------------------------------------------------------ data the sections share
    @property
    def corpus(self) -> pd.DataFrame:
        return self.ctx.corpus

    @property
    def study(self):
        return self.ctx.study

    def tab(self, name: str) -> pd.DataFrame | None:
        """A table notebooks 01-04 wrote, or None when that analysis had no data."""
        return read_table(name) if has_table(name) else None

    @cached_property
    def summary_table(self) -> pd.DataFrame:
        return read_table("theme_summary").sort_values("paragraphs", ascending=False, kind="mergesort")

    @cached_property
    def stats(self) -> pd.Series:
        return read_table("coding_stats").iloc[0]

    @cached_property
    def english(self) -> dict[str, str]:
        from ..themes import theme_labels

        return theme_labels(self.ctx.codebook, "en")

    @cached_property
    def coincide(self) -> pd.DataFrame:
        return confounds(self.corpus)

    @cached_property
    def missing(self) -> list[str]:
        return [col for col in ["province", "org", "source"] if len(present(self.corpus, col)) == 0]

    @property
    def n_docs(self) -> int:
        return len(self.corpus)

    @property
    def n_paras(self) -> int:
        return len(self.ctx.paras)

    # ------------------------------------------------------------ writing helpers
    def th(self, theme_id: str) -> str:
        """A theme's English label in italics (its Chinese label is in the figures and the codebook table)."""
        return f"*{self.english.get(theme_id, theme_id)}*"

    def g(self, term: str) -> str:
        """A Chinese term with its gloss, when the glossary has one."""
        return f"{term} (*{self.gloss[term]}*)" if term in self.gloss else term

    def terms(self, df: pd.DataFrame, n: int = 6, counts: bool = True) -> str:
        return ", ".join(f"{self.g(r.term)} {r.n_target}:{r.n_reference}" if counts else self.g(r.term)
                         for r in df.head(n).itertuples()) or "none"

    def figure(self, name: str, caption: str, width: int = 860) -> Block:
        """NAME.png (saved by notebook NAME[:2]) with a numbered caption; one line if it was not drawn."""
        from ..outputs import figures_dir

        path = figures_dir() / f"{name}.png"
        if not path.exists():
            return Block([f"*(Figure {name} was not drawn: notebook {name[:2]} found no data for it in this corpus.)*"])
        self.figures[name] = len(self.figures) + 1
        return Block([(path, width), f"**Figure {self.figures[name]}.** {caption} *(Notebook {name[:2]}; "
                                     f"`figures/{name}.png`.)*"])

    def table(self, df: pd.DataFrame, caption: str) -> Block:
        """A numbered table caption, then the table."""
        self.n_tables += 1
        return Block([f"**Table {self.n_tables}.** {caption}", df])

    # ------------------------------------------------------------ the report's sections
    def title(self) -> Block:
        note = ("*Written report of the study. `make report` (or `python -m analysis build --study FILE`) rebuilds it "
                "from the raw articles: every number and sentence about the corpus is computed when the report is "
                "built — from the tables notebooks 01–04 write to `tables/` and from the corpus itself — and every "
                "figure is the one the numbered notebook named under it saved. Chinese terms are quoted with an "
                "English gloss where the study's glossary has one.*")
        return Block([f"# {self.study.title}", note])

    def question(self) -> Block:
        return Block(["## 1. Question", self.study.question])
