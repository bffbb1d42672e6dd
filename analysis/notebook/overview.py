"""Notebook 01's sections: the articles, what cleaning removed, how articles are structured, when and where."""
from __future__ import annotations

import pandas as pd

from ..choices import confounds, group_column, present
from ..outputs import save_table
from .common import Context, Shown

ARTICLE_COLUMNS = ["doc_id", "label", "title", "date", "source", "author", "province", "city", "org", "n_chars_raw",
                   "n_chars_clean"]
FIELDS = ["source", "author", "province", "city", "org"]


def articles(ctx: Context) -> Shown:
    """The first twelve articles, the date range, and how many articles carry each field."""
    corpus = ctx.corpus
    fields = pd.DataFrame({col: {"articles with a value": len(corpus) - int((corpus[col].astype(str) == "").sum()),
                                 "distinct values": len(present(corpus, col))} for col in FIELDS}).T
    dated = corpus["date"].dropna()
    span = f"{dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d}" if len(dated) else "no dates"
    text = (f"**{len(corpus):,} articles**, {span}; {corpus['date'].isna().sum():,} without a date.\n\n"
            "What the notebooks compare on this corpus, and why:\n\n" + ctx.choices.reasons())
    return Shown(text, fields, data={"head": corpus[ARTICLE_COLUMNS].head(12)})


def cleaning_lengths(ctx: Context) -> Shown:
    """Figure 01_cleaning_lengths and how much of the raw text cleaning keeps."""
    from ..plots import plot_cleaning_lengths, save_figure

    corpus = ctx.corpus
    fig = plot_cleaning_lengths(corpus)
    save_figure(fig, "01_cleaning_lengths")
    kept = corpus.assign(kept=corpus["n_chars_clean"] / corpus["n_chars_raw"].where(corpus["n_chars_raw"] > 0))
    cut = kept.sort_values(["kept", "doc_id"]).head(3)
    text = (f"Cleaning keeps {corpus['n_chars_clean'].sum() / corpus['n_chars_raw'].sum():.0%} of the raw characters "
            f"(median per article {kept['kept'].median():.0%}). The articles cut most: "
            + "; ".join(f"{r.label} keeps {r.kept:.0%}" for r in cut.itertuples()) + ".")
    return Shown(text, figure=fig)


def audit_by_rule(ctx: Context) -> Shown:
    """Entries of the cleaning audit per rule (per article while few); saves table cleaning_rules."""
    from ..corpus import cleaning_audit

    audit = cleaning_audit(ctx.corpus)
    rules = audit.groupby(["step", "rule"]).agg(entries=("removed", "size"), articles=("doc_id", "nunique"))
    save_table(rules.reset_index(), "cleaning_rules",
               "Entries of the cleaning audit per rule (each entry is one removal or repair).",
               {"step": "the rule's place in the fixed order", "rule": "rule name (analysis/clean.py)",
                "entries": "removals or repairs", "articles": "articles affected"})
    table = (audit.pivot_table(index=["step", "rule"], columns="doc_id", values="removed", aggfunc="size",
                               fill_value=0) if ctx.few else rules)
    return Shown(f"{len(audit):,} audit entries from {len(rules):,} rules.", table, data={"audit": audit})


def audit_examples(audit: pd.DataFrame, rare: int = 20, per_rule: int = 5) -> Shown:
    """Every entry of the rules with at most `rare` entries (up to `rare`), the first `per_rule` of the others."""
    sizes = audit.groupby("rule")["rule"].transform("size")
    examples = pd.concat([audit[sizes <= rare].groupby("rule").head(rare),
                          audit[sizes > rare].groupby("rule").head(per_rule)])
    return Shown(table=examples)


def structure(ctx: Context) -> Shown:
    """Paragraphs, sections and characters per article; the sections of the most sectioned article."""
    paras = ctx.paras
    per_doc = (paras.assign(characters=paras["text"].str.len())
               .groupby("doc_id").agg(paragraphs=("para_no", "size"), sections=("section", "nunique"),
                                      characters=("characters", "sum")))
    table = per_doc if ctx.few else per_doc.describe().round(1)
    sectioned = paras.loc[paras["section"] != "", ["doc_id", "section"]]
    if sectioned.empty:
        return Shown("No article has section headings.", table)
    most = sectioned.groupby("doc_id")["section"].nunique().sort_values(ascending=False, kind="mergesort")
    doc = most.index[0]
    sections = (paras.loc[paras["doc_id"] == doc, ["section"]].groupby("section", sort=False).size()
                .rename("paragraphs").head(30))
    text = (f"{(most > 1).sum():,} articles have two or more sections; the most sectioned, **{ctx.label_of[doc]}**, "
            f"has {most.iloc[0]} (its sections and paragraphs are listed below the table).")
    return Shown(text, table, data={"sections": sections.to_frame()})


def timeline(ctx: Context) -> Shown:
    """Figure 01_timeline (articles over time by region, organisation or source) and the spread in words."""
    from ..plots import plot_timeline, save_figure

    corpus = ctx.corpus
    by = group_column(corpus, candidates=("province", "org", "source"), max_groups=10_000)
    fig = plot_timeline(corpus, by=by)
    save_figure(fig, "01_timeline")
    years = present(corpus, "year").sort_index()
    lines = [f"Articles per year: {', '.join(f'{y}: {n:,}' for y, n in years.items())}." if len(years) else
             f"None of the {len(corpus):,} articles carries a date, so nothing can be compared over time."]
    if by is None:
        lines.append("The corpus gives no province, organisation or source for its articles, so they cannot be "
                     "grouped by region or publisher; notebook 04 reads places from the texts.")
    else:
        groups = present(corpus, by)
        lines.append(f"By {by}: {len(groups):,} values, led by "
                     + ", ".join(f"{g} ({n:,})" for g, n in groups.head(5).items()) + ".")
    coincide = confounds(corpus)
    coincide = coincide[(coincide["column"] == "year") & (coincide["other_column"] != "year")]
    if len(coincide):
        lines.append("Groups that coincide (every article of the first is also in the second, so comparing the first "
                     "also compares the second): " + "; ".join(
                         f"{r.value}: all {r.articles} from {r.other_column} {r.only}"
                         for r in coincide.head(8).itertuples()) + ".")
    return Shown("\n\n".join(lines), figure=fig)
