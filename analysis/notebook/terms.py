"""Notebook 02's sections: the corpus's frequent terms, each group's terms and word clouds, tf-idf, keyness of each
group and of the last period, key terms in context, terms that share paragraphs.

Which groups are compared comes from the study's choices (`ctx.choices`, `[groups] by` and `period` of a study
file): each article while there are few, else the groups of the chosen field; keyness and word clouds compare
the groups of a field (`compared_field`) even while each article is shown on its own.
"""
from __future__ import annotations

from dataclasses import replace

import matplotlib.pyplot as plt
import pandas as pd

from ..choices import Choice, present, top_groups, with_group
from ..outputs import save_table
from ..plots import (
    plot_keyness,
    plot_term_comparison,
    plot_top_terms,
    plot_top_terms_grid,
    plot_wordcloud,
    plot_wordcloud_grid,
    save_figure,
)
from ..segment import load_stopwords
from ..terms import keyness, kwic
from ..terms.frequencies import dfm_from
from .common import Context, Shown, left_out

MIN_GROUP_TOKENS = 500  # a group needs this many tokens (of 2+ characters) for its own keyness
FIELDS = ("province", "org", "source")  # fields compared while each article is shown on its own
PERIOD_TABLES = ("keyness_period", "keyness_period_reference")
FREQ_COLUMNS = {"term": "the term", "count": "occurrences", "per_1k": "occurrences per 1,000 tokens",
                "docs": "paragraphs containing the term", "rank": "1 = most frequent"}


def _sentence(reason: str) -> str:
    return reason[:1].upper() + reason[1:] + "."


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n > 1 else ''}"


def _significant(table: pd.DataFrame, n: int, sign: int = 1) -> pd.DataFrame:
    """The first `n` terms significantly typical of the target (sign 1) or of the reference (sign -1): q < 0.05,
    the p-value adjusted over every term tested (Benjamini-Hochberg)."""
    part = table[(sign * table["G2"] > 0) & (table["q"] < 0.05)]
    return (part if sign > 0 else part.iloc[::-1]).head(n)


def _terms_list(table: pd.DataFrame) -> str:
    return ", ".join(f"{r.term} ({r.n_target}:{r.n_reference})" for r in table.itertuples())


def grouping(ctx: Context) -> tuple[str | None, list]:
    """The field each article or group is shown by ("label" while each article is shown), and the groups shown
    (the study's choice: `ctx.choices`)."""
    choices = ctx.choices
    if choices.few:
        return "label", [ctx.label_of[d] for d in choices.shown]
    return choices.groups.value, list(choices.shown)


def compared_field(ctx: Context) -> Choice:
    """The field whose groups keyness and word clouds compare: the study's group fields (default province, org,
    source; periods are compared on their own): the chosen group field, or while each article is shown on its
    own (or the choice fell to a period), the first of those fields with two values or more."""
    choices, candidates = ctx.choices, ctx.study.group_by or FIELDS
    if not choices.few and choices.groups.value in candidates:
        return choices.groups
    for field in candidates:
        k = len(present(ctx.corpus, field))
        if k >= 2:
            return Choice(field, f"{field}, the first of {', '.join(candidates)} with two values or more ({k})")
    return Choice(None, f"none of {', '.join(candidates)} has two values or more in these {len(ctx.corpus):,} "
                        "articles: no comparison of groups")


def _titles(ctx: Context, by: str, groups: list) -> dict:
    if ctx.few:
        return {g: f"{g}" for g in groups}
    sizes = with_group(ctx.corpus, ctx.corpus, by)[by].value_counts()
    return {g: f"{g} ({sizes.get(g, 0):,} articles)" for g in groups}


def summary(ctx: Context) -> Shown:
    """Articles, paragraphs and tokens, and the groups compared."""
    by, groups = grouping(ctx)
    text = f"{len(ctx.corpus):,} articles, {len(ctx.paras):,} paragraphs, {ctx.token_count:,} tokens. "
    text += (f"Groups compared: **{by}** ({', '.join(map(str, groups))})." if by else
             _sentence(ctx.choices.groups.reason))
    return Shown(text)


