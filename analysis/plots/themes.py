"""Theme figures beyond heatmaps: theme shares per period as grouped bars, the term network."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib import font_manager


def plot_theme_periods(shares, labels: dict | None = None, n: dict | None = None, ax=None,
                       colours=("#2471a3", "#c0392b", "#229954", "#b9770e"),
                       title: str = "Theme shares by year", legend_title: str = "Year", intervals=None):
    """Horizontal grouped bars: share of paragraphs per theme, one bar per period (columns of
    `shares`, at most four: use a heatmap for more). `n`: paragraphs per period (in the legend).
    `intervals`: `theme_share_intervals` with the same grouping, or (lo, hi) tables shaped like `shares`:
    a whisker on each bar from lo to hi, and the axis long enough for them (a period with no interval at all says
    so in the legend, and why when it has one article). Shares under 10 % are labelled with a decimal."""
    import numpy as np

    rows = list(shares.index)[::-1]
    y = np.arange(len(rows))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.5 * len(rows) + 1.5))
    lo = hi = articles = None
    if isinstance(intervals, tuple):
        lo, hi = (t.reindex(index=rows, columns=shares.columns) for t in intervals)
    elif intervals is not None:
        from .heatmap import _interval_grid

        lo, hi, articles = _interval_grid(intervals, rows, list(shares.columns))
    h = 0.8 / shares.shape[1]
    top = float(np.nanmax(shares.to_numpy())) * 100 if shares.size else 0.0
    if hi is not None and np.isfinite(hi.to_numpy(dtype=float)).any():
        top = max(top, float(np.nanmax(hi.to_numpy(dtype=float))) * 100)
    decimals = 1 if top < 10 else 0
    for j, col in enumerate(shares.columns):
        vals = shares.loc[rows, col].to_numpy() * 100
        pos = y + (shares.shape[1] - 1) / 2 * h - j * h
        legend = f"{col} (n = {n[col]:,} paragraphs)" if n is not None else str(col)
        if lo is not None and not np.isfinite(lo[col].to_numpy(dtype=float)).any():
            one = articles is not None and (articles[col] == 1).all()  # nothing varies between articles to resample
            legend += ": no whiskers (one article)" if one else ": no interval"
        ax.barh(pos, vals, height=h, color=colours[j % len(colours)], label=legend)
        ends = vals
        if lo is not None:
            low, high = lo[col].to_numpy(dtype=float) * 100, hi[col].to_numpy(dtype=float) * 100
            ok = np.isfinite(low) & np.isfinite(high)
            ax.errorbar(vals[ok], pos[ok], xerr=np.clip([vals[ok] - low[ok], high[ok] - vals[ok]], 0, None), fmt="none",
                        ecolor="#333333", elinewidth=0.9, capsize=2.5, capthick=0.9)
            ends = np.where(ok, np.maximum(high, vals), vals)
        for p, v, e in zip(pos, vals, ends):
            ax.text(e, p, f" {v:.{decimals}f}", va="center", fontsize=8)
    ax.set_yticks(y, [(labels or {}).get(t, t) for t in rows])
    ax.set_xlabel("Paragraphs with the theme (%)" + ("; whiskers: 95 % interval" if lo is not None else ""))
    ax.set_xlim(0, min(100, top * 1.15 + (0.5 if top < 10 else 5)))
    ax.grid(axis="y", alpha=0)
    ax.legend(title=legend_title, loc="lower right")
    ax.set_title(title)
    return ax.figure


def plot_term_network(G, ax=None, seed: int | None = None, title: str = "Co-occurrence of the most widespread terms"):
    """Draw a term co-occurrence graph (from term_network): fixed layout (seeded spring start, then
    Kamada-Kawai for even spacing), node size ∝ paragraphs with the term (scaled to the largest),
    edge width ∝ Jaccard, colour = community (greedy modularity)."""
    import networkx as nx

    from .style import SEED, cjk_font

    seed = SEED if seed is None else seed
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 9))
    start = nx.spring_layout(G, seed=seed, weight="weight")
    pos = nx.kamada_kawai_layout(G, pos=start, weight=None)  # even spacing: labels do not pile up
    communities = nx.community.greedy_modularity_communities(G, weight="weight")
    palette = plt.get_cmap("tab10").colors
    colour = {n: palette[i % 10] for i, c in enumerate(communities) for n in c}
    widths = [0.5 + 6 * d["weight"] for _, _, d in G.edges(data=True)]
    nx.draw_networkx_edges(G, pos, ax=ax, width=widths, edge_color="#888888", alpha=0.6)
    largest = max([G.nodes[n]["df"] for n in G.nodes] + [1])
    sizes = [60 + 1500 * G.nodes[n]["df"] / largest for n in G.nodes]
    nx.draw_networkx_nodes(G, pos, ax=ax, node_size=sizes, node_color=[colour[n] for n in G.nodes],
                           alpha=0.35, linewidths=0)
    font = font_manager.FontProperties(fname=str(cjk_font()))
    for n, (x, y) in pos.items():
        ax.text(x, y, n, fontproperties=font, fontsize=12, ha="center", va="center")
    ax.set_title(title)
    ax.set_axis_off()
    ax.margins(0.08)
    return ax.figure
