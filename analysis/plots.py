"""The one CJK font, the house style, save_figure(), and figure helpers.

Every figure in the project uses one font that has Chinese glyphs: a system font when the
machine has one, else Noto Sans CJK SC shipped by the `mplfonts` package. A figure with
boxes instead of characters is a bug, so `cjk_font()` checks the font really covers CJK.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib

import matplotlib.pyplot as plt
from matplotlib import font_manager

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIGURES_DIR = PROJECT_ROOT / "figures"
SEED = 20200124  # one fixed seed for every random layout (word clouds, networks, NMF)
DPI = 200

# Fonts with full simplified-Chinese coverage, preferred in this order when installed.
SYSTEM_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "SimHei",
)
_PROBE = "疫情防控政协统战部工商联侨联"


def _covers_cjk(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        font = FT2Font(path)
        cmap = font.get_charmap()
    except Exception:
        return False
    return all(ord(ch) in cmap for ch in _PROBE)


@lru_cache(maxsize=1)
def cjk_font() -> Path:
    """Path of the font used for every figure (matplotlib and word clouds)."""
    by_name = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for name in SYSTEM_CJK_FONTS:
        path = by_name.get(name)
        if path and _covers_cjk(path):
            return Path(path)
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.exists() or not _covers_cjk(str(path)):
        raise RuntimeError(
            "No font with Chinese glyphs found: install a CJK font (e.g. fonts-noto-cjk) "
            "or the mplfonts package, which ships Noto Sans CJK SC."
        )
    return path


def use_house_style() -> str:
    """Register the CJK font and set the project's matplotlib style; return the font name."""
    path = cjk_font()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    plt.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [name, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "figure.dpi": 100,
            "savefig.dpi": DPI,
            "savefig.bbox": "tight",
            "font.size": 11,
            "axes.titlesize": 13,
            "axes.titleweight": "normal",  # the CJK font ships one weight: bold would only warn
            "axes.labelsize": 11,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "legend.frameon": False,
            "svg.hashsalt": "analysis",  # stable ids: rebuilt SVGs are byte-identical
            "svg.fonttype": "path",  # glyphs as paths: the SVG shows Chinese without the font
        }
    )
    return name


def save_figure(fig, name: str, figures_dir: Path | str | None = None, show: bool | None = None) -> list[Path]:
    """Save `fig` as figures/NAME.png (200 dpi) and figures/NAME.svg; return both paths.

    In a notebook with the inline backend (`show=None` detects it) the saved PNG is displayed and the figure
    is closed, so the notebook shows exactly the file that was written and matplotlib does not draw the
    figure a third time for the inline copy (drawing is most of the build time). The closed figure can
    still be changed and saved again; call `display(fig)` to show it re-rendered.
    """
    out = Path(figures_dir) if figures_dir is not None else FIGURES_DIR
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    bbox = None  # savefig.bbox ("tight"): each savefig lays the figure out once more before drawing it
    if fig.get_layout_engine() is None and plt.rcParams["savefig.bbox"] == "tight":
        # without a layout engine one layout pass gives the tight box for both files (a quarter less drawing)
        dpi = fig.dpi
        fig.set_dpi(DPI)  # text extents depend on the resolution: measure at the PNG's, as savefig does
        try:
            fig.draw_without_rendering()
            bbox = fig.get_tightbbox().padded(plt.rcParams["savefig.pad_inches"])
        finally:
            fig.set_dpi(dpi)
    fig.savefig(paths[0], dpi=DPI, bbox_inches=bbox, metadata={"Software": None})
    fig.savefig(paths[1], bbox_inches=bbox, metadata={"Date": None, "Creator": None})
    if show is None:
        show = "inline" in matplotlib.get_backend()
    if show:
        from IPython.display import Image, display
        from PIL import Image as PILImage

        with PILImage.open(paths[0]) as png:  # reads the header only
            width = png.width * 100 // DPI  # shown at the size of a 100-dpi inline figure
        display(Image(data=paths[0].read_bytes(), format="png", width=width))
        plt.close(fig)
    return paths


# ---------------------------------------------------------------- corpus overview (notebook 01)

PROVINCE_COLOURS = {"北京市": "#c0392b", "吉林省": "#2471a3", "四川省": "#229954"}


