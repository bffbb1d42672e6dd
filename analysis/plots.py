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
            "axes.titleweight": "bold",
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


def save_figure(fig, name: str, figures_dir: Path | str | None = None) -> list[Path]:
    """Save `fig` as figures/NAME.png (200 dpi) and figures/NAME.svg; return both paths."""
    out = Path(figures_dir) if figures_dir is not None else FIGURES_DIR
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=DPI, metadata={"Software": None})
    fig.savefig(paths[1], metadata={"Date": None, "Creator": None})
    return paths
