import pytest

from store import fold, format_value, format_values, parse_quantities


def parse(text):
    return parse_quantities(fold(text), text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # text, [(verbatim, amount, low, high, kind, unit-or-currency, qualifier)]
        (
            "資本支出同比增長79%至140億美元",
            [
                ("79%", 79, None, None, "percent", "%", None),
                ("140億美元", 1.4e10, None, None, "money", "USD", None),
            ],
        ),
        (
            "預計在350億美元至400億美元之間",
            [("350億美元至400億美元", 3.5e10, 3.5e10, 4e10, "money", "USD", None)],
        ),
        ("拥有有2.7万张AI专用GPU", [("2.7万张", 27000, None, None, "count", "张", None)]),
        ("亏损约达5.4亿美元", [("约达5.4亿美元", 5.4e8, None, None, "money", "USD", "约")]),
        ("营收5545.5亿元", [("5545.5亿元", 5.5455e11, None, None, "money", "CNY", None)]),
        (
            "净收入10462亿元人民币(约1517亿美元)",
            [("10462亿元人民币", 1.0462e12, None, None, "money", "CNY", None)],
        ),
        ("约3600万美元", [("约3600万美元", 3.6e7, None, None, "money", "USD", "约")]),
        ("2万亿美元", [("2万亿美元", 2e12, None, None, "money", "USD", None)]),
        ("十分之一", [("十分之一", 0.1, None, None, "fraction", None, None)]),
        ("三分之一", [("三分之一", 1 / 3, None, None, "fraction", None, None)]),
        ("1300亿不等", [("1300亿", 1.3e11, None, None, "number", None, None)]),
        ("100倍以上", [("100倍以上", 100, None, None, "multiple", "x", "以上")]),
        ("涨幅近200%", [("近200%", 200, None, None, "percent", "%", "近")]),
        ("收入的20%至25%都来自中国", [("20%至25%", 20, 20, 25, "percent", "%", None)]),
        ("最高售价为93999元", [("93999元", 93999, None, None, "money", "CNY", None)]),
        ("收入超800亿美元", [("超800亿美元", 8e10, None, None, "money", "USD", "超过")]),
        (
            "自1.6萬美元升至2.3萬美元",
            [
                ("1.6萬美元", 16000, None, None, "money", "USD", None),
                ("2.3萬美元", 23000, None, None, "money", "USD", None),
            ],
        ),
        ("预计达到59.3EFLOPS", [("59.3EFLOPS", 59.3, None, None, "compute", "EFLOPS", None)]),
        ("带来3.2T超高互联带宽", [("3.2T", 3.2, None, None, "bandwidth", "T", None)]),
        ("亏了30多亿元", [("30多亿元", 3e9, None, None, "money", "CNY", "多")]),
        ("上万张英伟达的卡", [("上万张", 10000, None, None, "count", "张", "超过")]),
        ("推出130億參數的大模型", [("130億參數", 1.3e10, None, None, "count", "parameters", None)]),
        ("Revenue of US$14 billion", [("US$14 billion", 1.4e10, None, None, "money", "USD", None)]),
        ("營收達新台幣7596.9億元", [("7596.9億元", 7.5969e11, None, None, "money", "TWD", None)]),
        # how many rounds or times is a count; which round (第3轮) is none
        ("自成立以來,智譜已完成11次融資", [("11次", 11, None, None, "count", "次", None)]),
        ("這是公司第3輪融資", []),
        ("科大訊飛兩次被列入實體清單", [("兩次", 2, None, None, "count", "次", None)]),
        ("一次性收益3億元", [("3億元", 3e8, None, None, "money", "CNY", None)]),
        # the sentence's currency, said once, is its later 元 amounts' too
        (
            "營收新台幣2.53億元;第1季營收6.76億元。",
            [
                ("2.53億元", 2.53e8, None, None, "money", "TWD", None),
                ("6.76億元", 6.76e8, None, None, "money", "TWD", None),
            ],
        ),
        ("市值突破20兆元", [("20兆元", 2e13, None, None, "money", "CNY", None)]),
        # a report date in eight digits is no figure
        ("项目 | 20221231 | 20231231 |", []),
        # 天 of 天使 (angel) is no day
        ("它石智航凭何50天获8.7亿天使轮融资", [("50天", 50, None, None, "duration", "days", None), ("8.7亿", 8.7e8, None, None, "number", None, None)]),
        # one figure written in two scales: Taiwan's 2兆589.49億 is 2.06 trillion, not 589.49億
        ("合併營收2兆589.49億元", [("2兆589.49億元", 2.058949e12, None, None, "money", "CNY", None)]),
        ("募資3億5000萬元", [("3億5000萬元", 3.5e8, None, None, "money", "CNY", None)]),
        # two figures side by side stay two (a comma between them, or a head with decimals)
        ("增加2亿元，5000万元来自", [("2亿元", 2e8, None, None, "money", "CNY", None), ("5000万元", 5e7, None, None, "money", "CNY", None)]),
        ("應試者的前10%左右", [("前10%左右", 10, None, None, "percent", "%", "前")]),
        # a range whose low end leaves its unit to the high end, as guidance is written
        (
            "第四季營收 250 至 262 億美元",
            [("250 至 262 億美元", 2.5e10, 2.5e10, 2.62e10, "money", "USD", None)],
        ),
        ("毛利率 52-54%", [("52-54%", 52, 52, 54, "percent", "%", None)]),
        ("今年資本支出約落在 300-320 億美元", [("300-320 億美元", 3e10, 3e10, 3.2e10, "money", "USD", None)]),
        ("增长 1-2 个百分点", [("1-2 个百分点", 1, 1, 2, "points", "pp", None)]),
        ("在發布後20分鐘被一掃而空", [("20分鐘", 20, None, None, "duration", "minutes", None)]),
        # a data centre's power; 兆 before 瓦 is mega, not Taiwan's 10^12
        ("全年有望交付440MW算力", [("440MW", 440, None, None, "power", "MW", None)]),
        ("訓練算力將達近2千兆瓦", [("近2千兆瓦", 2000, None, None, "power", "MW", "近")]),
        ("一座300兆瓦的數據中心", [("300兆瓦", 300, None, None, "power", "MW", None)]),
        # a benchmark's score in points
        ("OpenCL性能得分达到了111290分", [("111290分", 111290, None, None, "score", "points", None)]),
        ("C-Eval 总分 66.1 分", [("66.1 分", 66.1, None, None, "score", "points", None)]),
        # how many years something took: not a year, nor 近3年 (the last three years)
        ("银河通用创立不到3年", [("不到3年", 3, None, None, "duration", "years", "不到")]),
        ("历时5年研发", [("5年", 5, None, None, "duration", "years", None)]),
        # basis points: how a margin moved
        ("导致60个基点的毛利稀释", [("60个基点", 60, None, None, "points", "bp", None)]),
        # a Latin word before a range's low end leaves the range whole (a model's number is bare)
        ("预估EPS 1.5-2元", [("1.5-2元", 1.5, 1.5, 2, "money", "CNY", None)]),
        # tenths: 五成 is half, 三成以上 over 30%
        ("液冷散熱產品已占整體營收的五成", [("五成", 50, None, None, "percent", "%", None)]),
        ("營收比重將提升至三成以上", [("三成以上", 30, None, None, "percent", "%", "以上")]),
        # a game's frame rate
        ("1080p下平均帧率超过70fps", [("超过70fps", 70, None, None, "frame_rate", "fps", "超过")]),
        # a GPU's memory
        ("专业版提供 24GB GDDR6 ECC 显存", [("24GB", 24, None, None, "memory", "GB", None)]),
    ],
)
def test_parse_quantities(text, expected):
    got = [(v.text, v.amount, v.low, v.high, v.kind, v.unit or v.currency, v.qualifier) for v in parse(text)]
    assert len(got) == len(expected), got
    for g, e in zip(got, expected, strict=True):
        assert g[0] == e[0]
        assert g[1] == pytest.approx(e[1])
        assert (g[2], g[3]) == (pytest.approx(e[2]) if e[2] else None, pytest.approx(e[3]) if e[3] else None)
        assert g[4:] == e[4:]


