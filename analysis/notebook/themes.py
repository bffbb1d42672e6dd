"""Notebook 03's sections: the codebook, coding, themes by group, region and period (with intervals that
resample articles), the evidence behind a cell, and how far to trust the codes."""
from __future__ import annotations

import pandas as pd

from ..choices import enough_columns, top_groups, with_group
from ..outputs import save_table
from .common import Context, Shown, left_out, single_article

THEME_COLUMNS = {"by": "the grouping column", "group": "its value", "theme": "theme id (codebook)",
                 "k": "paragraphs with the theme", "n": "paragraphs of the group", "share": "k / n",
                 "lo": "95% interval, lower end (cluster bootstrap over articles)", "hi": "95% interval, upper end",
                 "n_articles": "articles of the group"}
MIN_UNITS = 5  # a heatmap column needs this many paragraphs
PERIOD_TABLES = ["themes_by_period", "theme_period_difference"]


def codebook(ctx: Context) -> Shown:
    cb = ctx.codebook
    table = cb.assign(keywords=cb["keywords"].map(len), exclude=cb["exclude"].map(" ".join))[
        ["id", "zh", "en", "definition", "keywords", "exclude"]]
    return Shown(f"{len(cb)} themes (`{ctx.study.codebook or 'the default codebook'}`).", table)


def coding(ctx: Context) -> Shown:
    """Each theme's paragraphs and keywords (table theme_summary)."""
    from ..themes import theme_summary

    summary = theme_summary(ctx.coded)
    keep = [c for c in summary.columns if summary[c].dtype != object or c in ("theme", "label", "top_keywords")]
    save_table(summary[keep], "theme_summary",
               "Each theme: paragraphs coded with it and their share of all paragraphs.",
               {"theme": "theme id", "label": "Chinese and English label", "paragraphs": "paragraphs with the theme",
                "share": "paragraphs / all paragraphs", "top_keywords": "matched keywords with paragraph counts"})
    return Shown(table=summary)


def uncovered(ctx: Context) -> Shown:
    """What no theme covers (table coding_stats)."""
    from ..themes import uncoded, uncoded_share

    coded = ctx.coded
    share = uncoded_share(coded)
    save_table(pd.DataFrame([{"paragraphs": len(coded), "uncoded_share": share, "mean_themes": coded["n_themes"].mean(),
                              "max_themes": int(coded["n_themes"].max())}]), "coding_stats",
               "How the codebook covers the paragraphs.",
               {"paragraphs": "paragraphs coded", "uncoded_share": "share with no theme",
                "mean_themes": "themes per paragraph, mean", "max_themes": "themes per paragraph, most"})
    text = (f"Uncoded: {share:.1%} of {len(coded):,} paragraphs; paragraphs carry {coded['n_themes'].mean():.1f} "
            f"themes on average (at most {coded['n_themes'].max()}).")
    return Shown(text, uncoded(coded).head(20))


def share_table(ctx: Context, coded_g: pd.DataFrame, column: str, order: list) -> pd.DataFrame:
    """The long table of a heatmap: k, n, share and the article-bootstrap interval of each (group, theme)."""
    from ..intervals import theme_share_intervals

    ids = list(ctx.labels)
    k = coded_g.groupby(column, sort=False)[ids].sum()
    ci = theme_share_intervals(coded_g, by=column, codebook=ctx.codebook)
    ci[column] = ci[column].astype(str)
    long = k.rename_axis("group").reset_index().melt(id_vars="group", var_name="theme", value_name="k")
    long["group"] = long["group"].astype(str)
    long = long.merge(ci.rename(columns={column: "group", "n_paragraphs": "n"}), on=["group", "theme"], how="left")
    long = long.assign(by=column)
    long["group"] = pd.Categorical(long["group"], [str(g) for g in order])
    long["theme"] = pd.Categorical(long["theme"], ids)
    long = long.sort_values(["group", "theme"]).astype({"group": str, "theme": str})
    return long[["by", "group", "theme", "k", "n", "share", "lo", "hi", "n_articles"]].reset_index(drop=True)


def interval(row) -> str:
    """"95% interval 40%–62%", or why there is none (one article: nothing to resample)."""
    if pd.isna(row["lo"]) or pd.isna(row["hi"]):
        return "one article: no interval"
    return f"95% interval {row['lo']:.0%}–{row['hi']:.0%}"


def _intervals(long: pd.DataFrame) -> pd.DataFrame:
    """A heatmap's long table in the form of `theme_share_intervals` (for the figure's interval marks)."""
    return long.rename(columns={"n": "n_paragraphs"})[["group", "theme", "share", "lo", "hi", "n_paragraphs",
                                                        "n_articles"]]


