"""The one CJK font, the house style, save_figure(), and the figures, grouped by family:
`heatmap` (the one heatmap function and its theme / share / topic views), `corpus` (timeline,
cleaning lengths), `terms` (top terms, word clouds, keyness, comparisons), `themes` (period bars,
term network), `places` (ranked counts, amounts by place). Every function draws on a given `ax`
or a new figure and returns the figure; each stays readable from a handful to tens of thousands
of articles (per-article marks only while there are few, top-N limits everywhere).

Every figure in the project uses one font that has Chinese glyphs: a system font when the
machine has one, else Noto Sans CJK SC shipped by the `mplfonts` package. A figure with
boxes instead of characters is a bug, so `cjk_font()` checks the font really covers CJK.
"""
from __future__ import annotations

from .corpus import plot_cleaning_lengths, plot_timeline
from .heatmap import plot_heatmap, plot_share_heatmap, plot_theme_heatmap, plot_topic_theme
from .places import BOUND_MARKERS, plot_place_amounts, plot_ranked_counts
from .style import DPI, PNG_OPTIONS, SEED, SYSTEM_CJK_FONTS, cjk_font, palette, save_figure, use_house_style
from .terms import (
                    plot_keyness,
                    plot_term_comparison,
                    plot_top_terms,
                    plot_top_terms_grid,
                    plot_wordcloud,
                    plot_wordcloud_grid,
)
from .themes import plot_term_network, plot_theme_periods

__all__ = ["plot_cleaning_lengths", "plot_timeline", "plot_heatmap", "plot_share_heatmap", "plot_theme_heatmap",
           "plot_topic_theme", "BOUND_MARKERS", "plot_place_amounts", "plot_ranked_counts", "DPI", "PNG_OPTIONS",
           "SEED",
           "SYSTEM_CJK_FONTS", "cjk_font", "palette", "save_figure", "use_house_style", "plot_keyness",
           "plot_term_comparison", "plot_top_terms", "plot_top_terms_grid", "plot_wordcloud", "plot_wordcloud_grid",
           "plot_term_network", "plot_theme_periods"]
