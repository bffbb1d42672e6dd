"""analysis.plots: the CJK font covers the corpus, figures render without missing glyphs, and
save_figure writes the same files as a plain tight savefig, whatever shortcut it takes."""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from analysis import save_figure, use_house_style  # noqa: E402
from analysis.plots import DPI, PNG_OPTIONS, cjk_font, plot_theme_heatmap  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def house_style():
    with matplotlib.rc_context():
        use_house_style()
        yield


def test_project_font_has_every_character_of_the_corpus(corpus):
    font = FT2Font(str(cjk_font()))
    chars = set("".join(corpus["text"]) + "".join(corpus["title"]))
    chars = {c for c in chars if not c.isspace()}
    missing = sorted(c for c in chars if font.get_char_index(ord(c)) == 0)
    assert len(chars) > 1000
    assert missing == []


def _figure(corpus, paras, constrained: bool = False):
    """Notebook 03's theme heatmap (no layout engine), or notebook 02's paired term bars (constrained)."""
    from analysis import code_paragraphs, paragraph_counts, term_frequencies, theme_counts, theme_labels
    from analysis.plots import plot_top_terms

    if constrained:
        freq = term_frequencies(corpus, min_chars=2)
        fig, axes = plt.subplots(1, 2, figsize=(10, 6), layout="constrained")
        plot_top_terms(freq, n=15, ax=axes[0], title="全部 All")
        plot_top_terms(freq.iloc[15:], n=15, ax=axes[1], title="其余 The rest")
        fig.suptitle("高频词 Frequent terms")
        return fig
    coded = code_paragraphs(paras)
    return plot_theme_heatmap(theme_counts(coded, "doc_id"), theme_labels(), xlabel="文章 Article",
                              title="主题 Themes by article", n=paragraph_counts(coded, "doc_id"))


def test_chinese_labels_render_without_missing_glyphs(corpus, paras, tmp_path):
    fig = _figure(corpus, paras)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        save_figure(fig, "glyphs", tmp_path, show=False)
    svg = (tmp_path / "glyphs.svg").read_text(encoding="utf-8")
    assert "<text" not in svg  # glyphs are paths: the SVG needs no Chinese font to display
    assert "<!-- 政治动员与组织领导 Political mobilisation &amp; leadership -->" in svg
    plt.close(fig)


@pytest.mark.parametrize("constrained", [False, True])
def test_save_figure_writes_what_a_plain_tight_savefig_writes(corpus, paras, tmp_path, constrained):
    """save_figure lays a figure out once for both files (a constrained layout too, then frozen): the PNG's
    bytes must not change."""
    fig = _figure(corpus, paras, constrained)
    fig.savefig(tmp_path / "plain.png", dpi=DPI, bbox_inches="tight", metadata={"Software": None},
                pil_kwargs=PNG_OPTIONS)
    paths = save_figure(fig, "fast", tmp_path, show=False)
    assert paths == [tmp_path / "fast.png", tmp_path / "fast.svg"]
    assert paths[0].read_bytes() == (tmp_path / "plain.png").read_bytes()
    plt.close(fig)


