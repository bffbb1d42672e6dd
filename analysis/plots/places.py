"""Place figures: ranked counts (places named, units per place) and money amounts by place."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

BOUND_MARKERS = {"at_least": (">", "more than (余/多/超)"), "at_most": ("<", "nearly (近)"),
                 "approx": ("o", "about (约, or mixed)"), "exact": ("|", "exact")}


def plot_place_amounts(money, places, ax=None, max_places: int = 25):
    """One bar per money amount of each place (log scale, million yuan), labelled with the figure
    as the text writes it and what was given; a marker at the bar end shows its bound; places
    (in the given order, at most `max_places`) whose text gives no figure are listed as such."""
    places = list(places)[:max_places]
    rows_per = [max(int((money["place"] == p).sum()), 1) for p in places]
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.55 * sum(rows_per) + 0.35 * len(places) + 1.5))
    values = money["amount_yuan"].to_numpy(dtype=float) / 1e6
    low = 10 ** np.floor(np.log10(max(values.min(), 1e-4))) if len(values) else 0.1
    high = 10 ** np.ceil(np.log10(values.max() * 30)) if len(values) else 1000
    y = 0.0
    ticks = []
    for place in places:
        rows = money[(money["place"] == place) & money["amount_yuan"].notna()]  # vague or foreign: no bar
        n = max(len(rows), 1)
        ys = y + np.arange(n) * 0.8
        ticks.append((ys.mean(), place))
        if rows.empty:
            ax.text(low * 1.2, ys[0], "no amount in the text", va="center", color="grey", style="italic")
        for yi, row in zip(ys, rows.itertuples()):
            value = row.amount_yuan / 1e6
            ax.barh(yi, value - low, height=0.7, color="#c0392b", alpha=0.8, left=low)
            ax.plot(value, yi, marker=BOUND_MARKERS.get(row.bound_kind, ("|", ""))[0], color="black", markersize=7)
            ax.text(value * 1.25, yi, f"{row.span} {row.given}", va="center", fontsize=9)
        y = ys[-1] + 1.2
    ax.set_xscale("log")
    ax.set_xlim(low, high)
    ax.set_ylim(y - 1.2 + 0.6, -0.6)  # inverted: first place on top, half a row of margin at both ends
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}")
    ax.set_yticks([t for t, _ in ticks], [d for _, d in ticks])
    ax.grid(axis="y", alpha=0)
    handles = [plt.Line2D([], [], marker=m, color="black", linestyle="", label=label)
               for m, label in BOUND_MARKERS.values()]
    ax.legend(handles=handles, title="Bound as written", loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False)
    ax.set_xlabel("Amount (million yuan, log scale; each bar = one figure in the text)")
    return ax.figure


def plot_ranked_counts(counts, colours=None, ax=None, legend_title=None, sort=True, top: int | None = 30):
    """Horizontal bars of a Series (label -> count), largest on top (`sort=False`: in the Series'
    order, first on top); `colours` = ({label: colour}, {legend name: colour}) colours the bars."""
    if top is not None:
        counts = counts.sort_values(ascending=False, kind="mergesort").head(top) if sort else counts.head(top)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.32 * len(counts) + 1.5))
    counts = counts.sort_values(kind="mergesort") if sort else counts[::-1]
    bar_colours = None
    if colours is not None:
        per_label, legend = colours
        bar_colours = [per_label.get(label, "grey") for label in counts.index]
        handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in legend.values()]
        ax.legend(handles, legend.keys(), title=legend_title, loc="lower right")
    ax.barh(range(len(counts)), counts.values, color=bar_colours or "#2471a3")
    ax.set_yticks(range(len(counts)), counts.index)
    for i, v in enumerate(counts.values):
        ax.text(v, i, f" {v:g}", va="center", fontsize=9)
    ax.grid(axis="y", alpha=0)
    return ax.figure