def corpus_terms(ctx: Context) -> Shown:
    """The corpus's most frequent terms with and without genre words (tables terms_corpus, terms_corpus_genre;
    figure 02_top_terms_corpus)."""
    freq_genre = ctx.term_frequencies(ctx.paras, genre=True)
    freq = ctx.term_frequencies(ctx.paras)
    save_table(freq.head(500), "terms_corpus",
               "The 500 most frequent terms of the corpus (genre words dropped, 2+ characters).", FREQ_COLUMNS)
    save_table(freq_genre.head(500), "terms_corpus_genre", "The same with the genre words of official prose kept.",
               FREQ_COLUMNS)
    fig, axes = plt.subplots(1, 2, figsize=(12, 8.5), layout="constrained")
    plot_top_terms(freq_genre, n=25, ax=axes[0], colour="#7f8c8d", title="Genre words kept (drop_genre=False)")
    plot_top_terms(freq, n=25, ax=axes[1], title="Genre words dropped (default)")
    fig.suptitle(f"Most frequent terms of the {len(ctx.corpus):,} articles (tokens of 2+ characters)")
    save_figure(fig, "02_top_terms_corpus")
    first_genre = freq_genre[freq_genre["term"].isin(load_stopwords(genre=True))].head(3)
    text = ("With the genre words kept, " + ", ".join(f"{r.term} ranks {r.rank} ({r.count:,})"
                                                      for r in first_genre.itertuples())
            + ". Without them, the top of the list is " + ", ".join(f"{r.term} ({r.count:,})"
                                                                   for r in freq.head(8).itertuples())
            + (f"; {freq['term'].iloc[0]} alone is {freq['per_1k'].iloc[0]:.0f} of every 1,000 tokens."
               if len(freq) else "."))
    return Shown(text, freq.head(10), fig, data={"freq": freq, "freq_genre": freq_genre})


def terms_by_group(ctx: Context) -> Shown:
    """The top 12 terms of each article or group shown (table terms_by_group, figure 02_top_terms_by_group)."""
    by, groups = grouping(ctx)
    if not groups:
        return left_out(_sentence(ctx.choices.groups.reason), ["terms_by_group"], ["02_top_terms_by_group"])
    table = ctx.term_frequencies(with_group(ctx.paras, ctx.corpus, by), by, top=12)
    table = table[table[by].isin(groups)]
    what = "article" if ctx.few else by
    fig = plot_top_terms_grid(table, by, groups, n=12, titles=_titles(ctx, by, groups))
    fig.suptitle(f"Top 12 terms of each {what}")
    save_figure(fig, "02_top_terms_by_group")
    save_table(table, "terms_by_group", f"The 12 most frequent terms of each {what} shown.",
               {by: "the group", "term": "the term", "count": "occurrences in the group", "rank": "1 = most frequent"})
    return Shown(figure=fig, data={"terms": table})


def wordcloud_corpus(ctx: Context, corpus_terms: Shown) -> Shown:
    """Figure 02_wordcloud_corpus: the 100 most frequent terms."""
    fig, ax = plt.subplots(figsize=(10, 6.25))
    plot_wordcloud(corpus_terms.data["freq"], ax=ax,
                   title=f"All {len(ctx.corpus):,} articles: the 100 most frequent terms")
    save_figure(fig, "02_wordcloud_corpus")
    return Shown(figure=fig)


def wordcloud_groups(ctx: Context, n: int = 4) -> Shown:
    """Figure 02_wordcloud_by_group: the 60 most frequent terms of each of the `n` groups with most text."""
    field = compared_field(ctx)
    by = field.value
    groups = top_groups(ctx.corpus, by, n=n) if by else []
    if len(groups) < 2:
        return left_out(f"Fewer than two groups with text: no per-group word clouds ({field.reason}).",
                        figures=["02_wordcloud_by_group"])
    freq = ctx.term_frequencies(with_group(ctx.paras, ctx.corpus, by), by, top=60)
    n_docs = with_group(ctx.corpus, ctx.corpus, by)[by].value_counts()
    fig = plot_wordcloud_grid(freq, by, groups, max_words=60,
                              titles={g: f"{g} ({_plural(n_docs[g], 'article')})" for g in groups})
    fig.suptitle(f"Word clouds by {by}: the 60 most frequent terms of each")
    save_figure(fig, "02_wordcloud_by_group")
    return Shown(figure=fig)


def tfidf_by_group(ctx: Context) -> Shown:
    """The 10 terms of highest tf-idf of each article or group (table tfidf_by_group, figure 02_tfidf_by_group)."""
    by, groups = grouping(ctx)
    if not groups:
        return left_out(_sentence(ctx.choices.groups.reason), ["tfidf_by_group"], ["02_tfidf_by_group"])
    distinct = ctx.tfidf(with_group(ctx.paras, ctx.corpus, by), by, top=10)
    distinct = distinct[distinct[by].isin(groups)]
    what = "article" if ctx.few else by
    fig = plot_top_terms_grid(distinct, by, groups, n=10, value="tfidf", titles=_titles(ctx, by, groups),
                              xlabel="tf-idf (L2-normalised)", colour="#8e44ad", panel_size=(4.0, 4.8))
    fig.suptitle(f"Most distinctive terms of each {what} by tf-idf")
    save_figure(fig, "02_tfidf_by_group")
    save_table(distinct, "tfidf_by_group", f"The 10 terms of highest tf-idf of each {what}.",
               {by: "the group", "term": "the term", "tfidf": "tf-idf weight (rows L2-normalised)",
                "count": "occurrences in the group", "groups": "groups using the term", "rank": "1 = most distinctive"})
    table = distinct.groupby(by, sort=False)["term"].apply(" ".join).to_frame("top 10 terms by tf-idf")
    return Shown(table=table, figure=fig, data={"tfidf": distinct})


