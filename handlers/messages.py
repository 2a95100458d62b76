"""Every piece of UI text, in English, Simplified and Traditional Chinese: one catalogue.

    lang = language_of("微軟資本支出")      # "zh-Hant": the script the question was asked in
    say(text(lang, "not_found", query=q))

A reply speaks the language of the question it answers (its script decides: any Han character
makes it Chinese, and one that OpenCC's t2s changes makes it Traditional). Surfaces without a
question (App Home, the Messages tab) use the user's locale when Slack gives one, else English.
Renderers take `lang`; listeners never hold strings of their own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import opencc

Lang = Literal["en", "zh-Hans", "zh-Hant"]
LANGS: tuple[Lang, ...] = ("en", "zh-Hans", "zh-Hant")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def in_script(name: str, lang: Lang) -> str:
    """A name from the lexicon (Simplified) in the reader's script: 微软 → 微軟 for zh-Hant."""
    return _s2t().convert(name) if lang == "zh-Hant" else name


def language_of(text: str | None) -> Lang:
    """The language to answer `text` in: Chinese if it has Han characters (Traditional when any
    of them is a Traditional form), else English."""
    han = "".join(_HAN.findall(text or ""))
    if not han:
        return "en"
    return "zh-Hant" if _t2s().convert(han) != han else "zh-Hans"


def language_of_locale(locale: str | None) -> Lang:
    """The catalogue language for a Slack locale such as "zh-TW", "zh-CN" or "en-US"."""
    loc = (locale or "").lower().replace("_", "-")
    if loc.startswith("zh"):
        return "zh-Hant" if any(t in loc for t in ("tw", "hk", "mo", "hant")) else "zh-Hans"
    return "en"