def _heatmap(ctx: Context, long: pd.DataFrame, names: dict, name: str, xlabel: str, title: str, marks: bool = True):
    from ..plots import plot_theme_heatmap, save_figure

    order = list(dict.fromkeys(long["group"]))
    k = long.pivot(index="theme", columns="group", values="k").reindex(index=list(ctx.labels), columns=order)
    n = long.drop_duplicates("group").set_index("group")["n"].reindex(order)
    fig = plot_theme_heatmap(k, ctx.labels, names, n=n, xlabel=xlabel, title=title,
                             intervals=_intervals(long) if marks else None)
    save_figure(fig, name)
    return fig


def by_group(ctx: Context) -> Shown:
    """Heatmap 03_themes_by_group (table themes_by_group): the themes of each article or group."""
    choice = ctx.choices.groups
    if choice.value is None:
        return left_out(f"No themes by group: {choice.reason}.", ["themes_by_group"], ["03_themes_by_group"])
    column, few = choice.value, ctx.few
    keep = None if few else list(ctx.choices.shown)
    coded_g = ctx.coded if few else with_group(ctx.coded, ctx.corpus, column, keep=keep)
    n = coded_g.groupby(column).size()
    enough = enough_columns(n, min_units=MIN_UNITS)
    if enough.value is None:
        return left_out(f"No themes by {'article' if few else column}: {enough.reason}.", ["themes_by_group"],
                        ["03_themes_by_group"])
    order = [g for g in (list(ctx.corpus["doc_id"]) if few else keep + ["other"]) if g in set(enough.value)]
    coded_g = coded_g[coded_g[column].isin(order)]
    long = share_table(ctx, coded_g, column, order)
    names = (ctx.label_of if few else
             {g: f"{g}\n({ctx.n_articles(column, g):,} art.)" for g in order if g != "other"})
    what = "article" if few else column
    # one article per column while few: its shares describe that article; there is no sample to resample
    fig = _heatmap(ctx, long, names, "03_themes_by_group", "Article" if few else column.capitalize(),
                   f"Share of paragraphs carrying each theme, by {what} (%, k/n)", marks=not few)
    table = long.assign(by="label" if few else column)
    if few:
        table["group"] = table["group"].map(ctx.label_of)
    save_table(table, "themes_by_group", f"Theme shares by {what} (the heatmap's cells), with 95% intervals from "
               "resampling articles.", THEME_COLUMNS)
    shares = table.pivot(index="theme", columns="group", values="share")
    lines = []
    for g in list(dict.fromkeys(table["group"]))[:12]:
        lead = shares[g].idxmax()
        row = table[(table["group"] == g) & (table["theme"] == lead)].iloc[0]
        lines.append(f"- **{g}** ({int(row['n']):,} paragraphs): mostly *{ctx.labels[lead]}* ({row['share']:.0%}, "
                     f"{interval(row)})")
    return Shown("\n".join(lines).replace("\n(", " ("), figure=fig, data={"long": long, "column": column})


def by_region(ctx: Context) -> Shown:
    """Heatmap 03_themes_by_region (table themes_by_province)."""
    if ctx.choices.province.value is None:
        return left_out(f"No comparison by region here: {ctx.choices.province.reason} (notebook 04 reads places "
                        "from the texts).", ["themes_by_province"], ["03_themes_by_region"])
    provinces = top_groups(ctx.corpus, "province", n=12)
    coded_p = with_group(ctx.coded, ctx.corpus, "province", keep=provinces)
    enough = enough_columns(coded_p.groupby("province").size(), min_units=MIN_UNITS)
    if enough.value is None:
        return left_out(f"No comparison by province: {enough.reason}.", ["themes_by_province"],
                        ["03_themes_by_region"])
    order = [p for p in provinces + ["other"] if p in set(enough.value)]
    long = share_table(ctx, coded_p[coded_p["province"].isin(order)], "province", order)
    fig = _heatmap(ctx, long, {}, "03_themes_by_region", "Province",
                   "Share of paragraphs carrying each theme, by province (%, k/n)")
    save_table(long, "themes_by_province", "Theme shares by province (most text first; the rest as 'other'), with 95% "
               "intervals from resampling articles.", THEME_COLUMNS)
    return Shown(figure=fig, data={"long": long, "column": "province"})


def cell_evidence(ctx: Context, *shown: Shown) -> Shown:
    """The paragraphs behind the highest cell among the groups with at least five paragraphs."""
    from ..themes import theme_evidence

    tables = [s.data for s in shown if s.data.get("long") is not None]
    if not tables:
        return Shown("No groups, so no cell to open.")
    long, column = tables[-1]["long"], tables[-1]["column"]
    cells = long[(long["n"] >= MIN_UNITS) & (long["group"] != "other")]
    if cells.empty:
        return Shown("No group has five paragraphs.")
    top = cells.sort_values(["share", "k"], ascending=False, kind="mergesort").iloc[0]
    theme, group = top["theme"], top["group"]
    text = (f"`theme_evidence(coded, {theme!r}, by={column!r}, group={group!r}, corpus=corpus)`: *{ctx.labels[theme]}* "
            f"in {ctx.label_of.get(group, group)} ({top['share']:.0%}, {interval(top)}). "
            "The evidence explorer (`explorer.html` beside the report) opens every cell this way.")
    return Shown(text, theme_evidence(ctx.coded, theme, by=column, group=group, corpus=ctx.corpus).head(10))


