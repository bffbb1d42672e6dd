"""The evidence explorer: from every number of the theme heatmap to the paragraphs behind it.

    write_explorer(out_dir, corpus, paras=..., coded=..., matches=..., audit=...)  # out_dir/explorer.html
    python -m analysis explore DIR          # serve it (and its SQLite index, for large corpora)
    screenshot_explorer(out_dir / "explorer.html", figures_dir)   # PNGs of the three views

Modules: data (the payload), removed (cleaning removals placed in the text), reading (places and amounts
per article), page (the HTML), index (SQLite: paragraphs + a positional index of character pairs), search (the API's
answers), server (HTTP), shots (headless Chromium). The page's HTML, CSS and JavaScript are package
data under template/.
"""
from .page import write_explorer
from .server import main, make_server, serve_in_thread
from .shots import screenshot_explorer

__all__ = ["write_explorer", "screenshot_explorer", "main", "make_server", "serve_in_thread"]
