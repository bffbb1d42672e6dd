"""Choices made from the data: which groups to compare, which periods, when to show each article.

Every notebook and the report make these choices the same way, here, so that a notebook works on any corpus
unchanged. `choose(corpus, study)` returns each choice with the reason it was made (shown in the notebooks);
a study file can fix them (`[groups] by` and `period`).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

FEW = 12  # up to this many articles, figures show each article; beyond, they aggregate
TEXT_COLUMNS = ("province", "org", "source")  # article groupings a corpus may carry
GROUP_CANDIDATES = ("province", "org", "source", "year")
PERIODS = ("year", "quarter", "month")


def is_few(corpus: pd.DataFrame, few: int = FEW) -> bool:
    """Few enough articles to show each one in a figure."""
    return len(corpus) <= few


def present(corpus: pd.DataFrame, column: str) -> pd.Series:
    """Non-empty values of a column with their number of articles, most first (ties by value)."""
    if column not in corpus.columns:
        return pd.Series(dtype=int)
    values = corpus[column].dropna()
    values = values[values.astype(str).str.strip() != ""]
    counts = values.value_counts()
    return counts.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")


def top_groups(corpus: pd.DataFrame, column: str, n: int = 8, weight: str = "n_chars_clean") -> list:
    """The `n` values of `column` (as text) with the most text (sum of `weight`), most first; [] if
    the column is empty."""
    if column not in corpus.columns:
        return []
    part = corpus[[column, weight]]  # two columns, not the articles' texts, are filtered (1.6 s at 58k)
    part = part[part[column].notna() & (part[column].astype(str).str.strip() != "")]
    if part.empty:
        return []
    sizes = part.groupby(part[column].astype(str))[weight].sum()
    sizes = sizes.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")
    return list(sizes.index[:n])


def group_column(corpus: pd.DataFrame, candidates=("province", "org", "source", "year"), max_groups: int = 40):
    """The first of `candidates` with at least two values (and at most `max_groups`), else None: the
    grouping figures use when there are too many articles to show each."""
    for col in candidates:
        k = len(present(corpus, col))
        if 2 <= k <= max_groups:
            return col
    return None


def periods(corpus: pd.DataFrame, period: str | None = None) -> str | None:
    """The period to compare: `period` when given (a study's choice: year, quarter or month), else "year" when
    the corpus spans two years or more, "month" when it spans months of one year, else None (no comparison)."""
    if corpus["date"].notna().sum() == 0:
        return None
    if period is not None:
        if period not in PERIODS:
            raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
        return period
    years = corpus["year"] if "year" in corpus.columns else corpus["date"].dt.year
    if years.nunique(dropna=True) >= 2:
        return "year"
    if corpus["date"].dt.to_period("M").nunique() >= 2:
        return "month"
    return None


def period_values(corpus: pd.DataFrame, period: str) -> pd.Series:
    """Each article's period as text (year "2021", quarter "2021Q3", month "2021-07"), indexed by doc_id."""
    dates = corpus.set_index("doc_id")["date"]
    if period == "month":
        return dates.dt.strftime("%Y-%m")
    if period == "quarter":
        return dates.dt.to_period("Q").astype(str).where(dates.notna())
    if period == "year" and "year" in corpus.columns:
        return corpus.set_index("doc_id")["year"].astype("string").fillna("").astype(str)
    return dates.dt.strftime("%Y")


def with_group(df: pd.DataFrame, corpus: pd.DataFrame, column: str, keep: list | None = None,
               other: str = "other") -> pd.DataFrame:
    """`df` (rows with doc_id) with `column` from the corpus as text (month: YYYY-MM; quarter: 2021Q3; year: "2021");
    values outside `keep` become `other`, empty ones are dropped."""
    if column in ("month", "quarter"):
        values = period_values(corpus, column)
    else:
        values = corpus.set_index("doc_id")[column].astype("string").fillna("").astype(str)
    out = df.drop(columns=[column], errors="ignore").assign(**{column: df["doc_id"].map(values)})
    out = out[out[column].notna() & (out[column].astype(str) != "")]
    if keep is not None:
        out[column] = out[column].where(out[column].isin(keep), other)
    return out


def confounds(corpus: pd.DataFrame, columns=("year", "province", "org", "source"), min_docs: int = 1) -> pd.DataFrame:
    """Groups that coincide: for each value of one column, whether all its articles share a single
    value of another column that itself varies in the corpus (a year that is only one province, an
    organisation that is only one outlet). One row per (column, value, other column)."""
    rows = []
    cols = [c for c in columns if len(present(corpus, c)) >= 2]
    for a in cols:
        for b in cols:
            if a == b:
                continue
            part = corpus[(corpus[a].astype(str) != "") & (corpus[b].astype(str) != "")
                          & corpus[a].notna() & corpus[b].notna()]
            for value, grp in part.groupby(a, sort=True):
                if len(grp) >= min_docs and grp[b].nunique() == 1:
                    other = grp[b].iloc[0]
                    rows.append({"column": a, "value": str(value), "articles": len(grp), "other_column": b,
                                 "only": str(other), "other_articles": int((part[b] == other).sum())})
    return pd.DataFrame(rows, columns=["column", "value", "articles", "other_column", "only", "other_articles"])


# ---------------------------------------------------------------- the choices, with their reasons


@dataclass(frozen=True)
class Choice:
    """One choice a notebook makes from the data: its value (None: the analysis is left out) and why."""

    value: object
    reason: str


@dataclass(frozen=True)
class Choices:
    """What the notebooks compare on this corpus, and why (`choose`)."""

    few: bool  # show each article
    groups: Choice  # the field groups are compared by ("doc_id" while few), or None
    shown: tuple  # the groups shown (most text first; the rest become "other")
    period: Choice  # "year", "quarter", "month" or None
    province: Choice  # "province" when two provinces or more have text, else None

    def reasons(self) -> str:
        """The choices as a short Markdown list (notebooks show it under their first cell)."""
        return "\n".join(f"- **{name}**: {c.reason}" for name, c in
                         (("groups", self.groups), ("periods", self.period), ("regions", self.province)))


def choose(corpus: pd.DataFrame, by=None, period: str | None = None, few: int = FEW, max_groups: int = 40,
           n_shown: int = 12) -> Choices:
    """The comparisons that make sense on `corpus`: `by` (a study's ordered group fields; default province, org,
    source, year: the first with two values or more) and `period` (a study's; default from the dates)."""
    n = len(corpus)
    if is_few(corpus, few):
        groups = Choice("doc_id", f"{n} articles (at most {few}): each article is shown on its own")
        shown = tuple(corpus["doc_id"])
    else:
        candidates = tuple(by) if by else GROUP_CANDIDATES
        field = group_column(corpus, candidates, max_groups=max_groups if not by else 10**9)
        if field is None:
            tried = ", ".join(candidates)
            groups = Choice(None, f"none of {tried} has two values or more in these {n:,} articles: "
                                  "no comparison of groups")
            shown = ()
        else:
            k = len(present(corpus, field))
            source = "the study's first group field" if by else "the first field"
            groups = Choice(field, f"{field}, {source} with two values or more ({k:,} values; "
                                   f"the {min(k, n_shown)} with most text are shown"
                                   f"{', the rest as other' if k > n_shown else ''})")
            shown = tuple(top_groups(corpus, field, n=n_shown))
    chosen = periods(corpus, period)
    if chosen is None:
        why = "the articles have no dates" if corpus["date"].notna().sum() == 0 else "all articles fall in one month"
        period_choice = Choice(None, f"{why}: no comparison of periods")
    else:
        k = period_values(corpus, chosen).replace("", pd.NA).nunique()
        how = "the study's choice" if period else ("the corpus spans several years" if chosen == "year"
                                                  else "the corpus spans months of one year")
        period_choice = Choice(chosen, f"by {chosen} ({how}; {k} {chosen}s)")
    provinces = top_groups(corpus, "province", n=n_shown)
    province = (Choice("province", f"{len(present(corpus, 'province'))} provinces have text")
                if len(provinces) >= 2 else
                Choice(None, "fewer than two provinces in the corpus: no comparison by province"))
    return Choices(few=is_few(corpus, few), groups=groups, shown=shown, period=period_choice, province=province)


def enough_columns(n: pd.Series, min_columns: int = 2, min_units: int = 5, what: str = "paragraphs") -> Choice:
    """Whether a comparison of groups (`n`: units per group) says anything: at least `min_columns` groups of at
    least `min_units` units each. The value is the list of groups that qualify."""
    ok = [g for g, k in n.items() if k >= min_units]
    if len(ok) >= min_columns:
        return Choice(ok, f"{len(ok)} groups with at least {min_units} {what}")
    return Choice(None, f"only {len(ok)} group{'s' if len(ok) != 1 else ''} with at least {min_units} {what} "
                        f"(need {min_columns}): left out")
