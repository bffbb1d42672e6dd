"""Heatmaps: one drawing function (`plot_heatmap`) and the views built on it: theme shares with
k/n counts (and, given `theme_share_intervals`, a dot on the uncertain cells), any share table, NMF topics
against themes."""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

MAX_TEXT_COLS, MAX_TEXT_ROWS = 40, 60  # beyond these, cell text would not fit


def _fits_text(n_rows: int, n_cols: int) -> bool:
    return n_cols <= MAX_TEXT_COLS and n_rows <= MAX_TEXT_ROWS


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is >= x (a colour scale's top)."""
    if not x > 0 or not math.isfinite(x):
        return 1.0
    power = 10 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= x * (1 - 1e-12))


MARK_COLOUR = "#222222"


def _mark_cells(ax, mask, note: str) -> None:
    """A dot in the top right corner of each cell where `mask` is true (the cell's text stays clear), and
    under the axes a note that says what a dot means."""
    from matplotlib.lines import Line2D

    rows, cols = np.nonzero(mask)
    if len(rows):
        ax.scatter(cols + 0.36, rows - 0.3, s=18, marker="o", color=MARK_COLOUR, edgecolors="white",
                   linewidths=0.5, zorder=4)  # a white rim: visible on the darkest cells too
    if note:
        ax.legend(handles=[Line2D([], [], marker="o", linestyle="", color=MARK_COLOUR, markersize=4.5, label=note)],
                  loc="upper left", bbox_to_anchor=(0, -0.01), fontsize=8.5, handletextpad=0.3, borderaxespad=0)


