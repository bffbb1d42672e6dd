"""The house style every figure shares: the one CJK font, matplotlib settings, the fixed seed, the colour
palette of named groups, and save_figure(). The figure modules import these from here (never from the
package, which imports the figure modules)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager

from ..paths import SEED  # one fixed seed for every random layout (word clouds, networks, NMF)

__all__ = ["SEED", "DPI", "PNG_OPTIONS", "SYSTEM_CJK_FONTS", "cjk_font", "palette", "save_figure", "use_house_style"]

DPI = 200
# zlib level 3 instead of Pillow's 6: the same pixels, files about 7% larger, encoding about a third faster
# (encoding the 200-dpi PNGs was a sixth of the time spent saving figures).
PNG_OPTIONS = {"compress_level": 3}

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


def _figures_dir() -> Path:
    """The default output folder (`analysis.outputs.figures_dir`), read when a figure is saved: the study and the
    build point it at a build's folder."""
    from ..outputs import figures_dir

    return figures_dir()


def save_figure(fig, name: str, figures_dir: Path | str | None = None, show: bool | None = None) -> list[Path]:
    """Save `fig` as figures/NAME.png (200 dpi) and figures/NAME.svg; return both paths.

    The figure is laid out once, at the PNG's resolution, and both files are drawn from that layout and its
    tight box (a layout engine is switched off while saving and restored after, as savefig does per file).

    In a notebook with the inline backend (`show=None` detects it) the saved PNG is displayed and the figure
    is closed, so the notebook shows exactly the file that was written and matplotlib does not draw the
    figure a third time for the inline copy (drawing is most of the build time). The closed figure can
    still be changed and saved again; call `display(fig)` to show it re-rendered.
    """
    out = Path(figures_dir) if figures_dir is not None else _figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    bbox = None
    engine = fig.get_layout_engine()
    if plt.rcParams["savefig.bbox"] == "tight":
        # One layout pass gives the layout and the tight box for both files. A plain tight savefig lays the
        # figure out again for each file (and a layout engine such as constrained runs in that pass and
        # again in the drawing): measured once here and frozen, each file is drawn once.
        dpi = fig.dpi
        # Images (word clouds) lie inside their axes and never change the layout, but a layout pass would
        # still resample them to the output resolution: hidden while measuring.
        images = [im for ax in fig.axes for im in ax.images if im.get_visible()]
        fig.set_dpi(DPI)  # text extents depend on the resolution: lay out at the PNG's, as savefig does
        try:
            for im in images:
                im.set_visible(False)
            if engine is not None:
                fig.draw_without_rendering()  # runs the layout engine
            # Without an engine nothing needs drawing first: the tight box measures the text itself, as a
            # plain tight savefig does (the draw pass this skips changed no byte of the seed figures).
            bbox = fig.get_tightbbox().padded(plt.rcParams["savefig.pad_inches"])
        finally:
            fig.set_dpi(dpi)
            for im in images:
                im.set_visible(True)
        if engine is not None:
            fig.set_layout_engine("none")  # keep the positions just computed (savefig does the same)
    try:
        fig.savefig(paths[0], dpi=DPI, bbox_inches=bbox, metadata={"Software": None}, pil_kwargs=PNG_OPTIONS)
        fig.savefig(paths[1], bbox_inches=bbox, metadata={"Date": None, "Creator": None})
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)  # a later change is laid out again
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


def palette(values, other: str = "other") -> dict:
    """A fixed colour per value, in the given order: tab10 without its grey (which a reader cannot tell
    from the grey of the rest), then grey for the rest and for `other`."""
    colours = [c for c in plt.get_cmap("tab10").colors if len(set(c)) > 1]  # the nine colours, not the grey
    out, named = {}, 0
    for v in values:
        if v in (other, "(unknown)", "") or named >= len(colours):
            out[v] = "#999999"
        else:
            out[v] = colours[named]
            named += 1
    return out