def plot_timeline(corpus, ax=None):
    """Articles on a date axis, one row per province, dot size = clean length in characters."""
    import matplotlib.dates as mdates

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 6))
    provinces = list(dict.fromkeys(corpus.sort_values("date")["province"].replace("", "(unknown)")))
    ypos = {p: i for i, p in enumerate(provinces)}
    seen: dict[str, int] = {}
    for row in corpus.sort_values("date").itertuples():
        province = row.province or "(unknown)"
        y = ypos[province]
        ax.scatter(row.date, y, s=row.n_chars_clean / 8, color=PROVINCE_COLOURS.get(province, "grey"),
                   alpha=0.75, edgecolor="black", linewidth=0.6, zorder=3)
        label = f"{row.doc_id[:3]} {row.city or province} · {row.org}\n{row.date:%Y-%m-%d}"
        below = seen.get(province, 0) % 2 == 1  # alternate above/below so neighbours don't collide
        seen[province] = seen.get(province, 0) + 1
        ax.annotate(label, (row.date, y), xytext=(0, -14 if below else 14), textcoords="offset points",
                    ha="center", va="top" if below else "bottom", fontsize=9)
    ax.set_yticks(range(len(provinces)), provinces)
    ax.set_ylim(-0.7, len(provinces) - 0.3)
    pad = (corpus["date"].max() - corpus["date"].min()) * 0.08
    ax.set_xlim(corpus["date"].min() - pad, corpus["date"].max() + pad)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.set_xlabel("Publication date (year-month)")
    ax.set_ylabel("Province")
    ax.set_title("Articles by publication date and region (dot area ∝ clean length)")
    ax.grid(axis="y", alpha=0)
    return ax.figure


def plot_cleaning_lengths(corpus, ax=None):
    """Paired horizontal bars: characters in the raw file and in the clean text, per article."""
    import numpy as np

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.8))
    labels = [f"{d[:3]} {c or p}" for d, c, p in zip(corpus["doc_id"], corpus["city"], corpus["province"])]
    y = np.arange(len(corpus))
    ax.barh(y + 0.2, corpus["n_chars_raw"], height=0.4, color="#bbbbbb", label="raw file")
    ax.barh(y - 0.2, corpus["n_chars_clean"], height=0.4, color="#2471a3", label="clean text")
    for yi, (raw, clean) in enumerate(zip(corpus["n_chars_raw"], corpus["n_chars_clean"])):
        ax.text(clean, yi - 0.2, f" {clean:,} ({clean / raw:.0%})", va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("Length (characters)")
    ax.set_title("Article length before and after cleaning")
    ax.legend(loc="upper right")
    ax.set_xlim(0, corpus["n_chars_raw"].max() * 1.25)
    return ax.figure


# ---------------------------------------------------------------- regional comparison (notebook 04)

BOUND_MARKERS = {"at_least": (">", "more than (余/多/超)"), "at_most": ("<", "nearly (近)"),
                 "approx": ("o", "about (约, or mixed)"), "exact": ("|", "exact")}


def plot_district_donations(money, districts, ax=None):
    """One bar per money amount of each district (log scale, million yuan), labelled with the
    figure as the article writes it; a marker at the bar end shows its bound; districts that
    give no figure are listed as such."""
    import numpy as np

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 8))
    y = 0.0
    ticks = []
    for district in districts:
        rows = money[money["place"] == district]
        n = max(len(rows), 1)
        ys = y + np.arange(n) * 0.8
        ticks.append((ys.mean(), district))
        if rows.empty:
            ax.text(0.12, ys[0], "no amount in the article", va="center", color="grey", style="italic")
        for yi, row in zip(ys, rows.itertuples()):
            value = row.amount_yuan / 1e6
            ax.barh(yi, value - 0.1, height=0.7, color="#c0392b", alpha=0.8, left=0.1)
            ax.plot(value, yi, marker=BOUND_MARKERS[row.bound_kind][0], color="black", markersize=7)
            ax.text(value * 1.25, yi, f"{row.span} {row.given}", va="center", fontsize=9)
        y = ys[-1] + 1.2
    ax.set_xscale("log")
    ax.set_xlim(0.1, 1000)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:g}")
    ax.set_yticks([t for t, _ in ticks], [d for _, d in ticks])
    ax.invert_yaxis()
    ax.grid(axis="y", alpha=0)
    handles = [plt.Line2D([], [], marker=m, color="black", linestyle="", label=label)
               for m, label in BOUND_MARKERS.values()]
    ax.legend(handles=handles, title="Bound as written", loc="lower right")
    ax.set_xlabel("Amount (million yuan, log scale; each bar = one figure in the text)")
    return ax.figure


