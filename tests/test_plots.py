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
    fig.savefig(tmp_path / "plain.png", dpi=DPI, bbox_inches="tight", metadata={"Software": None}, pil_kwargs=PNG_OPTIONS)
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
    fig.savefig(tmp_path / "plain.png", dpi=DPI, bbox_inches="tight", metadata={"Software": None}, pil_kwargs=PNG_OPTIONS)
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
