"""Heatmaps: one drawing function (`plot_heatmap`) and the views built on it: theme shares with
k/n counts, any share table, NMF topics against themes."""
from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt


MAX_TEXT_COLS, MAX_TEXT_ROWS = 40, 60  # beyond these, cell text would not fit


def _fits_text(n_rows: int, n_cols: int) -> bool:
    return n_cols <= MAX_TEXT_COLS and n_rows <= MAX_TEXT_ROWS


def plot_heatmap(values, ax=None, *, text=None, row_labels=None, col_labels=None, cmap="YlOrRd",
                 vmax=None, cbar_label: str = "", cbar_format=None, labels_top: bool = False,
                 fontsize: float = 8, title: str | None = None, xlabel: str = "", ylabel: str = ""):
    """Draw a rows x columns table of numbers as a heatmap.

    values: DataFrame (row and column labels from its index and columns unless given).
    text: a same-shaped table of cell strings (None: no cell text; an empty string leaves its cell
        blank; all cells are left blank when there are more than 40 columns or 60 rows, where text
        would not fit).
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
    cbar = ax.figure.colorbar(image, ax=ax, fraction=0.035, pad=0.02, format=cbar_format)
    cbar.set_label(cbar_label)
    return ax.figure


def plot_theme_heatmap(counts, labels: dict | None = None, col_labels: dict | None = None, ax=None,
                       title: str = "Share of paragraphs carrying each theme", xlabel: str = "", *, n,
                       what: str = "paragraphs", uncertain=None):
    """Theme shares (%) with k/n in each cell that has the theme, blank where none has it (k = 0):
    `counts` = themes x groups paragraph counts (`theme_counts`), `n` = paragraphs per group
    (`paragraph_counts`, a Series over the columns), also shown after each column label as (n=…).
    `what` names the counted units in the colour bar's label (paragraphs, or a place's units).
    Row labels: `labels` (theme id -> "中文 English"); column labels: `col_labels` or the group.
    `uncertain`: a same-shaped table of booleans (e.g. the 95% interval is wide, or n is small); those cells are
    dotted. The colour scale runs from 0 to the largest share (rounded up to 5%), so small shares stay visible."""
    n = n.reindex(counts.columns)
    share = counts.div(n.where(n > 0), axis=1).fillna(0.0)
    text = share.copy().astype(object)
    for j, col in enumerate(counts.columns):
        for i, row in enumerate(counts.index):
            k = int(counts.iat[i, j])
            text.iat[i, j] = f"{share.iat[i, j]:.0%}\n{k}/{int(n[col])}" if k else ""
    if ax is None:
        _, ax = plt.subplots(figsize=(5.4 + 1.25 * counts.shape[1], 0.48 * counts.shape[0] + 1.8))
    cols = [f"{(col_labels or {}).get(c, str(c))} (n={int(n[c]) if n[c] == n[c] else 0})" for c in counts.columns]
    top = float(np.ceil(max(float(share.to_numpy().max()) * 100, 1.0) / 5) * 5) if share.size else 100.0
    fig = plot_heatmap(share * 100, ax=ax, text=text, row_labels=[(labels or {}).get(t, t) for t in counts.index],
                       col_labels=cols, vmax=min(top, 100.0),
                       cbar_label=f"{what.capitalize()} with the theme (%)"
                       + ("; blank: none" if _fits_text(*counts.shape) else "")
                       + ("; dotted: wide interval or few" if uncertain is not None else ""),
                       labels_top=True, title=title, xlabel=xlabel)
    if uncertain is not None:
        marks = uncertain.reindex(index=counts.index, columns=counts.columns).fillna(False).to_numpy(dtype=bool)
        ax = fig.axes[0] if ax is None else ax
        for i, j in zip(*np.nonzero(marks & (counts.to_numpy() > 0))):
            ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="..", edgecolor="#555555",
                                       linewidth=0, alpha=0.5))
    return fig


def plot_share_heatmap(shares, ax=None, counts=None, cmap="Reds"):
    """A rows x columns table of shares (0-1), cells in percent; with `counts` the count too."""
    text = shares.map(lambda v: f"{v:.0%}")
    if counts is not None:
        text = text + "\n(" + counts.astype(int).astype(str) + ")"
    return plot_heatmap(shares, ax=ax, text=text, cmap=cmap, cbar_format=lambda v, _: f"{v:.0%}")


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