# key -> (English, 简体, 繁體). Placeholders are str.format fields.
CATALOGUE: dict[str, tuple[str, str, str]] = {
    # answers
    "answers_for": ("Answers for", "回答", "回答"),
    "more_answers_for": ("More answers for", "更多回答", "更多回答"),
    "source": ("Source", "来源", "來源"),
    "published": ("published", "发布于", "發佈於"),
    "also_in": ("also in {n} other article(s)", "另见于 {n} 篇文章", "另見於 {n} 篇文章"),
    "shared_by": ("Shared by {user}", "由 {user} 分享", "由 {user} 分享"),
    "shared_text": ("{user} shared: {headline}", "{user} 分享了：{headline}", "{user} 分享了：{headline}"),
    "share": ("Share in channel", "分享到频道", "分享到頻道"),
    "context": ("Context", "上下文", "上下文"),
    "more": ("More", "更多", "更多"),
    # 👍/👎 (handlers.actions): what one press did
    "vote_recorded": (
        "Thanks — your {thumb} is recorded. Press it again to withdraw it.",
        "谢谢——已记录你的 {thumb}。再按一次可撤回。",
        "謝謝——已記錄你的 {thumb}。再按一次可撤回。",
    ),
    "vote_changed": (
        "Changed your vote to {thumb}.",
        "已把你的投票改为 {thumb}。",
        "已把你的投票改為 {thumb}。",
    ),
    "vote_withdrawn": (
        "Withdrew your {thumb}; you have no vote on this answer now.",
        "已撤回你的 {thumb}；你现在对这条回答没有投票。",
        "已撤回你的 {thumb}；你現在對這條回答沒有投票。",
    ),
    "vote_unchanged": (
        "That press was already counted; your vote is unchanged.",
        "这次点击已经计过了；你的投票没有变化。",
        "這次點擊已經計過了；你的投票沒有變化。",
    ),
    "vote_not_recorded": (
        "Your {thumb} was not recorded: factbot cannot reach its database right now. Please try again in a minute.",
        "你的 {thumb} 没有记录下来：factbot 暂时连不上它的数据库。请过一分钟再试。",
        "你的 {thumb} 沒有記錄下來：factbot 暫時連不上它的資料庫。請過一分鐘再試。",
    ),
    "share_not_recorded": (
        "That answer was not shared: factbot cannot reach its database right now. Please try again in a minute.",
        "这条回答没有分享出去：factbot 暂时连不上它的数据库。请过一分钟再试。",
        "這條回答沒有分享出去：factbot 暫時連不上它的資料庫。請過一分鐘再試。",
    ),
    "already_shared": (
        "You already shared this answer here.",
        "你已经在这里分享过这条回答。",
        "你已經在這裡分享過這條回答。",
    ),
    "shortened": (
        "(shortened to fit one Slack message)",
        "（为适应单条 Slack 消息已缩短）",
        "（為適應單則 Slack 訊息已縮短）",
    ),
    "unnamed": ("Unnamed company", "未具名公司", "未具名公司"),
    # what was understood
    "understood": ("Understood", "理解为", "理解為"),
    "understood_company": ("company {names}", "公司 {names}", "公司 {names}"),
    "understood_metric": ("metric {names}", "指标 {names}", "指標 {names}"),
    "understood_period": ("period {names}", "时间 {names}", "時間 {names}"),
    "understood_nothing": (
        "Understood: nothing specific — try naming a company, a metric or a year.",
        "理解为：没有具体内容——请写出公司、指标或年份。",
        "理解為：沒有具體內容——請寫出公司、指標或年份。",
    ),
    # not found
    "not_found": (
        "I couldn't find a fact for “{query}”.",
        "没有找到关于“{query}”的事实。",
        "沒有找到關於「{query}」的事實。",
    ),
    "no_more": ("No more answers for “{query}”.", "“{query}”没有更多回答了。", "「{query}」沒有更多回答了。"),
    "nearest": (
        "*Nearest facts — did you mean:*",
        "*最接近的事实——你是不是想问：*",
        "*最接近的事實——你是不是想問：*",
    ),
    "try": ("Try: {examples}", "试试：{examples}", "試試：{examples}"),
    "eg": ("e.g.", "例如", "例如"),
    "unsearchable": (
        "I couldn't find anything to search for in “{query}”.",
        "“{query}”里没有可以搜索的内容。",
        "「{query}」裡沒有可以搜尋的內容。",
    ),
    # slow path and status
    "status": ("is looking that up…", "正在查找…", "正在查找…"),
    "status_messages": (
        "Reading the articles…|Checking the figures…",
        "正在阅读文章…|正在核对数字…",
        "正在閱讀文章…|正在核對數字…",
    ),
    # comparisons
    "compare_title": ("Comparison: {query}", "对比：{query}", "對比：{query}"),
    "col_company": ("Company", "公司", "公司"),
    "col_period": ("Period", "时间", "時間"),
    "col_figure": ("Figure", "数字", "數字"),
    "col_metric": ("Metric", "指标", "指標"),
    "col_source": ("Source", "来源", "來源"),
    "with_others": ("{name} (with {others})", "{name}（与{others}合计）", "{name}（與{others}合計）"),
    "sources": ("*Sources*", "*来源*", "*來源*"),
    "chart_title": ("{metric} by company", "各公司{metric}", "各公司{metric}"),
    "chart_title_periods": (
        "{entity}: {metric} by period",
        "{entity}：各时期{metric}",
        "{entity}：各時期{metric}",
    ),
    "no_rows": (
        "No company states a figure for “{query}”.",
        "没有公司给出“{query}”的数字。",
        "沒有公司給出「{query}」的數字。",
    ),
    # context modal
    "context_title": ("Context", "上下文", "上下文"),
    "context_close": ("Close", "关闭", "關閉"),
    "context_paragraph": ("*In its paragraph*", "*所在段落*", "*所在段落*"),
    "context_article": ("*Article*", "*文章*", "*文章*"),
    "context_other": ("*Other facts from this article*", "*同一篇文章的其他事实*", "*同一篇文章的其他事實*"),
    "article_gone": (
        "That article is no longer in the store (it was reloaded since); please ask again.",
        "这篇文章已不在事实库中（之后重新加载过）；请再问一次。",
        "這篇文章已不在事實庫中（之後重新載入過）；請再問一次。",
    ),
    "context_also": (
        "*Also reported by {n} other article(s)*",
        "*另有 {n} 篇文章报道*",
        "*另有 {n} 篇文章報導*",
    ),
    "context_also_more": ("…and {n} more.", "……另有 {n} 篇。", "……另有 {n} 篇。"),
    "context_none": ("No other facts from this article.", "这篇文章没有其他事实。", "這篇文章沒有其他事實。"),
    "context_position": (
        "characters {start}–{end} of {file}",
        "{file} 第 {start}–{end} 个字符",
        "{file} 第 {start}–{end} 個字元",
    ),
    # message shortcut
    "shortcut_empty": (
        "That message has no text I can look up.",
        "这条消息里没有可以查找的文字。",
        "這則訊息裡沒有可以查找的文字。",
    ),
    # help and usage
    "usage": ("Usage: {syntax}", "用法：{syntax}", "用法：{syntax}"),
    "examples": ("*Examples*", "*示例*", "*範例*"),
    "usage_footer": (
        "Questions may be in English or Chinese. You can also @mention me or send me a DM.",
        "可以用中文或英文提问，也可以 @我 或私信我。",
        "可以用中文或英文提問，也可以 @我 或私訊我。",
    ),
    "mention_lead": (
        "Ask me about the AI industry, e.g. *how much did Meta plan to spend in 2024?*",
        "问我 AI 行业的事，例如 *微软 资本支出*",
        "問我 AI 產業的事，例如 *微軟 資本支出*",
    ),
    "mention_text": ("Ask me about the AI industry.", "问我 AI 行业的事。", "問我 AI 產業的事。"),
    "cmd_fact": (
        "Anything the articles state: a company, a metric, a period; several companies compare in a table.",
        "文章里写到的任何事实：公司、指标、时间；写多家公司就列表对比。",
        "文章裡寫到的任何事實：公司、指標、時間；寫多家公司就列表對比。",
    ),
    "cmd_spend": (
        "What a company spends on AI (capex, investment, training cost, chips), newest period first; "
        "a year alone or several companies compare in a table.",
        "公司在 AI 上的花费（资本支出、投资、训练成本、芯片），最新的在前；只写年份或多家公司就列表对比。",
        "公司在 AI 上的花費（資本支出、投資、訓練成本、晶片），最新的在前；只寫年份或多家公司就列表對比。",
    ),
    "cmd_bench": (
        "Benchmark claims about a model or a company's models.",
        "关于某个模型或某公司模型的评测说法。",
        "關於某個模型或某公司模型的評測說法。",
    ),
    "admin_usage": (
        "`/factadmin reload` rebuilds the fact store from the sources folder · `/factadmin status` shows "
        "what is loaded · `/factadmin add` followed by an article's text adds it (optional first lines "
        "`title:`, `outlet:`, `url:`, `published:`) · or send me a .txt or .md file in a DM to add it",
        "`/factadmin reload` 从来源文件夹重建事实库 · `/factadmin status` 显示已加载的内容 · "
        "`/factadmin add` 后接文章全文即可添加（开头可写 `title:`、`outlet:`、`url:`、`published:`）· "
        "也可以私信发给我 .txt 或 .md 文件来添加",
        "`/factadmin reload` 從來源資料夾重建事實庫 · `/factadmin status` 顯示已載入的內容 · "
        "`/factadmin add` 後接文章全文即可新增（開頭可寫 `title:`、`outlet:`、`url:`、`published:`）· "
        "也可以私訊傳給我 .txt 或 .md 檔案來新增",
    ),
    "home_admin": ("*For admins*", "*管理员*", "*管理員*"),
    # App Home and the Messages tab
    "home_header": ("factbot — facts about the AI industry", "factbot——AI 行业事实", "factbot——AI 產業事實"),
    "home_knows": (
        "I know *{facts} facts* from *{articles} articles* (Chinese news), each with the verbatim "
        "sentence it came from.",
        "我知道来自 *{articles} 篇文章*（中文新闻）的 *{facts} 条事实*，每条都附有原文句子。",
        "我知道來自 *{articles} 篇文章*（中文新聞）的 *{facts} 條事實*，每條都附有原文句子。",
    ),
    "home_top": ("*Most covered:* {names}", "*报道最多：* {names}", "*報導最多：* {names}"),
    "home_none": ("none yet", "暂无", "暫無"),
    "home_how": ("*How to ask*", "*怎么问*", "*怎麼問*"),
    "home_also": (
        "Or @mention me in a channel (*@factbot how much did Meta plan to spend in 2024?*), or write to me "
        "here in Messages. Answers come with a source; 👍/👎 tell us which ones are right.",
        "也可以在频道里 @我（*@factbot 微软 资本支出*），或在“消息”里直接写给我。每个回答都附来源；👍/👎 告诉我们哪些是对的。",
        "也可以在頻道裡 @我（*@factbot 微軟 資本支出*），或在「訊息」裡直接寫給我。每個回答都附來源；👍/👎 告訴我們哪些是對的。",
    ),
    "home_generation": (
        "Store generation {generation} · built {built_at}",
        "事实库第 {generation} 代 · 构建于 {built_at}",
        "事實庫第 {generation} 代 · 建置於 {built_at}",
    ),
    "prompts_title": ("Ask about the AI industry", "问问 AI 行业", "問問 AI 產業"),
}

