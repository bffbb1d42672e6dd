"""Word segmentation: one jieba tokenizer with the project lexicon, tokenize(), a fast cached corpus path.

- `tokenize(text)` is the reference: a `jieba.Tokenizer` loaded with the user dictionary (user_dict.txt),
  its output filtered to content tokens (no punctuation, whitespace, bare numbers, stopwords).
- `tokenize_corpus(texts)` gives the same tokens for many texts, fast: the Rust port of jieba
  (rjieba, loaded with the same lexicon through its add_word) and a token cache per text under
  .cache/tokens, keyed by the text's hash and the lexicon's hash, so a re-run does not re-segment.
  `benchmarks/bench_tokenize.py` measures its speed and its agreement with jieba.
- `count_corpus(texts, groups)` counts each group's content tokens as they are segmented, for
  `term_frequencies` on a large corpus.

Where things are: tokenizer.py (the tokenizer, `segment`, `tokenize`, what a content token is),
tokencache.py (`tokenize_corpus`, the token cache `TokenStore`), counting.py (`count_corpus`),
workers.py (the forked processes both use).

Lexicon files (the package's resources/lexicon/, or your copies: see analysis.lexicon), each documented in
its header comment:
  user_dict.txt        domain terms jieba would split, in jieba's `word freq tag` format
  stopwords.txt        a general Chinese stopword list (Stopwords ISO "zh")
  stopwords_genre.txt  genre words of official prose (工作, 积极, 开展 ...): switch with drop_genre
"""
from ..lexicon import GENRE_STOPWORDS, STOPWORDS, USER_DICT, load_stopwords, read_user_dict
from .counting import count_corpus
from .tokencache import TokenStore, tokenize_corpus
from .tokenizer import (
                        ENGINES,
                        _normalize,
                        _stopset,
                        get_tokenizer,
                        is_content,
                        lexicon_hash,
                        segment,
                        tokenize,
)

__all__ = ["segment", "tokenize", "tokenize_corpus", "count_corpus", "get_tokenizer", "is_content", "lexicon_hash",
           "load_stopwords", "read_user_dict", "TokenStore", "USER_DICT", "STOPWORDS", "GENRE_STOPWORDS", "ENGINES",
           "_normalize", "_stopset"]