def by_period(ctx: Context) -> Shown:
    """03_themes_by_period (table themes_by_period) and the first-to-last contrast (table theme_period_difference:
    the change of each theme's share with its article-bootstrap interval, permutation p and BH q)."""
    from ..intervals import theme_share_difference
    from ..plots import plot_theme_heatmap, plot_theme_periods, save_figure

    period = ctx.choices.period
    if period.value is None:
        return left_out(f"No comparison of periods: {period.reason}.", PERIOD_TABLES, ["03_themes_by_period"])
    column = period.value
    coded_t = with_group(ctx.coded, ctx.corpus, column)
    enough = enough_columns(coded_t.groupby(column).size(), min_units=MIN_UNITS)
    if enough.value is None:
        return left_out(f"No comparison of {column}s: {enough.reason}.", PERIOD_TABLES, ["03_themes_by_period"])
    cols = sorted(enough.value)
    coded_t = coded_t[coded_t[column].isin(cols)]
    long = share_table(ctx, coded_t, column, cols)
    save_table(long, "themes_by_period", f"Theme shares by {column}, with 95% intervals from resampling articles.",
               THEME_COLUMNS)
    shares = long.pivot(index="theme", columns="group", values="share").reindex(index=list(ctx.labels), columns=cols)
    n = long.drop_duplicates("group").set_index("group")["n"].reindex(cols)
    if len(cols) <= 4:
        fig = plot_theme_periods(shares, ctx.labels, n=n, legend_title=column.capitalize(), intervals=_intervals(long),
                                 title=f"Theme share by {column} (% of paragraphs; whiskers: 95% intervals)")
    else:
        k = long.pivot(index="theme", columns="group", values="k").reindex(index=shares.index, columns=cols)
        fig = plot_theme_heatmap(k, ctx.labels, n=n, xlabel=column.capitalize(), intervals=_intervals(long),
                                 title=f"Share of paragraphs carrying each theme, by {column} (%, k/n)")
    save_figure(fig, "03_themes_by_period")
    a, b = cols[0], cols[-1]
    counts = long.drop_duplicates("group").set_index("group")["n_articles"]
    # the last period against the first, so that diff = share_b - share_a is the change from a to b
    diff = theme_share_difference(coded_t, column, b, a, codebook=ctx.codebook)
    diff = diff.rename(columns={f"{x}_{s}": f"{x}_{t}" for x in ("share", "n_articles", "n_paragraphs")
                                for s, t in (("a", "b"), ("b", "a"))}).assign(a=a, b=b)
    diff = diff[["theme", "share_a", "share_b", "diff", "lo", "hi", "p", "q", "n_articles_a", "n_articles_b",
                 "n_paragraphs_a", "n_paragraphs_b", "a", "b"]]
    save_table(diff, "theme_period_difference",
               f"Change of each theme's share from {a} to {b}: the difference, its 95% interval (articles resampled), "
               "an article-level permutation p and Benjamini-Hochberg q over the themes.",
               {"theme": "theme id", "share_a": f"share in {a}", "share_b": f"share in {b}",
                "diff": "share_b - share_a",
                "lo": "95% interval of diff, lower end", "hi": "upper end", "p": "permutation p (articles shuffled)",
                "q": "Benjamini-Hochberg q over the themes", "a": "first period", "b": "last period",
                "n_paragraphs_a": f"paragraphs in {a}", "n_paragraphs_b": f"paragraphs in {b}",
                "n_articles_a": f"articles in {a}", "n_articles_b": f"articles in {b}"})
    real = diff[(diff["lo"] > 0) | (diff["hi"] < 0)].sort_values("diff", kind="mergesort")
    single = single_article({a: counts[a], b: counts[b]})
    if single:
        text = (f"From {a} to {b}, no change is named: {single}, so there is no interval of the change "
                "(one article gives no spread between articles to resample).")
    elif real.empty:
        text = (f"From {a} to {b}, no theme's share changes beyond what resampling these "
                f"{int(counts[a] + counts[b]):,} articles gives by chance "
                "(every 95% interval of the change includes 0).")
    else:
        text = f"From {a} to {b}, the changes whose 95% interval excludes 0: " + "; ".join(
            f"*{ctx.labels[r.theme]}* {r.share_a:.0%} → {r.share_b:.0%} "
            f"(change {r.lo:+.0%} to {r.hi:+.0%}, q = {r.q:.3f})"
            for r in real.iloc[::-1].itertuples()) + "."
    return Shown(text, diff.set_index("theme").round(3), figure=fig)