def test_save_figure_of_word_clouds_writes_what_a_plain_tight_savefig_writes(corpus, tmp_path):
    """Images are hidden while save_figure measures the layout: the PNG must still be the plain one, with the
    clouds drawn, and the figure keeps its layout engine and visible images for a later change."""
    import numpy as np
    from PIL import Image

    from analysis import term_frequencies
    from analysis.plots import plot_wordcloud_grid

    freq = term_frequencies(corpus.assign(g=["甲", "乙"] * (len(corpus) // 2) + ["甲"] * (len(corpus) % 2)),
                            by="g", min_chars=2, top=30)
    fig = plot_wordcloud_grid(freq, "g", ["甲", "乙"], max_words=30)
    engine = fig.get_layout_engine()
    fig.savefig(tmp_path / "plain.png", dpi=DPI, bbox_inches="tight", metadata={"Software": None},
                pil_kwargs=PNG_OPTIONS)
    paths = save_figure(fig, "clouds", tmp_path, show=False)
    assert paths[0].read_bytes() == (tmp_path / "plain.png").read_bytes()
    pixels = np.asarray(Image.open(paths[0]).convert("L"))
    assert (pixels < 200).mean() > 0.02  # words were drawn, not a blank panel
    assert fig.get_layout_engine() is engine
    assert all(im.get_visible() for ax in fig.axes for im in ax.images) and len(fig.axes[0].images) == 1
    plt.close(fig)


def test_save_figure_in_a_notebook_shows_the_saved_png_and_closes_the_figure(corpus, paras, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    fig = _figure(corpus, paras)
    save_figure(fig, "shown", tmp_path, show=True)
    assert not plt.fignum_exists(fig.number)  # no second, inline rendering at the end of the cell
    (image,) = shown
    png = (tmp_path / "shown.png").read_bytes()
    assert image.data == png
    width_px = int.from_bytes(png[16:20], "big")
    assert image.width == width_px * 100 // DPI  # shown at the size of a 100-dpi inline figure


def test_palette_never_gives_a_named_group_the_grey_of_the_rest():
    """The 8th named group used to get tab10's grey, next to the grey of "other" (seen on a CCTV build)."""
    from analysis.plots import palette

    values = ["other"] + [f"省{i}" for i in range(12)]
    colours = palette(values)
    named = [colours[f"省{i}"] for i in range(9)]
    assert len(set(named)) == 9
    assert all(len(set(c)) > 1 for c in named)  # no grey among them
    assert colours["other"] == colours["省9"] == "#999999"  # past nine groups: the rest's grey


def test_theme_heatmap_leaves_cells_without_the_theme_blank_and_labels_each_column_with_its_n():
    import pandas as pd

    counts = pd.DataFrame({"甲": [2, 0], "乙": [0, 0]}, index=["t1", "t2"])
    fig = plot_theme_heatmap(counts, {"t1": "主题一", "t2": "主题二"}, n=pd.Series({"甲": 4, "乙": 3}), what="units")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["50%\n2/4"]  # one cell has the theme: one text
    assert [t.get_text() for t in ax.get_xticklabels()] == ["甲 (n=4)", "乙 (n=3)"]
    assert fig.axes[1].get_ylabel() == "Units with the theme (%); blank: none"
    plt.close(fig)
    wide = pd.DataFrame([[1] * 41], index=["t1"], columns=[f"g{i}" for i in range(41)])
    fig = plot_theme_heatmap(wide, n=pd.Series(2, index=wide.columns))
    assert not fig.axes[0].texts and fig.axes[1].get_ylabel() == "Paragraphs with the theme (%)"  # too many to write
    plt.close(fig)


# ---------------------------------------------------------------- intervals, uncertainty and significance


def _intervals(rows):
    """A theme_share_intervals table by hand: (year, theme, share, lo, hi, n_articles)."""
    import pandas as pd

    out = pd.DataFrame(rows, columns=["year", "theme", "share", "lo", "hi", "n_articles"])
    return out.assign(n_paragraphs=100)


def _dotted_cells(ax):
    """(column, row) of the cells that carry the uncertainty dot (a scatter point near their corner)."""
    dots = [xy for c in ax.collections if hasattr(c, "get_offsets") and c is not ax.collections[0]
            for xy in c.get_offsets()]
    return sorted((round(x), round(y)) for x, y in dots)


def test_theme_heatmap_dots_uncertain_cells_and_fits_the_colour_scale(tmp_path):
    import pandas as pd

    counts = pd.DataFrame({2020: [8, 2], 2021: [3, 0]}, index=["t1", "t2"])
    n = pd.Series({2020: 100, 2021: 100})
    intervals = _intervals([
        (2020, "t1", 0.08, 0.07, 0.09, 40),    # 2 points of a 10-point scale, many articles: a plain cell
        (2020, "t2", 0.02, 0.0, 0.06, 40),     # covers 6 points of a 10-point scale: uncertain
        (2021, "t1", 0.03, 0.02, 0.04, 3),     # 3 articles: uncertain
        (2021, "t2", 0.0, 0.0, 0.01, 40),      # nothing coded, but a narrow interval: plain
    ])
    fig = plot_theme_heatmap(counts, {"t1": "主题一", "t2": "主题二"}, n=n, intervals=intervals)
    ax = fig.axes[0]
    assert ax.collections[0].norm.vmax == 10  # shares 0-8 %: the scale ends at 10 %, not 100 %
    assert _dotted_cells(ax) == [(0, 1), (1, 0)]  # (column, row): 2020 t2 and 2021 t1
    # row by row; the cell without the theme stays blank
    assert [t.get_text() for t in ax.texts] == ["8.0%\n7.0–9.0%\n8/100", "3.0%\n2.0–4.0%\n3/100",
                                                "2.0%\n0.0–6.0%\n2/100"]
    assert "Dotted: uncertain share (fewer than 5 articles" in ax.get_legend().get_texts()[0].get_text()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        save_figure(fig, "dotted", tmp_path, show=False)
    plt.close(fig)
    # the notebook's own rule as a table of booleans
    own = pd.DataFrame({2020: [True, False], 2021: [False, False]}, index=["t1", "t2"])
    fig = plot_theme_heatmap(counts, n=n, uncertain=own)
    assert _dotted_cells(fig.axes[0]) == [(0, 0)] and fig.axes[0].texts[0].get_text() == "8.0%\n8/100"
    plt.close(fig)
    # without intervals: the old figure, no dots, no legend
    fig = plot_theme_heatmap(counts, n=n)
    assert _dotted_cells(fig.axes[0]) == [] and fig.axes[0].get_legend() is None
    plt.close(fig)


def test_colour_scale_of_a_heatmap_with_one_outlier_ends_at_the_rest_with_an_arrow():
    import pandas as pd

    from analysis.plots.heatmap import colour_top, nice_ceiling

    assert [nice_ceiling(x) for x in (0.081, 0.16, 0.3, 0.62, 1.0)] == [0.1, 0.2, 0.5, 1.0, 1.0]
    counts = pd.DataFrame({f"g{i}": [i + 1, 1] for i in range(60)}, index=["t1", "t2"])
    counts.loc["t1", "g0"] = 68  # one share of 68 % among shares of 1-60 %: scale set by the 98th percentile
    n = pd.Series(100, index=counts.columns)
    assert colour_top(counts.to_numpy() / 100) == 1.0
    counts.loc["t1", [f"g{i}" for i in range(1, 60)]] = 5  # now the rest are 1 % and 5 %
    fig = plot_theme_heatmap(counts, n=n)
    assert fig.axes[0].collections[0].norm.vmax == 5  # the 68 % cell takes the top colour
    assert fig.axes[1].get_label() == "<colorbar>" and fig.axes[1].collections  # drawn
    assert fig.axes[0].collections[0].colorbar.extend == "max"
    plt.close(fig)


def test_period_bars_get_whiskers_from_the_intervals():
    import numpy as np
    import pandas as pd

    from analysis.plots import plot_theme_periods

    shares = pd.DataFrame({2020: [0.05, 0.01], 2022: [0.02, 0.004]}, index=["t1", "t2"])
    intervals = _intervals([(2020, "t1", 0.05, 0.04, 0.061, 50), (2020, "t2", 0.01, 0.006, 0.015, 50),
                            (2022, "t1", 0.02, 0.015, 0.026, 50), (2022, "t2", 0.004, np.nan, np.nan, 1)])
    fig = plot_theme_periods(shares, {"t1": "主题一", "t2": "主题二"}, intervals=intervals)
    ax = fig.axes[0]
    whiskers = [seg for c in ax.collections for seg in c.get_segments()]
    spans = sorted((round(s[0][0], 6), round(s[1][0], 6)) for s in whiskers if s[0][1] == s[1][1])
    assert spans == [(0.6, 1.5), (1.5, 2.6), (4.0, 6.1)]  # the bar without an interval has no whisker
    assert sorted(t.get_text().strip() for t in ax.texts) == ["0.4", "1.0", "2.0", "5.0"]  # a decimal under 10 %
    assert ax.get_xlim()[1] < 10 and "whiskers" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2020", "2022"]  # each has an interval somewhere
    plt.close(fig)
    # a period of one article has no interval at all: the legend says why its bars have no whiskers
    later = intervals["year"] == 2022
    single = intervals.assign(lo=np.where(later, np.nan, intervals["lo"]), n_articles=np.where(later, 1, 50))
    fig = plot_theme_periods(shares, intervals=single, n={2020: 80, 2022: 12})
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "2020 (n = 80 paragraphs)", "2022 (n = 12 paragraphs): no whiskers (one article)"]
    plt.close(fig)
    # intervals that match no period (years as numbers, shares' columns as text) are no article's fault
    fig = plot_theme_periods(shares.rename(columns=str), intervals=intervals)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["2020: no interval", "2022: no interval"]
    plt.close(fig)
    # the same from (lo, hi) tables shaped like the shares
    lo = intervals.pivot(index="theme", columns="year", values="lo")
    hi = intervals.pivot(index="theme", columns="year", values="hi")
    fig = plot_theme_periods(shares, intervals=(lo, hi))
    again = [seg for c in fig.axes[0].collections for seg in c.get_segments()]
    assert sorted((round(s[0][0], 6), round(s[1][0], 6)) for s in again if s[0][1] == s[1][1]) == spans
    plt.close(fig)


def test_keyness_bars_are_pale_unless_q_is_small():
    import pandas as pd

    from analysis.plots import plot_keyness

    table = pd.DataFrame({"term": ["甲", "乙", "丙"], "n_target": [30, 9, 1], "n_reference": [1, 2, 20],
                          "G2": [40.0, 5.0, -30.0], "p": [1e-9, 0.02, 1e-7], "q": [3e-9, 0.06, 1.5e-7]})
    fig = plot_keyness(table, n=5)
    alphas = [bar.get_alpha() for bar in fig.axes[0].patches[:3]]
    assert alphas == [1.0, 0.35, 1.0]  # 乙: p = 0.02 but q = 0.06 after adjusting for the terms tested
    assert "q ≥ 0.05" in fig.axes[0].get_legend().get_texts()[2].get_text()
    plt.close(fig)
    fig = plot_keyness(table, n=5, significance="p")
    assert [bar.get_alpha() for bar in fig.axes[0].patches[:3]] == [1.0, 1.0, 1.0]
    plt.close(fig)


def test_bar_labels_print_counts_in_full_and_weights_to_three_digits():
    """A count of 9,634 is labelled 9,634 (it was 9.63e+03 on the 58k build's top-terms grids); tf-idf weights and
    rates keep three significant digits; numpy integers and whole floats are counts too."""
    import numpy as np

    from analysis.plots.terms import bar_label, plot_top_terms

    assert bar_label(9634) == "9,634" and bar_label(np.int64(72841)) == "72,841" and bar_label(5.0) == "5"
    assert bar_label(0.12345) == "0.123" and bar_label(9.667873) == "9.67" and bar_label(np.float64(0.5)) == "0.5"
    fig = plot_top_terms({"发展": 72841, "中国": 9634, "合作": 580}, n=3)
    assert [t.get_text() for t in fig.axes[0].texts] == [" 580", " 9,634", " 72,841"]  # most frequent on top
    plt.close(fig)