def plot_share_heatmap(shares, ax=None, counts=None, cmap="Reds"):
    """Heatmap of a rows x columns table of shares (0-1), cells annotated in percent; with
    `counts` (same shape) the count is shown too. Row and column labels are used as given."""
    import numpy as np

    if ax is None:
        _, ax = plt.subplots(figsize=(1.1 * shares.shape[1] + 3, 0.45 * shares.shape[0] + 2))
    values = shares.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=max(1e-9, np.nanmax(values)), aspect="auto")
    for (i, j), v in np.ndenumerate(values):
        text = f"{v:.0%}" + (f"\n({int(counts.iat[i, j])})" if counts is not None else "")
        ax.text(j, i, text, ha="center", va="center", fontsize=8,
                color="white" if v > 0.6 * np.nanmax(values) else "black")
    ax.set_xticks(range(shares.shape[1]), shares.columns, rotation=35, ha="right")
    ax.set_yticks(range(shares.shape[0]), shares.index)
    ax.grid(False)
    ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02, format=lambda v, _: f"{v:.0%}")
    return ax.figure


def plot_ranked_counts(counts, colours=None, ax=None, legend_title=None, sort=True):
    """Horizontal bars of a Series (label -> count), largest on top (`sort=False`: in the Series'
    order, first on top); `colours` = ({label: colour}, {legend name: colour}) colours the bars."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.32 * len(counts) + 1.5))
    counts = counts.sort_values() if sort else counts[::-1]
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


# ---------------------------------------------------------------- themes (notebook 03)


def plot_theme_heatmap(counts, labels: dict | None = None, col_labels: dict | None = None, ax=None,
                       title: str = "Share of paragraphs carrying each theme", xlabel: str = ""):
    """Heatmap of theme shares from `theme_counts(...)` (rows = theme ids + "n_paragraphs").

    Cells show the share (%) and the paragraph count k/n, so each cell can be looked up with
    `theme_evidence(coded, theme, by=..., group=column)`. Row labels: `labels` (theme id -> "中文 English").
    """
    import numpy as np

    n = counts.loc["n_paragraphs"]
    k = counts.drop(index="n_paragraphs")
    share = k.div(n, axis=1).to_numpy(dtype=float)
    if ax is None:
        _, ax = plt.subplots(figsize=(2.2 + 1.25 * k.shape[1] + 3.2, 0.48 * k.shape[0] + 1.8))
    im = ax.imshow(share * 100, cmap="YlOrRd", vmin=0, vmax=100, aspect="auto")
    for i in range(k.shape[0]):
        for j in range(k.shape[1]):
            colour = "white" if share[i, j] > 0.6 else "black"
            ax.text(j, i, f"{share[i, j]:.0%}\n{k.iat[i, j]}/{n.iat[j]}", ha="center", va="center",
                    fontsize=8, color=colour, linespacing=1.1)
    ax.set_yticks(range(k.shape[0]), [(labels or {}).get(t, t) for t in k.index])
    ax.set_xticks(range(k.shape[1]), [(col_labels or {}).get(c, str(c)) for c in k.columns])
    ax.tick_params(axis="x", labeltop=True, labelbottom=False, top=True, bottom=False)
    ax.grid(False)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_label_position("top")
    ax.set_title(title, pad=12)
    cbar = ax.figure.colorbar(im, ax=ax, fraction=0.035, pad=0.02)
    cbar.set_label("Paragraphs with the theme (%)")
    return ax.figure


def plot_theme_periods(shares, labels: dict | None = None, n: dict | None = None, ax=None,
                       colours=("#2471a3", "#c0392b", "#229954"),
                       title: str = "Theme shares by year"):
    """Horizontal grouped bars: share of paragraphs per theme, one bar per period (columns of `shares`).

    `n`: paragraphs per period (shown in the legend), e.g. theme_counts(...).loc["n_paragraphs"].
    """
    import numpy as np

    rows = list(shares.index)[::-1]
    y = np.arange(len(rows))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.5 * len(rows) + 1.5))
    h = 0.8 / shares.shape[1]
    for j, col in enumerate(shares.columns):
        vals = shares.loc[rows, col].to_numpy() * 100
        pos = y + (shares.shape[1] - 1) / 2 * h - j * h
        legend = f"{col} (n = {n[col]} paragraphs)" if n is not None else str(col)
        ax.barh(pos, vals, height=h, color=colours[j % len(colours)], label=legend)
        for p, v in zip(pos, vals):
            ax.text(v, p, f" {v:.0f}", va="center", fontsize=8)
    ax.set_yticks(y, [(labels or {}).get(t, t) for t in rows])
    ax.set_xlabel("Paragraphs with the theme (%)")
    ax.set_xlim(0, min(100, shares.to_numpy().max() * 100 * 1.15 + 5))
    ax.grid(axis="y", alpha=0)
    ax.legend(title="Year", loc="lower right")
    ax.set_title(title)
    return ax.figure


def plot_term_network(G, ax=None, seed: int = SEED, title: str = "Co-occurrence of the most widespread terms"):
    """Draw a term co-occurrence graph (from themes.term_network): fixed layout (seeded spring start,
    then Kamada-Kawai for even spacing), node size ∝
    paragraphs with the term, edge width ∝ Jaccard, colour = community (greedy modularity)."""
    import networkx as nx

    if ax is None:
        _, ax = plt.subplots(figsize=(11, 9))
    start = nx.spring_layout(G, seed=seed, weight="weight")
    pos = nx.kamada_kawai_layout(G, pos=start, weight=None)  # even spacing: labels do not pile up
    communities = nx.community.greedy_modularity_communities(G, weight="weight")
    palette = plt.get_cmap("tab10").colors
    colour = {n: palette[i % 10] for i, c in enumerate(communities) for n in c}
    widths = [0.5 + 6 * d["weight"] for _, _, d in G.edges(data=True)]
    nx.draw_networkx_edges(G, pos, ax=ax, width=widths, edge_color="#888888", alpha=0.6)
    sizes = [60 + 25 * G.nodes[n]["df"] for n in G.nodes]
    nx.draw_networkx_nodes(G, pos, ax=ax, node_size=sizes, node_color=[colour[n] for n in G.nodes],
                           alpha=0.35, linewidths=0)
    font = font_manager.FontProperties(fname=str(cjk_font()))
    for n, (x, y) in pos.items():
        ax.text(x, y, n, fontproperties=font, fontsize=12, ha="center", va="center")
    ax.set_title(title)
    ax.set_axis_off()
    ax.margins(0.08)
    return ax.figure


def plot_topic_theme(table, topics=None, ax=None,
                     title: str = "NMF topics vs codebook themes (mean topic weight of the theme's paragraphs)"):
    """Heatmap of `themes.topic_theme_table`: rows = themes, columns = topics (labelled with top words)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(3.5 + 0.95 * table.shape[1], 0.45 * table.shape[0] + 2.6))
    values = table.to_numpy(dtype=float)
    im = ax.imshow(values, cmap="Blues", vmin=0, vmax=max(values.max(), 1e-9), aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=7.5,
                    color="white" if values[i, j] > 0.6 * values.max() else "black")
    words = {} if topics is None else dict(zip(topics["topic"], topics["top_words"]))
    xt = [f"{t}\n" + "\n".join(words.get(t, "").split()[:3]) for t in table.columns]
    ax.set_xticks(range(values.shape[1]), xt, fontsize=8.5)
    ax.set_yticks(range(values.shape[0]), table.index)
    ax.tick_params(axis="x", labeltop=True, labelbottom=False, top=True, bottom=False)
    ax.grid(False)
    ax.axhline(values.shape[0] - 1.5, color="black", linewidth=1)
    ax.set_title(title, pad=12)
    cbar = ax.figure.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    cbar.set_label("Mean topic weight (share of paragraph, 0-1)")
    return ax.figure