@pytest.mark.parametrize(
    "text",
    [
        "2024年",
        "4月25日",
        "2023-05-15 09:06",
        "GPT-4 Turbo",
        "A100芯片",
        "日日新5.0版",
        "唯一一家",
        "1、大模型",
        "第三财季",
        "2022这部分业务",
        "1-3月",  # a bare number before a separator is a range's low end only when one follows
        "2024-25财年",
        "第1-3季",
        # 分 after a time, a Chinese numeral, or starting a word of its own is no score
        "下午3点15分",
        "10時30分發布",
        "十分重要",
        "两款芯片的售价5分别",
        "英伟达GB200芯片",  # a chip's name, not 200 GB
        "近3年营收",  # the last three years: a period
        "成立于2015年",
        "跑分性能堪比RTX 4060",  # a model's number, not a count
        "公司一成不变",  # 成 opening a word is no tenths
        "营收成长",
        "1亿成交",
        "领先 GeForce RTX 5090显卡",
    ],
)
def test_years_dates_versions_and_names_are_not_quantities(text):
    assert parse(text) == []


@pytest.mark.parametrize(
    ("text", "direction", "yoy"),
    [
        ("同比增长79%", 1, True),
        ("同比下降22%", -1, True),
        ("股价暴跌近20%", -1, False),
        ("大涨超过12%", 1, False),
        ("營收比上一季小減1.8%", -1, False),
    ],
)
def test_changes_have_a_direction(text, direction, yoy):
    (v,) = parse(text)
    assert v.change and v.direction == direction and v.yoy == yoy