def plot_heatmap(values, ax=None, *, text=None, row_labels=None, col_labels=None, cmap="YlOrRd",
                 vmax=None, cbar_label: str = "", cbar_format=None, labels_top: bool = False,
                 fontsize: float = 8, title: str | None = None, xlabel: str = "", ylabel: str = "",
                 marked=None, mark_note: str = ""):
    """Draw a rows x columns table of numbers as a heatmap.

    values: DataFrame (row and column labels from its index and columns unless given).
    text: a same-shaped table of cell strings (None: no cell text; an empty string leaves its cell
        blank; all cells are left blank when there are more than 40 columns or 60 rows, where text
        would not fit).
    vmax: the top of the colour scale (default the largest value: the scale fits the data); cells above
        it take the top colour, and the colour bar ends in an arrow.
    marked: a same-shaped table of booleans: those cells get a dot in their corner, and `mark_note`
        under the axes says what it means (e.g. an uncertain share).
    """
    data = values.to_numpy(dtype=float)
    n_rows, n_cols = data.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(min(3.5 + 0.9 * n_cols, 22), min(0.42 * n_rows + 2.2, 24)))
    top = vmax if vmax is not None else max(1e-9, float(np.nanmax(data)) if data.size else 1.0)
    # One quad per cell (a mesh, not an image): nothing is resampled to the output resolution, and the
    # SVG gets vector cells instead of an embedded bitmap. Row 0 on top, as a table reads.
    image = ax.pcolormesh(np.arange(n_cols + 1) - 0.5, np.arange(n_rows + 1) - 0.5, data, cmap=cmap,
                          vmin=0, vmax=top)
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(n_rows - 0.5, -0.5)
    if text is not None and _fits_text(n_rows, n_cols):
        cells = text.to_numpy() if hasattr(text, "to_numpy") else np.asarray(text)
        for (i, j), v in np.ndenumerate(data):
            if not cells[i, j]:
                continue  # a blank cell: no text to draw
            ax.text(j, i, cells[i, j], ha="center", va="center", fontsize=fontsize, linespacing=1.1,
                    color="white" if v > 0.6 * top else "black",
                    in_layout=False)  # inside its cell: layout and the tight box need not measure it
    rows = list(values.index) if row_labels is None else list(row_labels)
    cols = list(values.columns) if col_labels is None else list(col_labels)
    ax.set_yticks(range(n_rows), [str(r) for r in rows])
    step = max(1, n_cols // 40)
    long = max((len(str(c)) for c in cols), default=0) * n_cols > 60  # labels that would run into each other
    ax.set_xticks(range(0, n_cols, step), [str(c) for c in cols][::step],
                  rotation=(30 if long else 0) if labels_top else 35,
                  ha=("left" if long else "center") if labels_top else "right", rotation_mode="anchor")
    if labels_top:
        ax.tick_params(axis="x", labeltop=True, labelbottom=False, top=True, bottom=False)
        ax.xaxis.set_label_position("top")
    ax.grid(False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, pad=12)
    if marked is not None:
        _mark_cells(ax, np.asarray(marked, dtype=bool), mark_note)
    over = data.size and np.nanmax(data) > top * (1 + 1e-9)
    cbar = ax.figure.colorbar(image, ax=ax, fraction=0.035, pad=0.02, format=cbar_format,
                              extend="max" if over else "neither")  # an arrow: some cells lie above the scale
    cbar.set_label(cbar_label)
    return ax.figure


def percent(v: float) -> str:
    """A share (0-1) in percent: a decimal under 10 % (0.4 %, not 0 %), whole percents above."""
    return f"{v:.1%}" if abs(v) < 0.0995 else f"{v:.0%}"


def colour_top(values, quantile: float = 0.98) -> float:
    """The top of a colour scale that fits `values` (shares, 0-1): the `quantile` of the values rounded up by
    nice_ceiling, so one outlier (a 68 % cell among shares of 0-16 %) does not wash out the rest; cells
    above it take the top colour and the colour bar gets an arrow."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    return nice_ceiling(float(np.quantile(v, quantile))) if v.size and v.max() > 0 else 1.0


def _interval_grid(intervals, rows, cols):
    """lo, hi and n_articles of `theme_share_intervals` as themes x groups tables on (rows, cols)."""
    by = next(c for c in intervals.columns if c not in ("theme", "share", "lo", "hi", "n_paragraphs",
                                                          "n_articles", "label"))
    grid = {v: intervals.pivot(index="theme", columns=by, values=v).reindex(index=rows, columns=cols)
            for v in ("lo", "hi", "n_articles")}
    return grid["lo"], grid["hi"], grid["n_articles"]


def uncertain_cells(intervals, rows, cols, scale: float, wide: float = 0.25, min_articles: int = 5):
    """Cells (themes x groups, booleans) whose share is uncertain: fewer than `min_articles` articles, no
    interval, or an interval that covers more than `wide` of the colour scale 0..`scale` (the cell's colour
    could be that far off; a part beyond the scale's top does not count). `intervals` is a
    `theme_share_intervals` table."""
    lo, hi, n = _interval_grid(intervals, rows, cols)
    span = hi.clip(upper=scale) - lo.clip(upper=scale)
    return (n.fillna(0) < min_articles) | lo.isna() | hi.isna() | (span > wide * scale)


def plot_theme_heatmap(counts, labels: dict | None = None, col_labels: dict | None = None, ax=None,
                       title: str = "Share of paragraphs carrying each theme", xlabel: str = "", *, n,
                       what: str = "paragraphs", uncertain=None, intervals=None, vmax: float | None = None,
                       wide: float = 0.25, min_articles: int = 5):
    """Theme shares (%) with k/n in each cell that has the theme, blank where none has it (k = 0):
    `counts` = themes x groups paragraph counts (`theme_counts`), `n` = paragraphs per group
    (`paragraph_counts`, a Series over the columns), also shown after each column label as (n=…).
    `what` names the counted units in the colour bar's label (paragraphs, or a place's units).
    Row labels: `labels` (theme id -> "中文 English"); column labels: `col_labels` or the group.

    The colour scale runs from 0 to `vmax` (a share in percent; default `colour_top` of the shares: their
    98th percentile rounded up to 1, 2, 2.5 or 5 x 10^k, so shares of 0-8 % use the whole scale and one
    outlier does not wash out the rest); shares under 10 % are written with a decimal.
    `intervals` (`theme_share_intervals` with the same `by`): each cell also shows its interval, and a
    cell gets a dot in its corner where the share is uncertain: fewer than `min_articles` articles, no interval, or an
    interval wider than `wide` of the colour scale (see `uncertain_cells`). `uncertain`: a themes x groups
    table of booleans to mark instead (your own rule); a note under the axes says what the dot means."""
    n = n.reindex(counts.columns)
    share = counts.div(n.where(n > 0), axis=1).fillna(0.0)
    top = vmax / 100 if vmax is not None else colour_top(share.to_numpy())
    lo = hi = None
    if intervals is not None:
        lo, hi, _ = _interval_grid(intervals, counts.index, counts.columns)
    text = share.copy().astype(object)
    for j, col in enumerate(counts.columns):
        for i, _row in enumerate(counts.index):
            k = int(counts.iat[i, j])
            ci = ""
            if lo is not None and lo.iat[i, j] == lo.iat[i, j]:
                ci = f"\n{percent(lo.iat[i, j]).rstrip('%')}–{percent(hi.iat[i, j])}"
            text.iat[i, j] = f"{percent(share.iat[i, j])}{ci}\n{k}/{int(n[col])}" if k else ""
    if ax is None:
        per_row = 0.62 if intervals is not None else 0.48
        _, ax = plt.subplots(figsize=(5.4 + 1.25 * counts.shape[1], per_row * counts.shape[0] + 1.8))
    cols = [f"{(col_labels or {}).get(c, str(c))} (n={int(n[c]) if n[c] == n[c] else 0})" for c in counts.columns]
    marked, note = None, ""
    if uncertain is not None:
        marked = uncertain.reindex(index=counts.index, columns=counts.columns).fillna(False).to_numpy(dtype=bool)
        note = "Dotted: uncertain share (a wide interval or few articles)"
    elif intervals is not None:
        marked = uncertain_cells(intervals, counts.index, counts.columns, top, wide, min_articles).to_numpy()
        note = (f"Dotted: uncertain share (fewer than {min_articles} articles, or the interval covers "
                f"over {wide:.0%} of the colour scale)")
    if intervals is not None:
        note += "; cell: share, interval, k/n"
    return plot_heatmap(share * 100, ax=ax, text=text, row_labels=[(labels or {}).get(t, t) for t in counts.index],
                        col_labels=cols, vmax=top * 100,
                        cbar_label=f"{what.capitalize()} with the theme (%)"
                        + ("; blank: none" if _fits_text(*counts.shape) else ""),
                        labels_top=True, title=title, xlabel=xlabel, marked=marked, mark_note=note,
                        fontsize=7.5 if intervals is not None else 8)


def plot_share_heatmap(shares, ax=None, counts=None, cmap="Reds", uncertain=None, note: str = ""):
    """A rows x columns table of shares (0-1), cells in percent (a decimal under 10 %); with `counts` the
    count too. The colour scale fits the data (`colour_top`). `uncertain`: a same-shaped table of booleans
    whose cells get a dot, `note` saying why (e.g. `uncertain_cells` of `theme_share_intervals`)."""
    text = shares.map(percent)
    if counts is not None:
        text = text + "\n(" + counts.astype(int).astype(str) + ")"
    return plot_heatmap(shares, ax=ax, text=text, cmap=cmap, cbar_format=lambda v, _: percent(v),
                        vmax=colour_top(shares.to_numpy()),
                        marked=None if uncertain is None else np.asarray(uncertain, dtype=bool), mark_note=note)


def plot_topic_theme(table, topics=None, ax=None,
                     title: str = "NMF topics vs codebook themes (mean topic weight of the theme's paragraphs)"):
    """`themes.topic_theme_table` as a heatmap: rows = themes, columns = topics (with top words)."""
    words = {} if topics is None else dict(zip(topics["topic"], topics["top_words"]))
    cols = [f"{t}\n" + "\n".join(words.get(t, "").split()[:3]) for t in table.columns]
    if ax is None:
        _, ax = plt.subplots(figsize=(3.5 + 0.95 * table.shape[1], 0.45 * table.shape[0] + 2.6))
    fig = plot_heatmap(table, ax=ax, text=table.map(lambda v: f"{v:.2f}"), col_labels=cols, cmap="Blues",
                       cbar_label="Mean topic weight (share of paragraph, 0-1)", labels_top=True,
                       fontsize=7.5, title=title)
    ax.tick_params(axis="x", labelsize=8.5)
    ax.axhline(table.shape[0] - 1.5, color="black", linewidth=1)
    return fig
