"""Term statistics on tokenized text: frequencies by group, tf-idf, keyness, KWIC, co-occurrence.

The vocabulary follows quanteda: a document-feature matrix (`dfm`) of groups x terms, `keyness`
like `textstat_keyness(measure = "lr")`, `kwic` like `kwic()`. Every function takes a DataFrame
with a text column (the corpus, or paragraphs) and tokenizes it with `analysis.tokenize_corpus`
(cached), or takes the tokens you already have (`tokens=`: a column name, or one list per row).

Grouping (`by`): any column of the data, or several; a column the data lacks is looked up in
`corpus` by doc_id, so paragraphs can be grouped by the province or date of their article.
Output is always sorted deterministically (ties broken by term), so a notebook's tables and
figures are the same on every run.

Where things are: inputs.py (texts or tokens, groups), frequencies.py (`term_frequencies`, `dfm`),
keyness.py (`tfidf`, `keyness`, `g2`, `log_ratio`), context.py (`kwic`, `cooccurrence`).
"""
from .context import cooccurrence, kwic
from .frequencies import dfm, frequency_table, term_frequencies
from .inputs import TOKENS
from .keyness import g2, keyness, log_ratio, tfidf

__all__ = ["term_frequencies", "dfm", "tfidf", "keyness", "g2", "log_ratio", "kwic", "cooccurrence",
           "frequency_table", "TOKENS"]