def keyness_by_group(ctx: Context, n_groups: int = 12) -> Shown:
    """Keyness of each group with at least MIN_GROUP_TOKENS tokens against all others (table keyness_FIELD; figure
    02_keyness_group_vs_rest for the group with most text)."""
    field = compared_field(ctx)
    key_by = field.value
    if key_by is None:
        shown = left_out(f"Keyness between groups left out: {field.reason}.",
                         [f"keyness_{f}" for f in ctx.study.group_by or FIELDS], ["02_keyness_group_vs_rest"])
        return replace(shown, data={"tables": {}})
    kparas = with_group(ctx.paras, ctx.corpus, key_by)
    kdfm = dfm_from(ctx.term_frequencies(kparas, key_by), key_by)
    size = kdfm.sum(axis=1)
    targets = [g for g in top_groups(ctx.corpus, key_by, n=n_groups) if size.get(g, 0) >= MIN_GROUP_TOKENS]
    tables = {g: keyness(kdfm, g) for g in targets} if len(kdfm) >= 2 else {}
    columns = ["group", "group_tokens", "term", "n_target", "n_reference", "G2", "p", "q", "log_ratio"]
    rows = [_significant(t, 20).assign(group=g, group_tokens=int(size[g]))[columns] for g, t in tables.items()]
    if rows:
        save_table(pd.concat(rows, ignore_index=True), f"keyness_{key_by}",
                   f"Key terms of each {key_by} with at least {MIN_GROUP_TOKENS} tokens against all other {key_by}s "
                   "(top 20 with G2 > 0, q < 0.05).",
                   {"group": f"the {key_by}", "group_tokens": "tokens of the group", "term": "the term",
                    "n_target": "count in the group", "n_reference": "count in the rest",
                    "G2": "signed log-likelihood (Yates-corrected)", "p": "p-value (chi-square, 1 df)",
                    "q": "p adjusted over all terms tested (Benjamini-Hochberg)",
                    "log_ratio": "Hardie's log ratio (log2)"})
    lines = [f"Keyness by {key_by}: {len(targets)} groups with at least {MIN_GROUP_TOKENS} tokens."]
    if not tables:
        return replace(left_out(lines[0], [f"keyness_{key_by}"], ["02_keyness_group_vs_rest"]),
                       data={"tables": tables, "field": key_by})
    lead = next(iter(tables))
    n_lead = ctx.n_articles(key_by, lead)
    fig, ax = plt.subplots(figsize=(9, 8.5))
    plot_keyness(tables[lead], n=15, ax=ax, target=f"{lead} ({_plural(n_lead, 'article')})",
                 reference=f"the rest ({_plural(len(ctx.corpus) - n_lead, 'article')})",
                 title=f"Keyness: {lead} vs the rest")
    save_figure(fig, "02_keyness_group_vs_rest")
    none = "no term is significantly more frequent"
    lines.append("\n".join(f"- **{g}**: " + (_terms_list(_significant(t, 6)) or none)
                           for g, t in list(tables.items())[:6]))
    return Shown("\n\n".join(lines), figure=fig, data={"tables": tables, "field": key_by})


