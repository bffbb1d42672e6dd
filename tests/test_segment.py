"""analysis.segment on the seed articles: lexicon terms whole, stopwords gone, cache, fast path."""
from __future__ import annotations

import importlib
import logging
import re

import jieba
import pandas as pd
import pytest

from analysis import load_stopwords, segment, tokenize, tokenize_corpus
from analysis.segment import USER_DICT, TokenStore, is_content, lexicon_hash, read_user_dict

# The must-have domain terms.
MUST_HAVE = ["新冠肺炎", "疫情防控", "核酸检测", "全员核酸检测", "复工复产", "健康码", "静态管理",
             "新型冠状病毒", "双报到", "十户长"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _spans(tokens):
    out, pos = [], 0
    for t in tokens:
        out.append((pos, pos + len(t), t))
        pos += len(t)
    return out


def _text(corpus, prefix):
    return corpus.loc[corpus["doc_id"].str.startswith(prefix), "text"].iloc[0]


# ---------------------------------------------------------------- lexicon


def test_user_dict_has_the_must_have_terms_and_a_provenance_header():
    words = {w for w, _, _ in read_user_dict()}
    assert set(MUST_HAVE) <= words
    assert USER_DICT.read_text(encoding="utf-8").startswith("#")
    for word, freq, _ in read_user_dict():
        assert freq is not None and freq > 0, word  # explicit weights: jieba and rjieba agree


def test_stock_jieba_splits_the_terms_the_lexicon_keeps_whole(corpus):
    """Without the lexicon these terms break apart in the real articles; with it they do not."""
    jieba.setLogLevel(logging.WARNING)
    stock = jieba.Tokenizer()
    text = "\n".join(corpus["text"])
    split_by_stock = [w for w in MUST_HAVE if w in text and w not in stock.lcut(text)]
    assert {"疫情防控", "新冠肺炎", "全员核酸检测", "十户长"} <= set(split_by_stock)
    ours = set(tokenize(text))
    assert set(split_by_stock) <= ours


def test_every_lexicon_term_in_the_articles_comes_out_whole(corpus):
    """No occurrence of a user_dict word is cut into pieces: no piece of it stands as a token of its
    own. (It may lie inside a longer token, 核酸检测 in 全员核酸检测, or straddle two words that
    both reach beyond it, 战疫 in 奋战/疫情.)"""
    words = {w for w, _, _ in read_user_dict()}
    checked = 0
    for text in corpus["text"]:
        tokens = segment(text)
        norm = "".join(tokens)
        spans = _spans(tokens)
        for word in words:
            for m in re.finditer(re.escape(word), norm):
                i, j = m.start(), m.end()
                pieces = [tok for a, b, tok in spans if i <= a and b <= j]
                assert pieces in ([], [word]), f"{word} cut into {pieces}"
                checked += 1
    assert checked > 200  # the seed articles do exercise the lexicon


@pytest.mark.parametrize("prefix, term", [("000", "新冠肺炎"), ("000", "新型冠状病毒"), ("000", "复工复产"),
                                          ("004", "全员核酸检测"), ("004", "十户长"), ("004", "双报到"),
                                          ("004", "静态管理"), ("004", "健康码")])
def test_term_count_in_context_equals_its_count_in_the_text(corpus, prefix, term):
    text = _text(corpus, prefix)
    assert term in text
    assert tokenize(text).count(term) == text.count(term)


def test_war_on_the_epidemic_pun_becomes_one_word(corpus):
    text = _text(corpus, "000")
    assert "战“疫”" in text
    assert "战疫" in tokenize(text)
    assert "疫" not in tokenize(text)


def test_tokens_of_a_seed_sentence_read_by_hand(corpus):
    """004's 内江 paragraph: 充分发动“十户长”力量,引导“十户长”带头执行疫情防控工作要求. segment keeps every piece
    (punctuation too); tokenize drops punctuation and the genre words of official prose 充分, 工作, 要求."""
    sentence = "充分发动“十户长”力量,引导“十户长”带头执行疫情防控工作要求"
    assert sentence in _text(corpus, "004")
    assert segment(sentence) == ["充分", "发动", "“", "十户长", "”", "力量", ",", "引导", "“", "十户长", "”", "带头",
                                 "执行", "疫情防控", "工作", "要求"]
    assert tokenize(sentence) == ["发动", "十户长", "力量", "引导", "十户长", "带头", "执行", "疫情防控"]
    assert tokenize(sentence, drop_genre=False) == ["充分", "发动", "十户长", "力量", "引导", "十户长", "带头", "执行",
                                                    "疫情防控", "工作", "要求"]
    assert tokenize_corpus([sentence, "吉林省四平市铁东区"], cache=False) == [
        tokenize(sentence), ["吉林省", "四平市", "铁东区"]]


# ---------------------------------------------------------------- filtering


def test_no_stopwords_punctuation_whitespace_or_numbers(corpus):
    stop = load_stopwords() | load_stopwords(genre=True)
    for text in corpus["text"]:
        tokens = tokenize(text)
        assert tokens
        assert not stop.intersection(tokens)
        for t in tokens:
            assert t.strip() == t and t
            assert CJK.search(t) or re.search(r"[A-Za-z]", t), t
            assert not re.fullmatch(r"[\d.%]+", t), t


def test_money_and_head_counts_leave_no_number_or_measure_word(corpus):
    text = _text(corpus, "000")  # the district donation list: 3000多万元, 200余万元, 107.39万元 ...
    tokens = tokenize(text, stopwords=False, drop_genre=False)
    assert "捐款捐物" in tokens
    for bad in ("万元", "余万元", "多万元", "万余元", "余篇", "名", "3000", "107.39"):
        assert bad not in tokens
    assert "N95" in tokenize(_text(corpus, "001"))  # a model number is not a bare number
    assert not is_content("余人次") and not is_content("第一") and is_content("一线") and is_content("个人")


def test_genre_words_switch_on_and_off(corpus):
    text = "\n".join(corpus["text"])
    genre = load_stopwords(genre=True)
    assert {"工作", "积极", "开展", "进一步"} <= genre
    assert not genre & load_stopwords()  # kept separate from the general list
    default = tokenize(text)
    kept = tokenize(text, drop_genre=False)
    assert "工作" not in default and "积极" not in default
    assert kept.count("工作") > 50  # the most frequent word of official prose
    assert len(kept) > len(default)
    assert "的" not in kept and "的" in tokenize(text, stopwords=False)


def test_bad_input_is_refused():
    with pytest.raises(TypeError):
        tokenize(None)
    with pytest.raises(TypeError):
        tokenize_corpus(["疫情防控", 3], cache=False)
    with pytest.raises(TypeError):
        tokenize("疫情防控", stopwords="的")
    with pytest.raises(ValueError):
        tokenize("疫情防控", engine="pkuseg")
    assert tokenize("") == [] and tokenize("，。 123") == []


# ---------------------------------------------------------------- cache


def test_cache_is_read_and_is_invalidated_when_the_lexicon_changes(corpus, tmp_path):
    lexicon = tmp_path / "user_dict.txt"
    entries = [line for line in USER_DICT.read_text(encoding="utf-8").splitlines()
               if not line.startswith("十户长 ")]
    lexicon.write_text("\n".join(entries) + "\n", encoding="utf-8")
    cache = tmp_path / "cache"
    text = _text(corpus, "004")

    before = tokenize_corpus([text], user_dict=lexicon, cache_dir=cache)[0]
    assert "十户长" not in before  # not in this lexicon: jieba splits it
    packs = list(cache.rglob("pack-*.parquet"))
    assert len(packs) == 1 and packs[0].parent.name == lexicon_hash(lexicon, "rjieba")
    assert pd.read_parquet(packs[0])["key"].tolist() == [TokenStore.key(text)]

    # the cache is really read: a doctored entry comes back
    pd.DataFrame({"key": [TokenStore.key(text)], "tokens": ["缓存\n读取"]}).to_parquet(packs[0], index=False)
    assert tokenize_corpus([text], user_dict=lexicon, cache_dir=cache) == [["缓存", "读取"]]

    # editing the lexicon changes its hash: the doctored entry is not used, the new word is found
    with lexicon.open("a", encoding="utf-8") as f:
        f.write("十户长 30000 n\n")
    after = tokenize_corpus([text], user_dict=lexicon, cache_dir=cache)[0]
    assert after.count("十户长") == text.count("十户长") == 2
    assert len({p.parent.name for p in cache.rglob("pack-*.parquet")}) == 2
    assert after == tokenize(text, user_dict=lexicon)


def test_a_warm_cache_does_not_load_the_tokenizer(corpus, tmp_path):
    """Re-running a notebook must not pay for jieba's dictionary when every text is cached."""
    seg = importlib.import_module("analysis.segment.tokenizer")

    texts = list(corpus["text"])
    first = tokenize_corpus(texts, cache_dir=tmp_path, engine="jieba", progress=False)
    seg._jieba.cache_clear()
    again = tokenize_corpus(texts, cache_dir=tmp_path, engine="jieba", progress=False)
    assert again == first
    assert seg._jieba.cache_info().currsize == 0  # nothing loaded
    tokenize_corpus(texts + ["新增一篇文章的文字"], cache_dir=tmp_path, engine="jieba", progress=False)
    assert seg._jieba.cache_info().currsize == 1  # a miss loads it


def test_stopword_options_apply_after_the_cache(corpus, tmp_path):
    texts = list(corpus["text"])
    plain = tokenize_corpus(texts, cache_dir=tmp_path, stopwords=False, drop_genre=False)
    default = tokenize_corpus(texts, cache_dir=tmp_path)
    packs = list(tmp_path.rglob("pack-*.parquet"))  # one segmentation serves both: one pack of 5 entries
    assert len(packs) == 1 and len(pd.read_parquet(packs[0])) == len(texts)
    assert default == [tokenize(t) for t in texts]
    assert plain == [tokenize(t, stopwords=False, drop_genre=False) for t in texts]


# ---------------------------------------------------------------- fast path vs jieba


def test_fast_path_agrees_with_jieba_on_the_seed_corpus(paras):
    """rjieba with the same lexicon vs jieba: token boundaries agree on >= 99.5% (measured: 100%)."""
    inter = total_j = total_r = 0
    for text in paras["text"]:
        j = {b for _, b, _ in _spans(segment(text, engine="jieba"))}
        r = {b for _, b, _ in _spans(segment(text, engine="rjieba"))}
        inter += len(j & r)
        total_j += len(j)
        total_r += len(r)
    assert total_j > 3000
    assert 2 * inter / (total_j + total_r) >= 0.995
    fast = tokenize_corpus(list(paras["text"]), cache=False)
    ref = [tokenize(t, engine="jieba") for t in paras["text"]]  # the reference engine
    same = sum(a == b for f, r in zip(fast, ref) for a, b in zip(f, r))
    assert same / sum(map(len, ref)) >= 0.995


def test_worker_processes_give_the_same_tokens(corpus):
    texts = list(corpus["text"]) * 3
    assert tokenize_corpus(texts, cache=False, workers=2) == tokenize_corpus(texts, cache=False, workers=1)


def test_count_corpus_equals_counting_the_token_lists(paras, tmp_path, monkeypatch):
    """The fused segment-and-count path (term_frequencies' engine) counts exactly the tokens
    tokenize_corpus gives, per group, in one process or two, from the cache or not."""
    from collections import Counter

    from analysis.segment import count_corpus

    texts = list(paras["text"]) * 4
    groups = [i % 3 for i in range(len(texts))]
    lists = tokenize_corpus(texts, stopwords=False, drop_genre=False, cache=False, progress=False)
    want = {g: (Counter(t for ts, h in zip(lists, groups) if h == g for t in ts),
                Counter(t for ts, h in zip(lists, groups) if h == g for t in set(ts))) for g in range(3)}
    assert sum(want[0][0].values()) > 1000

    def counted(**options):
        frame = count_corpus(texts, groups, progress=False, **options)
        assert list(frame.columns) == ["group", "term", "count", "docs"]
        assert not frame.duplicated(["group", "term"]).any()
        return {g: (Counter(dict(zip(part["term"], part["count"]))), Counter(dict(zip(part["term"], part["docs"]))))
                for g, part in frame.groupby("group")}

    for workers in (1, 2):
        assert counted(cache=False, workers=workers) == want
    # as with many groups: the (group, token) cells hashed, not counted in a dense array
    monkeypatch.setattr(importlib.import_module("analysis.segment.counting"), "_DENSE_CELLS", 0)
    assert counted(cache=False, workers=1) == want
    monkeypatch.undo()
    cold = counted(cache_dir=tmp_path, workers=2)
    warm = counted(cache_dir=tmp_path, workers=2)  # every text a hit
    assert cold == warm == want
    half = texts[: len(texts) // 2] + [t + "。补充一句话。" for t in texts[len(texts) // 2 :]]  # hits and misses
    mixed = count_corpus(half, groups, cache_dir=tmp_path, workers=2, progress=False)
    fresh = count_corpus(half, groups, cache=False, workers=1, progress=False)
    assert len(mixed) == len(fresh) > 1000
    by_term = ["group", "term"]
    assert mixed.sort_values(by_term, ignore_index=True).equals(fresh.sort_values(by_term, ignore_index=True))
    assert tokenize_corpus(texts[:5], stopwords=False, drop_genre=False, cache_dir=tmp_path) == lists[:5]
    with pytest.raises(ValueError, match="groups"):
        count_corpus(texts, groups[:-1], cache=False)


def test_count_corpus_workers_write_their_packs_and_many_packs_are_merged(paras, tmp_path, monkeypatch):
    from analysis.segment import TokenStore, count_corpus, lexicon_hash

    monkeypatch.setattr(TokenStore, "MAX_PACKS", 3)
    texts = list(paras["text"])
    for k in range(4):  # new texts each time: each call adds the packs of this process and the worker
        batch = [f"第{k}批 {t}" for t in texts] * 2
        count_corpus(batch, [0] * len(batch), cache_dir=tmp_path, workers=2, progress=False)
    store = TokenStore(tmp_path, lexicon_hash(None, "rjieba"))
    assert 1 <= len(store.packs) <= 3
    every = [f"第{k}批 {t}" for k in range(4) for t in texts]
    assert all(store.get(TokenStore.key(t)) is not None for t in every)
    assert tokenize_corpus(every, stopwords=False, drop_genre=False, cache_dir=tmp_path) == tokenize_corpus(
        every, stopwords=False, drop_genre=False, cache=False)