# Metric names as readers of each language say them (the store's own labels are English).
METRICS: dict[str, tuple[str, str, str]] = {
    "capex": ("capex", "资本支出", "資本支出"),
    "revenue": ("revenue", "营收", "營收"),
    "loss": ("loss", "亏损", "虧損"),
    "net_profit": ("net profit", "净利润", "淨利潤"),
    "valuation": ("valuation", "估值", "估值"),
    "market_cap": ("market cap", "市值", "市值"),
    "investment": ("investment", "投资", "投資"),
    "stock_move": ("share price move", "股价", "股價"),
    "price": ("price", "价格", "價格"),
    "training_cost": ("training cost", "训练成本", "訓練成本"),
    "chip_spend": ("chip spend", "芯片采购", "晶片採購"),
    "gpu_count": ("GPU count", "GPU 数量", "GPU 數量"),
    "parameters": ("parameters", "参数量", "參數量"),
    "benchmark": ("benchmark", "评测", "評測"),
    "market_size": ("market size", "市场规模", "市場規模"),
    "compute": ("compute", "算力", "算力"),
    "growth": ("growth", "增长", "增長"),
    "gross_margin": ("gross margin", "毛利率", "毛利率"),
    "gross_profit": ("gross profit", "毛利润", "毛利"),
    "operating_margin": ("operating margin", "营业利润率", "營業利益率"),
    "operating_profit": ("operating profit", "营业利润", "營業利益"),
    "operating_cost": ("operating cost", "运营成本", "營運成本"),
    "net_margin": ("net margin", "净利率", "淨利率"),
    "adjusted_profit": ("adjusted profit", "经调整净利润", "經調整淨利"),
    "ebitda": ("EBITDA", "EBITDA", "EBITDA"),
    "r_and_d": ("R&D", "研发投入", "研發投入"),
    "cash": ("cash", "现金", "現金"),
    "eps": ("EPS", "每股收益", "每股盈餘"),
    "headcount": ("headcount", "员工人数", "員工人數"),
    "market_share": ("market share", "市场份额", "市占率"),
    "ipo_price": ("IPO price", "发行价", "發行價"),
    "ipo_proceeds": ("IPO proceeds", "募资额", "募資額"),
    "subscription": ("subscription multiple", "认购倍数", "認購倍數"),
    "tax": ("tax expense", "税项", "稅項"),
    "consensus": ("consensus estimate", "市场预期", "市場預期"),
    "utilization": ("capacity utilization", "产能利用率", "產能利用率"),
    "capacity": ("production capacity", "产能", "產能"),
    "shipments": ("shipments", "出货量", "出貨量"),
    "target_price": ("target price", "目标价", "目標價"),
    "dividend": ("dividend", "股息", "股息"),
    "shares_offered": ("shares offered", "发行股数", "發行股數"),
    "arr": ("ARR", "年化收入", "年化營收"),
    "other": ("other", "其他", "其他"),
}


def text(lang: Lang, key: str, **fields: object) -> str:
    """The catalogue entry `key` in `lang`, with `fields` filled in."""
    entry = CATALOGUE[key]
    template = entry[LANGS.index(lang)] if lang in LANGS else entry[0]
    return template.format(**fields) if fields else template


def metric_label(metric: str, lang: Lang = "en") -> str:
    """A metric's readable name ("capex", "资本支出", "資本支出")."""
    entry = METRICS.get(metric)
    if entry is None:
        return metric.replace("_", " ")
    return entry[LANGS.index(lang)] if lang in LANGS else entry[0]