def keyness_period(ctx: Context) -> Shown:
    """The last period against the earlier ones (tables keyness_period, keyness_period_reference; figure
    02_keyness_last_period)."""
    choice = ctx.choices.period
    period = choice.value
    if period is None:
        return left_out(f"Keyness of periods left out: {choice.reason}.", PERIOD_TABLES, ["02_keyness_last_period"])
    pparas = with_group(ctx.paras, ctx.corpus, period)
    values = sorted(pparas[period].unique())
    if len(values) < 2:
        return left_out(f"Keyness of periods left out: the paragraphs fall in one {period} "
                        f"({', '.join(values) or 'none'}).", PERIOD_TABLES, ["02_keyness_last_period"])
    last, earlier = values[-1], values[:-1]
    pparas = pparas.assign(**{period: pparas[period].where(pparas[period] == last, "earlier")})
    freq = ctx.term_frequencies(pparas, period)
    table = keyness(dfm_from(freq, period), last)
    earlier_name = f"{earlier[0]}" if len(earlier) == 1 else f"{earlier[0]}–{earlier[-1]}"
    n_last = int((with_group(ctx.corpus, ctx.corpus, period)[period] == last).sum())
    fig, axes = plt.subplots(1, 2, figsize=(17, 8.5), layout="constrained", gridspec_kw={"width_ratios": [1.15, 1]})
    plot_keyness(table, n=15, ax=axes[0], target=f"{last} ({_plural(n_last, 'article')})",
                 reference=f"{earlier_name} ({len(ctx.corpus) - n_last:,} articles)",
                 title=f"Keyness: {last} vs {earlier_name}")
    plot_term_comparison(freq[freq[period] == last], freq[freq[period] == "earlier"], labels=(str(last), earlier_name),
                         n=12, ax=axes[1], title=f"Top terms per 1,000 tokens, {last} vs {earlier_name}")
    save_figure(fig, "02_keyness_last_period")
    save_table(table.head(200).assign(target=str(last), reference=earlier_name), "keyness_period",
               f"Keyness of the last {period} against the earlier ones (200 terms of highest G2, and the reference's "
               "most typical at the end of the full table in the notebook).",
               {"term": "the term", "n_target": "count in the last period", "n_reference": "count earlier",
                "G2": "signed log-likelihood", "p": "p-value", "q": "p adjusted over all terms tested (BH)",
                "log_ratio": "Hardie's log ratio (log2)",
                "target": "the last period", "reference": "the earlier periods"})
    save_table(table.tail(200).iloc[::-1].assign(target=str(last), reference=earlier_name), "keyness_period_reference",
               "The 200 terms most typical of the earlier periods (most negative G2 first).",
               {"term": "the term", "G2": "signed log-likelihood (negative: typical of the earlier periods)"})
    text = (f"**{last}** is marked by " + (_terms_list(_significant(table, 6)) or "no term")
            + f"; **{earlier_name}** by " + (_terms_list(_significant(table, 6, -1)) or "no term") + ".")
    return Shown(text, figure=fig, data={"table": table})


def key_terms_in_context(ctx: Context, by_group: Shown, by_period: Shown, corpus_terms: Shown, n: int = 3,
                         window: int = 6, lines: int = 10) -> Shown:
    """The `n` terms of highest keyness (groups, then the last period; else the most frequent), `lines` lines of
    KWIC each with `window` tokens each side."""
    tables = list(by_group.data.get("tables", {}).values())
    if "table" in by_period.data:
        tables.append(by_period.data["table"])
    candidates = [t for table in tables for t in _significant(table, 3)["term"]]
    terms = list(dict.fromkeys(candidates))[:n] or list(corpus_terms.data["freq"]["term"].head(n))
    parts = [kwic(ctx.paras, term, window=window, limit=lines)[["doc_id", "pre", "keyword", "post"]] for term in terms]
    table = pd.concat(parts, ignore_index=True) if parts else None
    return Shown("Key terms: " + ", ".join(f"**{t}**" for t in terms) + "." if terms else "No terms.", table)


def cooccurrence(ctx: Context, top: int = 30) -> Shown:
    """Pairs of the `top` terms in most paragraphs (table cooccurrence)."""
    docs = ctx.term_frequencies(ctx.paras)[["term", "docs"]]  # the `top` terms in most paragraphs, ties by term
    terms = docs.sort_values(["docs", "term"], ascending=[False, True], kind="mergesort")["term"].head(top)
    pairs = ctx.cooccurrence(list(terms))
    save_table(pairs.head(200), "cooccurrence", "Pairs of the 30 terms in most paragraphs: paragraphs containing both.",
               {"term_a": "first term", "term_b": "second term", "count": "paragraphs with both",
                "n_a": "paragraphs with term_a", "n_b": "paragraphs with term_b",
                "jaccard": "count / paragraphs with either"})
    return Shown(table=pairs.head(8), data={"pairs": pairs})


def without_widest(ctx: Context, pairs: Shown, n: int = 12) -> Shown:
    """The pairs without the term found in most paragraphs."""
    pairs = pairs.data["pairs"]
    widest = pd.concat([pairs[["n_a", "term_a"]].set_axis(["n", "t"], axis=1),
                        pairs[["n_b", "term_b"]].set_axis(["n", "t"], axis=1)])
    if widest.empty:
        return Shown("No pairs.")
    widest = widest.sort_values(["n", "t"], ascending=[False, True]).iloc[0]
    text = f"{widest['t']} is in {widest['n']:,} of the {len(ctx.paras):,} paragraphs; the pairs without it:"
    return Shown(text, pairs[~pairs[["term_a", "term_b"]].isin([widest["t"]]).any(axis=1)].head(n))
