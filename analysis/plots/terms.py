"""Term figures: ranked terms (one group or a grid of groups), word clouds, keyness, comparisons."""
from __future__ import annotations

from contextlib import contextmanager

import matplotlib.pyplot as plt
import numpy as np

TARGET_COLOUR, REFERENCE_COLOUR = "#c0392b", "#2471a3"


def _term_series(freqs, value: str = "count"):
    """A Series term -> value from a Series, a dict, or a table with `term` and `value` columns."""
    import pandas as pd

    if isinstance(freqs, pd.DataFrame):
        freqs = freqs.set_index("term")[value]
    elif not isinstance(freqs, pd.Series):
        freqs = pd.Series(dict(freqs), dtype=float)
    return freqs[freqs > 0]


class _FontCache:
    """Stands in for PIL.ImageFont inside wordcloud: `truetype` returns one font object per (file, size)."""

    def __init__(self, image_font):
        self._image_font, self._fonts = image_font, {}

    def truetype(self, font, size, *args, **kwargs):
        key = (font, size, args, tuple(sorted(kwargs.items())))
        if key not in self._fonts:
            self._fonts[key] = self._image_font.truetype(font, size, *args, **kwargs)
        return self._fonts[key]

    def __getattr__(self, name):  # TransposedFont and the rest: PIL's own
        return getattr(self._image_font, name)


@contextmanager
def _fonts_loaded_once():
    """wordcloud opens the font file again for every size it tries for every word (about 2,000 times a
    cloud; half a millisecond each for the 16 MB CJK font): while a cloud is made, each size is opened once.
    The fonts are the same, so is the cloud."""
    import wordcloud.wordcloud as wc

    original = wc.ImageFont
    wc.ImageFont = _FontCache(original)
    try:
        yield
    finally:
        wc.ImageFont = original


def plot_wordcloud(freqs, ax=None, max_words: int = 100, title: str | None = None,
                   colormap: str = "viridis", width: int = 1600, height: int = 1000):
    """Word cloud of term frequencies (Series/dict term -> count, or a term_frequencies table) in the
    project font, horizontal words, collocations off, layout fixed by SEED.

    The image is `width` x `height` pixels; words are placed on a canvas half that size and drawn at
    twice the scale (wordcloud's `scale`), which is 3-4x faster than placing them at full size.
    """
    from wordcloud import WordCloud

    from .style import SEED, cjk_font

    freqs = _term_series(freqs)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 8 * height / width))
    cloud = WordCloud(font_path=str(cjk_font()), width=width // 2, height=height // 2, scale=2,
                      max_words=max_words, background_color="white", colormap=colormap,
                      prefer_horizontal=1.0, collocations=False, random_state=SEED, margin=2)
    with _fonts_loaded_once():
        cloud.generate_from_frequencies({str(t): float(v) for t, v in freqs.items()})
        rgb = cloud.to_array()
    # Shown as float RGBA: matplotlib resamples float32 RGBA as it is, where an RGB byte image would first be
    # converted and given an alpha channel in float64 for each file written (a third of the drawing time).
    rgba = np.empty(rgb.shape[:2] + (4,), dtype=np.float32)
    np.divide(rgb, 255, out=rgba[..., :3])
    rgba[..., 3] = 1.0
    ax.imshow(rgba, interpolation="bilinear")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax.figure


def bar_label(value) -> str:
    """A bar's value as its label: whole numbers (counts) in full with thousands separators (9,634, not 9.63e+03),
    other values (tf-idf weights, rates) to three significant digits."""
    v = float(value)
    return f"{v:,.0f}" if v.is_integer() else f"{v:.3g}"


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
        ax.text(v, i, " " + bar_label(v), va="center", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", alpha=0)
    ax.margins(x=0.12)
    if title:
        ax.set_title(title)
    return ax.figure


def plot_keyness(table, n: int = 15, ax=None, target: str = "target", reference: str = "reference",
                 title: str | None = None, alpha: float = 0.05, significance: str = "q"):
    """Two-sided keyness bars (from terms.keyness): the `n` terms most typical of the target (right,
    G2 > 0) and of the reference (left, G2 < 0). Solid bars: significant, pale bars: not. Significance is
    `significance` < alpha: by default q, the p-value adjusted for every term tested (Benjamini-Hochberg;
    with thousands of terms, p < 0.05 alone marks hundreds by chance); "p" for the unadjusted p (a table
    without q falls back to p)."""
    col = significance if significance in table.columns else "p"
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
        ax.barh(yi, r.G2, color=colour, alpha=1.0 if getattr(r, col) < alpha else 0.35)
        ax.text(r.G2 + (0.01 if r.G2 > 0 else -0.01) * span, yi, f"{r.term} ({r.n_target}:{r.n_reference})",
                va="center", ha="left" if r.G2 > 0 else "right", fontsize=8.5)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks([])
    ax.set_xlim(-left - span * 0.45, right + span * 0.45)
    ax.set_xlabel("Keyness: signed log-likelihood G² (positive = typical of the target)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=TARGET_COLOUR), plt.Rectangle((0, 0), 1, 1, color=REFERENCE_COLOUR),
               plt.Rectangle((0, 0), 1, 1, color="grey", alpha=0.35)]
    pale = (f"not significant: q ≥ {alpha:g} (BH over {len(table):,} terms)" if col == "q"
            else f"not significant: p ≥ {alpha:g}")
    ax.legend(handles, [f"Target: {target}", f"Reference: {reference}", pale], loc="lower right", fontsize=8.5)
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


def _grid(n_panels: int, ncols: int, width: float, height: float):
    ncols = max(1, min(ncols, n_panels))
    nrows = -(-n_panels // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), layout="constrained",
                             squeeze=False)
    for ax in axes.ravel()[n_panels:]:
        ax.set_axis_off()
    return fig, axes.ravel()[:n_panels]


def plot_top_terms_grid(freqs, by: str, groups, n: int = 12, value: str = "count", ncols: int = 5,
                        titles: dict | None = None, xlabel: str = "Count", colour: str = "#2471a3",
                        panel_size=(4.0, 5.5)):
    """One ranked-terms panel per group (the groups in the given order, at most a few rows of
    `ncols`), from a long table with a `by` column (term_frequencies / tfidf with by=)."""
    fig, axes = _grid(len(groups), ncols, *panel_size)
    for ax, group in zip(axes, groups):
        part = freqs[freqs[by] == group]
        plot_top_terms(part, n=n, ax=ax, value=value, title=(titles or {}).get(group, str(group)),
                       xlabel=xlabel, colour=colour)
    return fig


def plot_wordcloud_grid(freqs, by: str, groups, max_words: int = 60, ncols: int = 3, titles: dict | None = None):
    """One word cloud per group (keep `groups` to a handful: clouds of many groups are unreadable)."""
    fig, axes = _grid(len(groups), ncols if len(groups) != 4 else 2, 6.0, 4.6 if len(groups) <= ncols else 4.2)
    for ax, group in zip(axes, groups):
        plot_wordcloud(freqs[freqs[by] == group], ax=ax, max_words=max_words,
                       title=(titles or {}).get(group, str(group)))
    return fig
