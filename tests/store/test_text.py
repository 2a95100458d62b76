import pytest

from store import clean_text, find_mojibake, fold, split_sentences
from store.text import clean_runs


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("微軟發(fā)布財報", "微軟發布財報"),
        ("國(guó)內", "國內"),
        ("自O(shè)penAI于2024年", "自OpenAI于2024年"),
        ("（fā）全角括號", "全角括號"),
        ("艾米·胡德(Amy Hood)表示", "艾米·胡德(Amy Hood)表示"),
        ("騰訊最高級(17 級)研究員", "騰訊最高級(17 級)研究員"),
        ("朱青(化名)告訴", "朱青(化名)告訴"),
        ("利潤 (EBITDA)約為", "利潤 (EBITDA)約為"),
        ("模型壓縮(model compression)", "模型壓縮(model compression)"),
        ("售價(原價99999)", "售價(原價99999)"),
        ("(ab)不是拼音", "(ab)不是拼音"),  # no tone mark: kept
        ("(xyā)", "(xyā)"),  # tone mark but not a syllable: kept
        ("a\r\nb", "a\nb"),
    ],
)
def test_clean_text_removes_only_pinyin_annotations(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("微軟資本支出", "微软资本支出"),
        ("英偉達ＡＩ", "英伟达ai"),
        ("隨著", "随着"),
        ("首臺", "首台"),
        ("GPT-4 Turbo", "gpt-4 turbo"),
        ("", ""),
    ],
)
def test_fold_is_simplified_half_width_lower_and_same_length(text, key):
    assert fold(text) == key
    assert len(fold(text)) == len(text)


def test_fold_keeps_length_on_every_seed(seeds):
    for path in seeds.iterdir():
        text = clean_text(path.read_text(encoding="utf-8"))
        assert len(fold(text)) == len(text), path.name


@pytest.mark.parametrize(
    "damaged",
    [
        "是因?yàn)樗C明了人工智能模型",
        "技術的發展?!彼墓荆缤珺aseten及蓬勃",
        "或?qū)χ溈孙L說的每一個音節",
        "市場的規模可能很快會比現在擴大1000倍。(小?。?/p>",
        "正常文字\ufffd\ufffd亂碼",
    ],
)
def test_find_mojibake_flags_damaged_spans(damaged):
    spans = find_mojibake(damaged)
    assert spans, damaged


@pytest.mark.parametrize(
    "clean",
    [
        "怎么可能只差兩個月?那一定是在另一個宇宙。",
        "艾米·胡德(Amy Hood)在公司財報電話會議上表示:“對于人工智能的需求確實超出了供應。”",
        "使用了 512 張英偉達 V100 GPU,V100是 A100 的前序產品。",
        "IDC中國副總裁周震刚做了一个比喻。",
    ],
)
def test_find_mojibake_leaves_clean_text_alone(clean):
    assert find_mojibake(clean) == []


def test_clean_runs_cut_the_damage_out_of_a_sentence():
    text = "人工智能推理模型消耗的算力資源,通常是傳統大語言模型的100倍以上,這是因?yàn)橥评砟P驮凇八季S鏈”中需要長時間與自己對話,而這些推理過程用戶往往看不見。"
    sentence = split_sentences(text)[0]
    runs = clean_runs(sentence, find_mojibake(text))
    assert runs[0].text.endswith("100倍以上")
    assert all(text[r.start : r.end] == r.text for r in runs)
    assert not any("?" in r.text for r in runs)


def test_split_sentences_keeps_quoted_speech_whole_and_offsets_exact():
    text = "他表示:“需求超出了供應。公司需要更多計算。”他說。\n標題行\n第二句!第三句?"
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "他表示:“需求超出了供應。公司需要更多計算。”",
        "他說。",
        "標題行",
        "第二句!",
        "第三句?",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_a_research_summary_s_items_end_on_their_sources_numbers():
    # a summary's items run on in one line, each closed by its sources ([1], [4][5]); a bracketed
    # number inside a sentence ("[1]号线") is no end
    text = "首秀表现黯淡 [1] - 上市前暗盘交易中,股价下跌超35% [4][5] 历史融资 - 累计完成7轮融资,开通[1]号线"
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "首秀表现黯淡 [1]",
        "- 上市前暗盘交易中,股价下跌超35% [4][5]",
        "历史融资 - 累计完成7轮融资,开通[1]号线",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_a_pattern_scanned_from_its_first_characters_matches_as_its_plain_form(seeds):
    # scanned_from's lookahead only lets the scanner skip characters no match starts with: a
    # character missing from a pattern's list would lose every match starting on it
    import re

    from store.text import SCANNED

    shared_eval = seeds.parent.parent / "shared" / "eval"
    folders = [seeds, shared_eval / "dev" / "articles", shared_eval / "dev2" / "articles"]
    texts = [clean_text(p.read_text(encoding="utf-8")) for f in folders for p in sorted(f.glob("*.txt"))]
    texts += ["FY2026Q2 3Q24 h1'25 9m24 q1-q3 first nine months (Nasdaq:CRDO) 0700.HK US$14 billion"]
    assert len(texts) > 20 and len(SCANNED) >= 30
    matched = 0
    for scanned, plain in SCANNED:
        expected = re.compile(plain)
        for text in texts:
            for key in (text, fold(text)):
                spans = [m.span() for m in scanned.finditer(key)]
                assert spans == [m.span() for m in expected.finditer(key)], plain
                matched += len(spans)
    assert matched > 3000
