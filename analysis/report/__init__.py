"""The written report (notebook 05): the tables notebooks 01-04 saved, turned into its sentences.

    rep = Report(Context(load_study()))
    rep.title(); findings.summary(rep); rep.question(); corpus.corpus_table(rep); ...

Each method returns what the report shows there (`Shown`: Markdown, then a table); figures are embedded with a
numbered caption, or one line saying why the notebook did not draw them. Every number comes from the tables or
the corpus when the report is built; the title and question come from the study file.
"""
from . import appendix, contrasts, corpus, findings
from .document import Block, Report

__all__ = ["Report", "Block", "appendix", "contrasts", "corpus", "findings"]