def test_a_level_after_zhi_is_not_a_change():
    pct, level = parse("資本支出同比增長79%至140億美元")
    assert pct.change and not level.change
    # a margin's level, after the points it fell by (Taiwan's 個百分比 are points)
    points, margin = parse("毛利率下滑0.2個百分比、至6.85%")
    assert (points.kind, points.change) == ("points", True) and not margin.change
    (margin,) = parse("整体毛利率提升至53%")
    assert not margin.change
    (growth,) = parse("微軟云Azure的收入增長達到31%")  # the growth it reached is the growth
    assert growth.change


def test_offsets_cut_the_verbatim_text():
    text = "據估算,GPT-3單次訓練成本約為140萬美元,大型語言模型則高至1200萬美元。"
    for v in parse(text):
        assert text[v.start : v.end] == v.text


@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("資本支出同比增長79%至140億美元", "US$14 billion, +79% YoY"),
        ("在350億美元至400億美元之間", "US$35 billion–US$40 billion"),
        ("拥有2.7万张GPU", "27,000 张"),
        ("亏损约达5.4亿美元", "about US$540 million"),
        # a place in a ranking
        ("其预览版在LMArena文本排行榜上位列全球第三", "No. 3"),
        ("公司营收排名第1", "No. 1"),
        # a minus sign is the figure's: a loss written as a negative profit
        ("归母净利润为-5.79亿元", "-¥579 million"),
        ("归母净利润(元) | -4.47亿 | -3.83亿 |", "-447 million, -383 million"),
        # a dash between two numbers or after a name is none
        ("GPT-4 的得分为90%", "90%"),
        ("2022-2023年营收10亿元", "¥1 billion"),
    ],
)
def test_format_values_reads_at_a_glance(text, readable):
    assert format_values(parse(text)) == readable


@pytest.mark.parametrize(
    ("text", "low", "high", "shown"),
    [
        ("数千万元", 2e7, 9e7, "数千万元 (roughly ¥20 million–¥90 million)"),
        ("数十亿美元", 2e9, 9e9, "数十亿美元 (roughly US$2 billion–US$9 billion)"),
    ],
)
def test_vague_amounts_are_prose_with_a_range_never_a_point(text, low, high, shown):
    (v,) = parse_quantities(text)
    assert v.amount is None and (v.low, v.high) == (low, high)
    assert format_value(v) == shown


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # the 数 of a noun (股数, 倍数) is no "several": the figure after it is exact
        ("有效申购股数达462.17亿股", [("462.17亿", 46217000000.0)]),
        ("有效申购倍数为4126.49倍", [("4126.49倍", 4126.49)]),
    ],
)
def test_a_noun_ending_on_shu_is_no_vague_amount(text, figures):
    assert [(v.text, v.amount) for v in parse_quantities(text)] == figures


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # a stock code after a company is no figure
        ("台股:华擎(3515)AI伺服器营收将破5成", ["5成"]),  # tenths (50%), not the code
        ("阿里巴巴（9988）上季收入2478億元", ["2478億元"]),
        ("寒武纪(688256.SH)营收28.81亿元", ["28.81亿元"]),
        ("台積電(2330-TW)第三季EPS 17.44元", ["17.44元"]),
        # a figure in brackets with its unit is one
        ("共发行4010万股(含超额配售)", ["4010万"]),
    ],
)
def test_a_stock_code_is_no_figure(text, figures):
    assert [v.text for v in parse(text)] == figures


@pytest.mark.parametrize(
    ("text", "amount", "currency", "shown"),
    [
        # Hong Kong pays dividends in cents: 8.5港仙 is HK$0.085
        ("每股派中期息8.5港仙", 0.085, "HKD", "HK$0.085"),
        ("末期股息每股20美仙", 0.2, "USD", "US$0.2"),
    ],
)
def test_a_dividend_in_cents_is_a_hundredth_of_its_currency(text, amount, currency, shown):
    (v,) = parse(text)
    assert v.kind == "money" and v.amount == pytest.approx(amount) and v.currency == currency
    assert format_value(v) == shown
