"""Theme figures beyond heatmaps: theme shares per period as grouped bars, the term network."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib import font_manager


def plot_theme_periods(shares, labels: dict | None = None, n: dict | None = None, ax=None,
                       colours=("#2471a3", "#c0392b", "#229954", "#b9770e"),
                       title: str = "Theme shares by year", legend_title: str = "Year", intervals=None):
    """Horizontal grouped bars: share of paragraphs per theme, one bar per period (columns of
    `shares`, at most four: use a heatmap for more). `n`: paragraphs per period (in the legend).
    `intervals`: (lo, hi), tables shaped like `shares`, drawn as whiskers (e.g. 95% intervals)."""
    import numpy as np

    rows = list(shares.index)[::-1]
    y = np.arange(len(rows))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.5 * len(rows) + 1.5))
    h = 0.8 / shares.shape[1]
    for j, col in enumerate(shares.columns):
        vals = shares.loc[rows, col].to_numpy() * 100
        pos = y + (shares.shape[1] - 1) / 2 * h - j * h
        legend = f"{col} (n = {n[col]:,} paragraphs)" if n is not None else str(col)
        ax.barh(pos, vals, height=h, color=colours[j % len(colours)], label=legend)
        right = vals
        if intervals is not None:
            lo = intervals[0].loc[rows, col].to_numpy(dtype=float) * 100
            hi = intervals[1].loc[rows, col].to_numpy(dtype=float) * 100
            ax.errorbar(vals, pos, xerr=np.vstack([np.clip(vals - lo, 0, None), np.clip(hi - vals, 0, None)]),
                        fmt="none", ecolor="#333333", elinewidth=0.8, capsize=2)
            right = np.fmax(vals, np.nan_to_num(hi))
        for p, v, r in zip(pos, vals, right):
            ax.text(r, p, f" {v:.0f}", va="center", fontsize=8)
    ax.set_yticks(y, [(labels or {}).get(t, t) for t in rows])
    ax.set_xlabel("Paragraphs with the theme (%)")
    top = shares.to_numpy().max() if intervals is None else max(shares.to_numpy().max(), intervals[1].to_numpy().max())
    ax.set_xlim(0, min(100, top * 100 * 1.15 + 5))
    ax.grid(axis="y", alpha=0)
    ax.legend(title=legend_title, loc="lower right")
    ax.set_title(title)
    return ax.figure


def plot_term_network(G, ax=None, seed: int | None = None, title: str = "Co-occurrence of the most widespread terms"):
    """Draw a term co-occurrence graph (from term_network): fixed layout (seeded spring start, then
    Kamada-Kawai for even spacing), node size ∝ paragraphs with the term (scaled to the largest),
    edge width ∝ Jaccard, colour = community (greedy modularity)."""
    import networkx as nx

    from . import SEED, cjk_font

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
