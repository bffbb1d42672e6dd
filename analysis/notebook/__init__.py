"""The notebooks' sections as functions: each computes one analysis on a study's corpus, saves its table and
figure, and returns what the notebook shows (`Shown`: sentences, a table, the figure). The choices that make a
notebook work on any corpus (which groups, periods, sections to show, and why) are made here and in
`analysis.choices`, where they are tested; a notebook cell is one or two lines calling these.

    from analysis.notebook import Context, overview
    ctx = Context(load_study())
    overview.articles(ctx)
"""
from .common import Context, Shown, left_out

__all__ = ["Context", "Shown", "left_out"]
