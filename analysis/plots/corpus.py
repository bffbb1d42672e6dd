"""Corpus overview figures: when the articles appeared, and how much cleaning removed. Each shows
every article while there are few (FEW) and aggregates beyond that."""
from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

FEW = 12


def _labels(corpus) -> list[str]:
    if "label" in corpus.columns:
        return list(corpus["label"])
    return [f"{d[:3]} {c or p}" for d, c, p in zip(corpus["doc_id"], corpus["city"], corpus["province"])]


def _rows(corpus, by: str | None, top: int = 10) -> pd.Series:
    """Row name per article: the value of `by` (top values by articles, the rest "other"), or "(unknown)"."""
    if by is None or by not in corpus.columns:
        return pd.Series("all articles", index=corpus.index)
    values = corpus[by].astype("string").fillna("").replace("", "(unknown)")
    counts = values[values != "(unknown)"].value_counts()
    keep = set(counts.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort").index[:top])
    return values.where(values.isin(keep) | (values == "(unknown)"), "other")


def plot_timeline(corpus, by: str | None = "province", ax=None, few: int = FEW):
    """When the articles appeared, by `by` (province, org, source ...).

    Few articles: one dot per article on a date axis (dot area ∝ clean length), labelled. Many: a
    heat strip of articles per month (or year, for spans over five years) and group, the top ten
    groups as rows, with the total per period as bars above."""
    from .style import palette

    has_date = corpus["date"].notna()
    dated = corpus if has_date.all() else corpus[has_date]  # (a filtered copy holds every column: texts too)
    if dated.empty:  # a corpus without dates (a table export with no date column): say so rather than plot nothing
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 1.4), layout="constrained")
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"None of the {len(corpus):,} articles carries a date: no timeline", ha="center",
                va="center")
        return ax.figure
    rows = _rows(dated, by)
    row_title = {"province": "Province", "org": "Organisation", "source": "Source"}.get(by, by or "")
    if len(dated) <= few:
        return _timeline_dots(dated, rows, row_title, ax, palette)
    span_months = (dated["date"].max().to_period("M") - dated["date"].min().to_period("M")).n + 1
    freq = "Y" if span_months > 60 else "M"
    period = dated["date"].dt.to_period(freq)
    full = pd.period_range(period.min(), period.max(), freq=freq)
    table = pd.crosstab(rows, period).reindex(columns=full, fill_value=0)
    order = rows.value_counts()
    named = [r for r in order.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort").index
             if r not in ("other", "(unknown)")]
    table = table.reindex(named + [r for r in ("other", "(unknown)") if r in table.index])
    if ax is None:
        fig, (top, ax) = plt.subplots(2, 1, figsize=(min(4 + 0.28 * len(full), 18), 2.4 + 0.38 * len(table)),
                                      sharex=True, gridspec_kw={"height_ratios": [1, max(1.2, 0.3 * len(table))]},
                                      layout="constrained")
    else:
        top = None
    x = np.arange(len(full))
    if top is not None:
        totals = table.sum()
        top.bar(x, totals.to_numpy(), color="#2471a3", width=0.85)
        if len(full) <= 40:
            for xi, v in zip(x, totals.to_numpy()):
                top.text(xi, v, f"{v:,}", ha="center", va="bottom", fontsize=7)
        top.set_ylabel("Articles")
        top.grid(axis="x", alpha=0)
        top.set_title(f"{len(dated):,} articles by {'year' if freq == 'Y' else 'month'} of publication"
                      + (f" and {row_title.lower()}" if by else ""))
    image = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="Blues", interpolation="nearest",
                      vmin=0, vmax=max(1, table.to_numpy().max()))
    if len(full) <= 40 and len(table) <= 14:
        for (i, j), v in np.ndenumerate(table.to_numpy()):
            if v:
                ax.text(j, i, f"{v:,}", ha="center", va="center", fontsize=6.5,
                        color="white" if v > 0.6 * table.to_numpy().max() else "black")
    step = max(1, len(full) // 24)
    ax.set_xticks(x[::step], [str(p) for p in full][::step], rotation=90 if freq == "M" else 0)
    ax.set_yticks(range(len(table)), [f"{r} ({n:,})" for r, n in zip(table.index, table.sum(axis=1))])
    ax.set_ylabel(f"{row_title} (articles)" if by else "")
    ax.set_xlabel("Year" if freq == "Y" else "Month of publication")
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.01, label="Articles")
    return ax.figure