# ---------------------------------------------------------------- term frequencies (notebook 02)

TARGET_COLOUR, REFERENCE_COLOUR = "#c0392b", "#2471a3"


def _term_series(freqs, value: str = "count"):
    """A Series term -> value from a Series, a dict, or a table with `term` and `value` columns."""
    import pandas as pd

    if isinstance(freqs, pd.DataFrame):
        freqs = freqs.set_index("term")[value]
    elif not isinstance(freqs, pd.Series):
        freqs = pd.Series(dict(freqs), dtype=float)
    return freqs[freqs > 0]


def plot_wordcloud(freqs, ax=None, max_words: int = 100, title: str | None = None,
                   colormap: str = "viridis", width: int = 1600, height: int = 1000):
    """Word cloud of term frequencies (Series/dict term -> count, or a term_frequencies table) in the
    project font, horizontal words, collocations off, layout fixed by SEED.

    The image is `width` x `height` pixels; words are placed on a canvas half that size and drawn at
    twice the scale (wordcloud's `scale`), which is 3-4x faster than placing them at full size.
    """
    from wordcloud import WordCloud

    freqs = _term_series(freqs)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 8 * height / width))
    cloud = WordCloud(font_path=str(cjk_font()), width=width // 2, height=height // 2, scale=2,
                      max_words=max_words, background_color="white", colormap=colormap,
                      prefer_horizontal=1.0, collocations=False, random_state=SEED, margin=2)
    cloud.generate_from_frequencies({str(t): float(v) for t, v in freqs.items()})
    ax.imshow(cloud, interpolation="bilinear")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax.figure


