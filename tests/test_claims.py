"""Statements about Amazon's results, phrased as Taiwanese, mainland and English coverage phrase
them, each with the verdict the filings give. A false alarm here is a bug."""

from __future__ import annotations

import pytest

from caibao.claims.check import check_text
from caibao.facts.periods import parse_label

# Sentences out of articles on Amazon's fourth quarter of 2025: the article's reported period is
# given, as `caibao check --period 2025Q4` gives it where a text does not say.
Q4 = parse_label("2025Q4")


def verdicts(read_store, text: str):
    report = check_text(read_store, text, "AMZN", period=Q4)
    return [(c.quote, c.verdict, c.cause) for c in report.claims]


SUPPORTED = [
    # zh-Hant, Taiwanese sell-side phrasing
    "亞馬遜第四季營收為 2,134 億美元",
    "本季營收年增 14%",
    "2025年第四季度,亞馬遜營收季增 18%",
    "AWS 營業利益率達 35.0%",
    "北美營業利益率約 9%",
    "廣告營收 213.17 億美元,年增 23%",
    "2025年全年營收 7,169 億美元,年增 12%",
    "稅後淨利 212 億美元",
    "自由現金流(TTM)為 112 億美元",
    "AWS 營收 356 億美元,創 13 季以來最快成長",
    "單季營收首度突破 2,000 億美元",
    "營收超過 2,100 億美元",
    "營收不到 2,200 億美元",
    "2026年第一季營收財測為 1,735 億至 1,785 億美元",
    "International 營業利益年減 21%",
    "國際業務營業利益 10.4 億美元",
    "AWS 年化營收 run-rate 突破 1,420 億美元",
    "AWS 單季新增 26 億美元營收",
    "2024年全年稅後淨利 592 億美元",
    "營收年增 12%(排除匯率影響)",
    "亞馬遜第四季營收突破兩千億美元",
    "第四季營收兩千一百三十四億美元",
    # zh-Hans, mainland phrasing
    "亚马逊2025年第四季度实现营收2134亿美元",
    "2025年第四季度,亚马逊净利润212亿美元,同比增长6%",
    "AWS业务实现营业利润125亿美元",
    "北美地区销售额1270.83亿美元,同比增长10%",
    "稀释后每股收益为1.95美元",
    "2025年全年,AWS收入占比达到18%",
    "营业利润环比增长43%",
    "广告业务营收同比增长超过20%",
    "AWS营收增速创下13个季度以来新高",
    "亚马逊国际业务营业利润同比下降21%至10亿美元",
    # English
    "Amazon's fourth-quarter net sales rose 14% to $213.4 billion.",
    "Operating income was $25.0 billion in Q4 2025.",
    "AWS segment sales increased 24% year-over-year to $35.6 billion.",
    "AWS operating margin was 35.0%.",
    "Advertising services revenue was $21.3 billion, up 23%.",
    "Net income was about $21 billion.",
    "Amazon expects first-quarter 2026 net sales of $173.5 billion to $178.5 billion.",
    "Diluted EPS was $1.95 in 4Q25.",
    "Full-year 2025 net sales were $716.9 billion.",
]


@pytest.mark.parametrize("text", SUPPORTED)
def test_true_statements_are_supported(read_store, text):
    found = verdicts(read_store, text)
    assert found, text
    assert all(v == "supported" for _, v, _ in found), found


CONTRADICTED = [
    ("亞馬遜第四季營收為 2,314 億美元", "2,314 億美元", "one-digit typo"),
    ("北美營業利益 92.56 億美元", "92.56 億美元", "other period"),
    ("AWS 營業利益年增 18%", "18%", "wrong segment"),
    ("第四季營收 21,339 億美元", "21,339 億美元", "unit error"),
    ("國際營業利潤同比下降23%", "23%", "miscalculated"),
    ("营收环比增长14%", "14%", "wrong measure"),
    ("净利润同比增长16%", "16%", "miscalculated"),
    ("AWS 營收 507 億美元", "507 億美元", "wrong segment"),
    ("第三方卖家服务实现营收428.16亿美元", "428.16亿美元", "one-digit typo"),
    ("Net sales were $187.8 billion in Q4 2025.", "$187.8 billion", "other period"),
    ("AWS operating income rose 18%.", "18%", "wrong segment"),
    ("Operating income was $2.5 billion in the fourth quarter.", "$2.5 billion", "unit error"),
    ("AWS贡献了公司超过60%的营业利润", "60%", ""),
]


@pytest.mark.parametrize(("text", "quote", "cause"), CONTRADICTED)
def test_wrong_statements_are_contradicted_with_their_cause(read_store, text, quote, cause):
    found = verdicts(read_store, text)
    assert (quote, "contradicted", cause) in found, found


UNVERIFIABLE = [
    ("廣告營收年增 22%", "22%"),  # reported 23.3%; 22% is within the FX effect: maybe ex-FX
    ("微軟 Azure 營收成長 39%", "39%"),
    ("股價盤後下跌超過 10%", "10%"),
    ("AWS 排除匯率影響年增 23%", "23%"),
    ("裁員 1.4 萬人", "1.4 萬人"),
    ("非GAAP營業利益 300 億美元", "300 億美元"),
    ("公司預計 2026 年資本支出約 2,000 億美元", "2,000 億美元"),
    ("AWS backlog 達 2,440 億美元、年增 40%", "40%"),
    ("市場預期每股收益 1.97 美元", "1.97 美元"),
]


@pytest.mark.parametrize(("text", "quote"), UNVERIFIABLE)
def test_unverifiable_statements_are_not_judged(read_store, text, quote):
    found = verdicts(read_store, text)
    assert (quote, "unverifiable", "") in found, found


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("北美營業利益 92.56 億美元", None, "北美 營業利益 2025Q4:申報值 114.72 億美元(11,472 百萬美元)"),
        ("北美营业利润92.56亿美元", None, "北美 营业利润 2025Q4:申报值114.72亿美元(11,472百万美元)"),
        ("North America operating income was $9.3 billion.", None,
         "North America operating income 2025Q4: filed $11,472 million"),
        ("北美營業利益 92.56 億美元", "en", "North America operating income 2025Q4: filed $11,472 million"),
        ("股價下跌 10%", None, "「股價」不在申報資料中"),  # the article's own word, not the folded one
    ],
)  # fmt: skip
def test_explanations_in_the_readers_language(read_store, text, lang, expected):
    [claim] = check_text(read_store, text, "AMZN", lang=lang, period=Q4).claims
    assert claim.explanation.startswith(expected), claim.explanation
