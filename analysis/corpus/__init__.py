"""The corpus: articles from any source in one table, cleaned, with their metadata and regions, cached.

`load_corpus()` gives one row per article; `paragraphs()` (analysis/paragraph.py) one row per paragraph,
the unit of analysis. Sources are found and read by `analysis.sources` (bytes decoded by
`analysis.decoding`); every source gets the same cleaning (`analysis.clean`) and the same audit
(`cleaning_audit`). Where things are:

    load.py      load_corpus: the steps of a load, metadata.csv, dates, labels, unique ids
    articles.py  one file or table row into a cleaned row and its audit rows
    units.py     every file of a load: from the cache, or cleaned on a pool of processes
    cache.py     the load cache: rows per file, whole loads, the versions they depend on
    regions.py   regions inferred for articles without a province, and their cache
    audit.py     the cleaning audit of a load (`cleaning_audit`)
"""
from ..decoding import CorpusError, decode_bytes, read_text
from ..paragraph import paragraphs
from .articles import COLUMNS
from .audit import cleaning_audit
from .load import load_corpus, read_metadata

__all__ = ["CorpusError", "COLUMNS", "decode_bytes", "read_text", "load_corpus", "paragraphs", "read_metadata",
           "cleaning_audit"]