def _timeline_dots(corpus, rows, row_title, ax, palette):
    import matplotlib.dates as mdates

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 6))
    order = corpus.assign(_row=rows).sort_values("date", kind="mergesort")
    names = list(dict.fromkeys(order["_row"]))
    ypos = {p: i for i, p in enumerate(names)}
    colours = palette(names)
    seen: dict[str, int] = {}
    labels = dict(zip(corpus.index, _labels(corpus)))
    for idx, row in order.iterrows():
        y = ypos[row["_row"]]
        ax.scatter(row["date"], y, s=row["n_chars_clean"] / 8, color=colours[row["_row"]], alpha=0.75,
                   edgecolor="black", linewidth=0.6, zorder=3)
        org = row.get("org", "") or ""
        name = re.sub(r" \(\d{4}-\d{2}-\d{2}\)", "", labels[idx])  # the date is the label's second line
        label = f"{name}{' · ' + org if org else ''}\n{row['date']:%Y-%m-%d}"
        k = seen.get(row["_row"], 0)  # above, below, higher above, lower below: neighbours in a row don't collide
        seen[row["_row"]] = k + 1
        offset = (14, -14, 40, -40)[k % 4]
        ax.annotate(label, (row["date"], y), xytext=(0, offset), textcoords="offset points",
                    ha="center", va="top" if offset < 0 else "bottom", fontsize=9)
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(-0.7, len(names) - 0.3)
    pad = max((corpus["date"].max() - corpus["date"].min()) * 0.08, pd.Timedelta(days=15))
    ax.set_xlim(corpus["date"].min() - pad, corpus["date"].max() + pad)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_xlabel("Publication date (year-month)")
    ax.set_ylabel(row_title)
    ax.set_title(f"Articles by publication date{' and ' + row_title.lower() if row_title else ''} "
                 "(dot area ∝ clean length)")
    ax.grid(axis="y", alpha=0)
    return ax.figure


def plot_cleaning_lengths(corpus, ax=None, few: int = FEW):
    """How much cleaning kept. Few articles: paired bars per article (raw file, clean text). Many:
    the distribution of the share of characters kept and of clean length, with counts."""
    if len(corpus) <= few:
        return _cleaning_bars(corpus, ax)
    kept = corpus["n_chars_clean"] / corpus["n_chars_raw"].where(corpus["n_chars_raw"] > 0)
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    counts, edges, _ = a.hist(kept.dropna() * 100, bins=np.linspace(0, 100, 21), color="#2471a3")
    for c, lo, hi in zip(counts, edges[:-1], edges[1:]):
        if c:
            a.text((lo + hi) / 2, c, f"{int(c):,}", ha="center", va="bottom", fontsize=7)
    a.set_xlabel("Characters kept by cleaning (% of the raw file)")
    a.set_ylabel("Articles")
    a.set_title(f"Share kept: median {kept.median():.0%} of {len(corpus):,} articles")
    lengths = corpus["n_chars_clean"].clip(lower=1)
    bins = np.logspace(np.log10(lengths.min()), np.log10(lengths.max() + 1), 25)
    b.hist(lengths, bins=bins, color="#7f8c8d")
    b.set_xscale("log")
    b.xaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    b.set_xlabel("Clean text length (characters, log scale)")
    b.set_ylabel("Articles")
    b.set_title(f"Clean length: median {lengths.median():,.0f} characters")
    for axis in (a, b):
        axis.grid(axis="x", alpha=0)
    fig.suptitle(f"Raw {corpus['n_chars_raw'].sum():,} → clean {corpus['n_chars_clean'].sum():,} characters "
                 f"({corpus['n_chars_clean'].sum() / max(corpus['n_chars_raw'].sum(), 1):.0%} kept)")
    return fig


def _cleaning_bars(corpus, ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.55 * len(corpus) + 1.1))
    y = np.arange(len(corpus))
    ax.barh(y + 0.2, corpus["n_chars_raw"], height=0.4, color="#bbbbbb", label="raw file")
    ax.barh(y - 0.2, corpus["n_chars_clean"], height=0.4, color="#2471a3", label="clean text")
    for yi, (raw, clean) in enumerate(zip(corpus["n_chars_raw"], corpus["n_chars_clean"])):
        ax.text(clean, yi - 0.2, f" {clean:,} ({clean / max(raw, 1):.0%})", va="center", fontsize=9)
    ax.set_yticks(y, _labels(corpus))
    ax.invert_yaxis()
    ax.set_xlabel("Length (characters)")
    ax.set_title("Article length before and after cleaning")
    ax.legend(loc="upper right")
    ax.set_xlim(0, corpus["n_chars_raw"].max() * 1.25)
    return ax.figure