def plot_top_terms(freqs, n: int = 20, ax=None, title: str | None = None, value: str = "count",
                   xlabel: str = "Occurrences (count)", colour: str = "#2471a3"):
    """Ranked horizontal bars of the `n` most frequent terms, most frequent on top, value at bar end."""
    series = _term_series(freqs, value)
    series = series.sort_values(ascending=False, kind="mergesort").head(n)[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.3 * len(series) + 1.4))
    ax.barh(range(len(series)), series.to_numpy(), color=colour)
    ax.set_yticks(range(len(series)), series.index)
    for i, v in enumerate(series.to_numpy()):
        ax.text(v, i, f" {v:.3g}", va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", alpha=0)
    ax.margins(x=0.12)
    if title:
        ax.set_title(title)
    return ax.figure


def plot_keyness(table, n: int = 15, ax=None, target: str = "target", reference: str = "reference",
                 title: str | None = None, alpha: float = 0.05):
    """Two-sided keyness bars (from terms.keyness): the `n` terms most typical of the target (right,
    G2 > 0) and of the reference (left, G2 < 0). Solid bars: p < alpha; pale bars: not significant."""
    top = table[table["G2"] > 0].head(n)
    bottom = table[table["G2"] < 0].tail(n)
    rows = list(top.itertuples()) + list(bottom.itertuples())
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.28 * len(rows) + 1.8))
    y = list(range(len(rows)))[::-1]
    span = max([abs(r.G2) for r in rows] + [1e-9])
    right = max([r.G2 for r in rows if r.G2 > 0] + [span * 0.2])
    left = max([-r.G2 for r in rows if r.G2 < 0] + [span * 0.2])
    for yi, r in zip(y, rows):
        colour = TARGET_COLOUR if r.G2 > 0 else REFERENCE_COLOUR
        ax.barh(yi, r.G2, color=colour, alpha=1.0 if r.p < alpha else 0.35)
        ax.text(r.G2 + (0.01 if r.G2 > 0 else -0.01) * span, yi, f"{r.term} ({r.n_target}:{r.n_reference})",
                va="center", ha="left" if r.G2 > 0 else "right", fontsize=8.5)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks([])
    ax.set_xlim(-left - span * 0.45, right + span * 0.45)
    ax.set_xlabel("Keyness: signed log-likelihood G² (positive = typical of the target)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=TARGET_COLOUR), plt.Rectangle((0, 0), 1, 1, color=REFERENCE_COLOUR),
               plt.Rectangle((0, 0), 1, 1, color="grey", alpha=0.35)]
    ax.legend(handles, [f"Target: {target}", f"Reference: {reference}", f"p ≥ {alpha:g} (pale)"],
              loc="lower right", fontsize=8.5)
    ax.grid(axis="y", alpha=0)
    ax.set_title(title or f"Keyness of {target} vs {reference}  (counts target:reference)")
    return ax.figure


def plot_term_comparison(freqs_a, freqs_b, labels=("A", "B"), n: int = 12, ax=None,
                         value: str = "per_1k", title: str | None = None):
    """Paired bars for two groups: the union of each group's `n` top terms (by `value`, default
    occurrences per 1,000 tokens so groups of different size compare), one bar per group and term."""
    import pandas as pd

    a, b = _term_series(freqs_a, value), _term_series(freqs_b, value)
    top = list(dict.fromkeys(list(a.sort_values(ascending=False, kind="mergesort").index[:n])
                             + list(b.sort_values(ascending=False, kind="mergesort").index[:n])))
    both = pd.DataFrame({"a": a.reindex(top).fillna(0), "b": b.reindex(top).fillna(0)})
    both = both.assign(total=both["a"] + both["b"]).sort_values("total", kind="mergesort")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.36 * len(both) + 1.6))
    y = range(len(both))
    ax.barh([i + 0.2 for i in y], both["a"], height=0.4, color=TARGET_COLOUR, label=labels[0])
    ax.barh([i - 0.2 for i in y], both["b"], height=0.4, color=REFERENCE_COLOUR, label=labels[1])
    ax.set_yticks(list(y), both.index)
    ax.set_xlabel("Occurrences per 1,000 tokens" if value == "per_1k" else value)
    ax.legend(loc="lower right")
    ax.grid(axis="y", alpha=0)
    ax.set_title(title or f"Top terms compared: {labels[0]} vs {labels[1]}")
    return ax.figure
