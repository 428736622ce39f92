"""The shapes in which financial prose states numbers, as real sentences, each with the reading
`check` must give it: the metric, member, period and measure the text says, and the verdict the
filings give (price-parser style: a table of strings and what they mean). Sentences come from the
filers' own MD&A, the labelled corpus's failure classes and the press's ways of writing, in
English, Traditional and Simplified Chinese. A supported row that goes contradicted is a false
alarm: the worst bug this product can have."""

from __future__ import annotations

import pytest

from caibao.claims.check import check_text
from caibao.facts.periods import parse_label

AMZN = "bundled"  # the bundled Amazon data; other filers come from ../shared/filings alone


@pytest.fixture
def stores(read_store, filings_store):
    return {"bundled": read_store, "filings": filings_store[0]}


def reading(stores, ticker: str, text: str, quote: str):
    store = stores["bundled" if ticker == "AMZN" else "filings"]
    report = check_text(store, text, ticker, lang="en")
    found = [c for c in report.claims if c.quote == quote]
    assert found, (quote, [c.quote for c in report.claims])
    return found[0]


# (ticker, sentence, figure, verdict, metric, member, period, measure)
READINGS = [
    # SUBJECT rose X% to $Y, in each language
    ("NFLX", "Netflix's revenue rose 16% to $11.08 billion in the second quarter of 2025.", "16%",
     "supported", "revenue", "", "2025Q2", "yoy"),
    ("NFLX", "Netflix's revenue rose 16% to $11.08 billion in the second quarter of 2025.", "$11.08 billion",
     "supported", "revenue", "", "2025Q2", "level"),
    ("NFLX", "奈飞2025年第二季度营收同比增长16%至110.8亿美元。", "110.8亿美元",
     "supported", "revenue", "", "2025Q2", "level"),
    ("NFLX", "Netflix 2025年第二季營收年增16%至110.8億美元。", "16%", "supported", "revenue", "", "2025Q2", "yoy"),
    # SUBJECT increased $X, or Y%: a change and its rate; the head of the phrase decides the metric
    ("TSLA", "Cost of automotive sales revenue decreased $3.25 billion, or 5%, in the year ended December 31, "
             "2024 as compared to the year ended December 31, 2023.", "$3.25 billion",
     "supported", "cost_of_sales", "Automotive Sales", "FY2024", "change"),
    ("TSLA", "Cost of automotive sales revenue decreased $3.25 billion, or 5%, in the year ended December 31, "
             "2024 as compared to the year ended December 31, 2023.", "5%",
     "supported", "cost_of_sales", "Automotive Sales", "FY2024", "yoy"),
    ("TSLA", "Cost of energy generation and storage revenue increased $2.55 billion, or 52%, "
             "in the year ended December 31, 2024 as compared to the year ended December 31, 2023.", "52%",
     "supported", "cost_of_sales", "Energy Generation and Storage", "FY2024", "yoy"),
    # "$X in 2024 compared to $Y in 2023, representing an increase of $Z": the change is the later year's
    ("TSLA", "Capital expenditures amounted to $11.34 billion in 2024 compared to $8.90 billion in 2023, "
             "representing an increase of $2.44 billion.", "$2.44 billion",
              "supported", "capex", "", "FY2024", "change"),
    ("TSLA", "Capital expenditures amounted to $11.34 billion in 2024 compared to $8.90 billion in 2023, "
             "representing an increase of $2.44 billion.", "$8.90 billion",
              "supported", "capex", "", "FY2023", "level"),
    # a cause is of the period its clause speaks of, not of the base it is compared with
    ("WMT", "Free cash flow for fiscal 2025 decreased when compared to fiscal 2024 due to an increase "
            "of $3.2 billion in capital expenditures to support our investment strategy.", "$3.2 billion",
     "supported", "capex", "", "FY2025", "change"),
    # up X% from a year ago and up Y% sequentially
    ("AMZN", "Net sales were $213.4 billion in the fourth quarter of 2025, "
             "up 14% from a year ago and up 18% sequentially.", "18%", "supported", "revenue", "", "2025Q4", "qoq"),
    ("AMZN", "Net sales were $213.4 billion in the fourth quarter of 2025, "
             "up 14% from a year ago and up 18% sequentially.", "14%", "supported", "revenue", "", "2025Q4", "yoy"),
    ("NFLX", "Netflix revenue grew 5% sequentially in the second quarter of 2025.", "5%",
     "supported", "revenue", "", "2025Q2", "qoq"),  # Q1 = 6M - Q2, derived and cited
    # A, B and C for X, Y and Z, respectively
    ("WMT", "We generated net cash provided by operating activities of $36.4 billion, "
            "$35.7 billion and $28.8 billion for fiscal 2025, 2024 and 2023, respectively.", "$28.8 billion",
     "supported", "operating_cash_flow", "", "FY2023", "level"),
    ("META", "In 2024, Family of Apps and Reality Labs revenue was $162.36 billion and $2.15 billion, respectively.",
     "$2.15 billion", "supported", "revenue", "Reality Labs", "FY2024", "level"),
    ("NFLX", "Revenues for the three and six months ended June 30, 2025 increased 16% and 14%, "
             "respectively, as compared to "
             "the same periods in 2024.", "14%", "supported", "revenue", "", "6M2025", "yoy"),
    # SUBJECT as a percentage of revenue, from A% to B%
    ("NVDA", "Research and development expenses as a percentage of revenue decreased "
             "from 14% in fiscal year 2024 to "
             "10% in fiscal year 2025.", "10%", "supported", "research_and_development", "", "FY2025", "margin"),
    # X% of total revenue
    ("META", "Reality Labs accounted for about 1% of total revenue in 2024.", "1%",
     "supported", "revenue", "Reality Labs", "FY2024", "share"),
    # $X, or $Y per diluted share
    ("META", "Net income was $62.36 billion, "
             "with diluted earnings per share (EPS) of $23.86 "
             "for the year ended December 31, 2024.", "$23.86", "supported", "eps_diluted", "", "FY2024", "level"),
    ("META", "Net income was $62.36 billion, "
             "with diluted earnings per share (EPS) of $23.86 "
             "for the year ended "
             "December 31, 2024.", "$62.36 billion", "supported", "net_income", "", "FY2024", "level"),
    # 營收達X億美元,年增Y%,季增Z%; 占…的X成; 较上一季度增加X; 利益率為X%,年增Y個百分點
    ("AMZN", "亞馬遜2025年第四季營收達2,134億美元,年增14%,季增18%。", "18%",
     "supported", "revenue", "", "2025Q4", "qoq"),
    ("AMZN", "2025年第四季,AWS貢獻了約5成的營業利益。", "5成",
     "supported", "operating_income", "AWS", "2025Q4", "share"),
    ("AMZN", "2025年第四季度亚马逊营收较上一季度增加332亿美元。", "332亿美元",
     "supported", "revenue", "", "2025Q4", "change"),
    ("NFLX", "網飛2024年營業利益率為26.7%,年增6.1個百分點。", "6.1個百分點",
     "supported", "operating_income", "", "FY2024", "pp"),
    ("TSLA", "特斯拉2024年毛利率为17.9%。", "17.9%", "supported", "gross_profit", "", "FY2024", "margin"),
    # periods: a dateline, halves, fiscal years that are not calendar years
    ("TSLA", "AUSTIN, Texas, July 23, "
             "2025 - Tesla Inc said on Wednesday that second-quarter "
             "revenue fell 12% to $22.50 billion.", "$22.50 billion", "supported", "revenue", "", "2025Q2", "level"),
    ("TSLA", "特斯拉2025年上半年营收为418.3亿美元。", "418.3亿美元", "supported", "revenue", "", "6M2025", "level"),
    ("NVDA", "NVIDIA Data Center revenue was $41.1 billion in the second quarter of fiscal 2026.", "$41.1 billion",
     "supported", "revenue", "Data Center", "2026Q2", "level"),
    ("AAPL", "Apple's net sales were $94.0 billion in the third quarter of fiscal 2025.", "$94.0 billion",
     "supported", "revenue", "", "2025Q3", "level"),
    # members as each language names them; the company's own name as subject
    ("META", "Meta現實實驗室2024年營業虧損177億美元。", "177億美元",
     "supported", "operating_income", "Reality Labs", "FY2024", "level"),
    ("META", "Meta应用家族2024年营业利润871亿美元。", "871亿美元",
     "supported", "operating_income", "Family of Apps", "FY2024", "level"),
    ("NVDA", "輝達2026財年第二季資料中心營收411億美元。", "411億美元",
     "supported", "revenue", "Data Center", "2026Q2", "level"),
    ("AAPL", "蘋果2025財年第三季大中華區營收153.7億美元。", "153.7億美元",
     "supported", "revenue", "Greater China", "2025Q3", "level"),
    ("NFLX", "奈飞2025年第二季度亚太地区营收13.1亿美元。", "13.1亿美元",
     "supported", "revenue", "Asia-Pacific", "2025Q2", "level"),
    ("NFLX", "網飛2025年第二季美國和加拿大營收49.3億美元。", "49.3億美元",
     "supported", "revenue", "United States and Canada", "2025Q2", "level"),
    ("TSLA", "特斯拉2024年能源發電與儲存營收101億美元。", "101億美元",
     "supported", "revenue", "Energy Generation and Storage", "FY2024", "level"),
    ("TSLA", "特斯拉2024年汽车业务营收为771亿美元。", "771亿美元",
     "supported", "revenue", "Total automotive revenues", "FY2024", "level"),
    ("GOOGL", "Google's revenue was $350.0 billion in 2024.", "$350.0 billion",
     "supported", "revenue", "", "FY2024", "level"),
    ("WMT", "Walmart's net sales were $674.5 billion in fiscal 2025.", "$674.5 billion",
     "supported", "contract_revenue", "", "FY2025", "level"),
    ("GOOGL", "谷歌2024年云服务营收432亿美元。", "432亿美元",
     "supported", "revenue", "Google Cloud", "FY2024", "level"),
    # margins of a segment on its own sales; a loss's growth on the loss
    ("AMZN", "AWS operating margin was 35.0% in the fourth quarter of 2025.", "35.0%",
     "supported", "operating_income", "AWS", "2025Q4", "margin"),
    ("META", "Reality Labs operating loss widened 10% in 2024.", "10%",
     "supported", "operating_income", "Reality Labs", "FY2024", "yoy"),
    # tables: row label, column head, unit line
    ("META", "| 單位：百萬美元 | 2024年 | 2023年 |\n|---|---|---|\n| 應用程式家族營業利益 | 87,109 | 62,871 |\n"
             "| 現實實驗室營業損益 | -17,729 | -16,120 |", "-17,729",
     "supported", "operating_income", "Reality Labs", "FY2024", "level"),
    # fiscal quarters as Taiwan writes them (會計年度), after an epithet naming the company
    ("NVDA", "輝達2026會計年度第二季營收為467.4億美元。", "467.4億美元", "supported", "revenue", "", "2026Q2", "level"),
    ("NVDA", "AI晶片龍頭輝達2026會計年度第二季營收為467.4億美元。", "467.4億美元",
     "supported", "revenue", "", "2026Q2", "level"),
    # the level named right after the comparison is the compared period's ("較去年同期的", "上年为")
    ("TSLA", "特斯拉2024年資本支出為113.4億美元,較去年同期的89.0億美元增加。", "89.0億美元",
     "supported", "capex", "", "FY2023", "level"),
    ("AMZN", "亚马逊2024年营收为6380亿美元,上年为5748亿美元。", "5748亿美元",
     "supported", "revenue", "", "FY2023", "level"),
    # a span's start ("以来") is no period of the figure
    ("AMZN", "亚马逊2025年第四季度营收同比增长14%,增速为2022年以来最高。", "14%",
     "supported", "revenue", "", "2025Q4", "yoy"),
    # a name that covers two members reads as either ("汽車業務": automotive revenues or segment)
    ("TSLA", "特斯拉2025年第二季汽車業務營收為166.6億美元。", "166.6億美元",
     "supported", "revenue", "Total automotive revenues", "2025Q2", "level"),
    # the shareholders' share of net income
    ("WMT", "Consolidated net income attributable to Walmart was $19.4 billion in fiscal 2025.", "$19.4 billion",
     "supported", "net_income", "", "FY2025", "level"),
    # cents a share are dollars
    ("TSLA", "Tesla earned 33 cents per diluted share in the second quarter of 2025.", "33 cents",
     "supported", "eps_diluted", "", "2025Q2", "level"),
    # a relative clause listing products does not change what the line is
    ("AAPL", "Revenue from Wearables, Home and Accessories, which includes AirPods, "
             "Apple Watch and Beats products, was $37.0 billion in fiscal 2024.", "$37.0 billion",
     "supported", "revenue", "Wearables, Home and Accessories", "FY2024", "level"),
    # "$X in A and $Y in B": each figure is what follows it
    ("IBM", "In the first six months of 2025, "
            "we generated $6.1 billion in cash from operations "
            "and $4.8 billion in "
            "free cash flow.", "$6.1 billion", "supported", "operating_cash_flow", "", "6M2025", "level"),
    ("META", "In 2024, the increase was due to $91.33 billion of cash generated from operations "
             "and $10.43 billion of net proceeds from the issuance of notes.", "$91.33 billion",
     "supported", "operating_cash_flow", "", "FY2024", "level"),
    ("META", "In 2024, the Family of Apps segment generated operating income "
             "of $87.1 billion on revenue "
             "of $162.4 billion.", "$162.4 billion", "supported", "revenue", "Family of Apps", "FY2024", "level"),
    # per-share figures after a base: of the base, of its period ("from $16.6 billion, or 67 cents per share,
    # a year earlier"); a figure in billions is never per share
    ("NVDA", "In the second quarter of fiscal 2026, net income rose 59% to $26.4 billion, "
             "or $1.08 per diluted share, from $16.6 billion, or 67 cents per share, a year earlier.", "$16.6 billion",
     "supported", "net_income", "", "2025Q2", "level"),
    ("NVDA", "In the second quarter of fiscal 2026, net income rose 59% to $26.4 billion, "
             "or $1.08 per diluted share, from $16.6 billion, or 67 cents per share, a year earlier.", "67 cents",
     "supported", "eps_diluted", "", "2025Q2", "level"),
    ("NVDA", "Net income rose 59% to $26.4 billion, or $1.08 per diluted share, from $16.6 billion, "
             "or 67 cents per share, a year earlier, in the second quarter of fiscal 2026.", "$26.4 billion",
     "supported", "net_income", "", "2026Q2", "level"),
    ("WMT", "In fiscal 2025, "
            "consolidated net income attributable to Walmart rose 25% to $19.4 billion from $15.5 billion, "
            "or $2.41 per diluted share, compared with $1.91 a year earlier.", "$1.91",
     "supported", "eps_diluted", "", "FY2024", "level"),
    # "second-quarter fiscal 2026", and a rate word after its direction ("6% higher sequentially")
    ("NVDA", "Nvidia reported second-quarter fiscal 2026 revenue of $46.7 billion, "
             "up 56% from a year earlier and "
             "6% higher sequentially.", "6%", "supported", "revenue", "", "2026Q2", "qoq"),
    # the level after a comparison named by a period is that period's; the rate after it the figure's
    ("GOOGL", "Alphabet 2024年營業利益1,123.90億美元，較前一年的842.93億美元成長33%。", "842.93億美元",
     "supported", "operating_income", "", "FY2023", "level"),
    ("GOOGL", "Alphabet 2024年營業利益1,123.90億美元，較前一年的842.93億美元成長33%。", "33%",
     "supported", "operating_income", "", "FY2024", "yoy"),
    ("META", "Meta 2024年营业利润率达42.2%，较上年的34.7%提升7.5个百分点。", "7.5个百分点",
     "supported", "operating_income", "", "FY2024", "pp"),
    ("NVDA", "輝達2025財年毛利率 75.0%，較上一財年的 72.7% 提升 2.3 個百分點。", "72.7%",
     "supported", "gross_profit", "", "FY2024", "margin"),
    ("GOOGL", "Alphabet 2024年每股純益（EPS）8.04美元，優於前一年的5.80美元。", "5.80美元",
     "supported", "eps_diluted", "", "FY2023", "level"),
    # a share of total revenue is of revenue, whatever the figure before measured
    ("WMT", "沃爾瑪美國2025財年營業利益238.82億美元，年增7.8%，佔總營收比重約68%。", "68%",
     "supported", "revenue", "Walmart U.S.", "FY2025", "share"),
    ("GOOGL", "Google Cloud 2024年營收432.29億美元，年增30.6%，佔總營收比重12.4%。", "12.4%",
     "supported", "revenue", "Google Cloud", "FY2024", "share"),
    # a margin "from" another is the year before's
    ("AMZN", "In the fourth quarter of 2025, AWS operating margin narrowed to 35.0% from 36.9%.", "36.9%",
     "supported", "operating_income", "AWS", "2024Q4", "margin"),
    ("NVDA", "Gross margin for fiscal 2025 was 75.0%, "
             "up 2.3 percentage points from 72.7%, "
             "or about 230 basis points.", "230 basis points", "supported", "gross_profit", "", "FY2025", "pp"),
    # a trailing period after a base dates the base, not the figures before it
    ("AAPL", "Net income for fiscal 2024 was $93.74 billion, or $6.08 per diluted share, "
             "compared with $97.00 billion, or $6.13 per diluted share, in fiscal 2023.", "$6.08",
     "supported", "eps_diluted", "", "FY2024", "level"),
    ("TSLA", "In the second quarter of 2025, net income fell 16% to $1.17 billion, "
             "or 33 cents a share, from $1.40 billion, "
             "or 40 cents, a year earlier.", "40 cents", "supported", "eps_diluted", "", "2024Q2", "level"),
    ("AAPL", "In the fourth quarter of fiscal 2024, total net sales were $94.93 billion, "
             "compared with $89.50 billion "
             "in the year-ago quarter.", "$89.50 billion", "supported", "revenue", "", "2023Q4", "level"),
    # what a pronoun points back at: the one member the sentence before named
    ("TSLA", "In the second quarter of 2025, the energy generation and storage business held up. "
             "Its revenue declined 7% to $2.79 billion.", "$2.79 billion",
     "supported", "revenue", "Energy Generation and Storage", "2025Q2", "level"),
    # "$X of revenue" is revenue; "spent $Y on property and equipment" is capex
    ("NFLX", "In 2024, in the United States and Canada, "
             "Netflix had 89.63 million paid members "
             "and $17.36 billion "
             "of revenue.", "$17.36 billion", "supported", "revenue", "United States and Canada", "FY2024", "level"),
    ("NFLX", "In 2024, the company generated $7.36 billion of cash from operations "
             "and spent $440 million on "
             "property and equipment.", "$440 million", "supported", "capex", "", "FY2024", "level"),
    # trailing twelve months opening a sentence hold for all of it
    ("AMZN", "亚马逊2025年第四季度，过去十二个月经营现金流1,395.14亿美元，同比增长20%；"
             "自由现金流112亿美元，较去"
             "年同期的382亿美元大幅下降。", "382亿美元", "supported", "free_cash_flow", "", "2024Q4", "level"),
    # a space after a figure ends a clause in a Chinese headline
    ("META", "Meta 2024年营收1645亿美元同比增22% 净利润大增近六成", "22%", "supported", "revenue", "", "FY2024", "yoy"),
    # Hong Kong words
    ("AAPL", "蘋果2024財年第四財季純利147.36億美元，"
             "按年急挫35.8%。", "35.8%", "supported", "net_income", "", "2024Q4", "yoy"),
    # a figure of a comparison with its own period in brackets: the bracket's period is its own
    ("TSLA", "公司发布2024年年报：归母净利润70.9亿美元，同比下降52.7%，"
             "摊薄EPS为2.04美元（2023年为4.30美元）", "2.04美元",
     "supported", "eps_diluted", "", "FY2024", "level"),
    ("GOOGL", "Alphabet FY2024 diluted EPS US$8.04（FY2023: US$5.80），YoY +38.6%。", "US$5.80",
     "supported", "eps_diluted", "", "FY2023", "level"),
    # a remark comparing with a year frames nothing; "從X%拉升至Y%" is from the year before to this one
    ("AMZN", "亞馬遜2024年全年營收6,379.6億美元，年增11.0%，成長率和2023年相差不大；但營業利益達685.9億美元，"
             "較2023年的368.5億美元大增86.1%，"
             "營業利益率從6.4%拉升至10.8%。", "10.8%", "supported", "operating_income", "", "FY2024", "margin"),
    ("GOOGL", "Alphabet FY2024 diluted EPS US$8.04，Google Cloud operating margin 從 5.2% 升至 14.1%。", "5.2%",
     "supported", "operating_income", "Google Cloud", "FY2023", "margin"),
    # results measured against guidance are results; guidance right after its word is guidance
    ("AMZN", "- **4Q25 營收優於財測上緣**：Amazon 4Q25 營收 2,133.9 億美元，"
             "略高於公司原財測區間 2,060–2,130 億美元之上緣。",
     "2,133.9 億美元", "supported", "revenue", "", "2025Q4", "level"),
    ("AMZN", "亞馬遜展望2025年第一季，公司給出的第一季營業利益財測是140億至180億美元，低於2024年第四季的212.0億美元。",
     "212.0億美元", "supported", "operating_income", "", "2024Q4", "level"),
    # trailing twelve months, before or after the figure
    ("AMZN", "4Q25 資本支出 395.2 億美元；近四季自由現金流降至 111.9 億美元。", "111.9 億美元",
     "supported", "free_cash_flow", "", "2025Q4", "level"),
    ("AMZN", "In the third quarter of 2025, "
             "operating cash flow increased 16% to $130.7 "
             "billion for the trailing twelve months.", "16%", "supported", "operating_cash_flow", "", "2025Q3", "yoy"),
    # a yearless "six months" in a filing on a quarter is the half it ends
    ("TSLA", "In the second quarter of 2025 report: for the six months, "
             "automotive sales revenue decreased $6.28 billion, "
             "or 18%, compared to the same period last year.", "18%",
     "supported", "revenue", "Automotive Sales", "6M2025", "yoy"),
    # shares: "比重由X降到Y", an opening "As a percentage of revenue,"
    ("AMZN", "亞馬遜2024年AWS佔公司營業利益的比重反而由2023年的66.8%降到58.1%。", "66.8%",
     "supported", "operating_income", "AWS", "FY2023", "share"),
    ("TSLA", "In the second quarter of 2025, as a percentage of revenue, SG&A rose to 6.1% from 5.0%.", "5.0%",
     "supported", "selling_general_and_administrative", "", "2024Q2", "margin"),
    # a change noun with an amount; "the year before"; "the third quarter of last year"
    ("AMZN", "In the third quarter of 2025, "
             "our sequential dollar growth in AWS was about $2.1 billion.", "$2.1 billion",
     "supported", "revenue", "AWS", "2025Q3", "change"),
    ("TSLA", "Diluted earnings per share were $2.04 in 2024, versus $4.30 the year before.", "$4.30",
     "supported", "eps_diluted", "", "FY2023", "level"),
    ("AMZN", "In the third quarter of 2025, "
             "North America operating margin of 4.5% looks lower than the "
             "5.9% we reported in the third "
             "quarter of last year.", "5.9%", "supported", "operating_income", "North America", "2024Q3",
     "margin"),
    # a Chinese list after 分別 pairs with nothing it names: unjudged, and the figures before it stand
    ("AMZN", "亞馬遜2024年AWS全年營收1,075.6億美元，年增18.5%，"
             "四個季度的年增率分別為17.2%、18.7%、19.1%、18.9%。", "18.5%",
     "supported", "revenue", "AWS", "FY2024", "yoy"),
    # fourth round: 這一季 is this quarter; a list shares its first item's period; losses a share
    ("AMZN", "亞馬遜2022年第四季財報：去年同期淨利是143億美元、每股賺1.39美元。", "1.39美元",
     "supported", "eps_diluted", "", "2021Q4", "level"),
    ("AMZN", "亞馬遜2022年全年淨虧損27億美元，每股虧損0.27美元。", "0.27美元", "supported", "eps_diluted", "", "FY2022",
     "level"),
    ("AMZN", "In the second quarter of 2023, Amazon posted net income of $6.75 billion, or 65 cents per diluted "
             "share, compared with a loss of $2.03 billion, or 20 cents a share, a year earlier.", "20 cents",
     "supported", "eps_diluted", "", "2022Q2", "level"),
    ("AMZN", "亞馬遜2022年第四季，被視為金雞母的雲端部門AWS，本季營收213.8億美元。", "213.8億美元",
     "supported", "revenue", "AWS", "2022Q4", "level"),
    ("WMT", "2025财年，沃尔玛总营收6809.9亿美元，上年为6481.3亿美元，同比增长5.1%。", "5.1%",
     "supported", "revenue", "", "FY2025", "yoy"),
    ("TSLA", "In the second quarter of 2025, within the automotive segment, gross margin slipped to 15.4% from "
             "17.1%.", "15.4%", "supported", "gross_profit", "Automotive", "2025Q2", "margin"),
    ("TSLA", "In the second quarter of 2025 report, the 2Q24 net income shown above ($1.40 billion, or $0.40 per "
             "diluted share) is the restated figure.", "$0.40", "supported", "eps_diluted", "", "2024Q2", "level"),
    # fifth round: a year opening a clause after "；", a direction after the points, 增速較上季度的X%
    ("NFLX", "回顧過去，Netflix在2024全年營收為390.01億美元、營業利益104.18億美元；更早的2022年營收僅316.16億美元，"
             "淨利44.92億美元。", "44.92億美元", "supported", "net_income", "", "FY2022", "level"),
    ("TSLA", "In the second quarter of 2025, the operating margin was 4.1%, about 2.2 percentage points lower than "
             "the 6.3% a year earlier.", "2.2 percentage points", "supported", "operating_income", "", "2025Q2", "pp"),
    ("AMZN", "亚马逊2025年第一季度AWS云服务销售额292.67亿美元，同比增长17%，增速较上季度的19%有所放缓。", "19%",
     "supported", "revenue", "AWS", "2024Q4", "yoy"),
    ("AMZN", "亚马逊2024年第二季度营收1,479.8亿美元。整体营业利润率从上年同期的5.7%升至9.9%。", "9.9%",
     "supported", "operating_income", "", "2024Q2", "margin"),
    ("AMZN", "亚马逊2024年第二季度营收1,479.8亿美元。截至6月底的过去十二个月，经营活动现金流增长75%至1,079.52亿美元，"
             "自由现金流为529.73亿美元，上年同期仅78.78亿美元。", "78.78亿美元",
     "supported", "free_cash_flow", "", "2023Q2", "level"),
    # a cause opened by 主要由于 is no figure of its own
    ("AMZN", "亚马逊2025年第四季度营业利润为250亿美元,主要由于AWS利润增长。", "250亿美元",
     "supported", "operating_income", "", "2025Q4", "level"),
]  # fmt: skip


@pytest.mark.parametrize(("ticker", "text", "quote", "verdict", "metric", "member", "period", "measure"), READINGS)
def test_reading(stores, ticker, text, quote, verdict, metric, member, period, measure):
    claim = reading(stores, ticker, text, quote)
    assert (claim.verdict, claim.metric, claim.segment, str(claim.period), claim.measure) == (
        verdict, metric, member, period, measure), claim.explanation  # fmt: skip


# Wrong figures, each with the cause caibao gives.
CONTRADICTED = [
    # a figure whose rounding only touches the filed one's is wrong: 2.42 covers 2.415–2.425, 2.41 2.405–2.415
    ("WMT", "沃尔玛2025财年稀释每股收益2.42美元。", "2.42美元", "one-digit typo"),
    ("NFLX", "網飛2024年營業利益率為26.7%,年增5.9個百分點。", "5.9個百分點", "miscalculated"),
    ("META", "Meta 2024年广告营收1,604亿美元。", "1,604亿美元", "one-digit typo"),
    ("TSLA", "Tesla's revenue was $97.7 billion in 2023.", "$97.7 billion", "other period"),
    ("AMZN", "AWS operating income rose 18% in the fourth quarter of 2025.", "18%", "wrong segment"),
    ("NFLX", "Netflix's revenue rose 16% sequentially in the second quarter of 2025.", "16%", "wrong measure"),
]


@pytest.mark.parametrize(("ticker", "text", "quote", "cause"), CONTRADICTED)
def test_contradicted(stores, ticker, text, quote, cause):
    claim = reading(stores, ticker, text, quote)
    assert (claim.verdict, claim.cause) == ("contradicted", cause), claim.explanation


# Numbers whose text does not say what they are, or says they are no filed figure: never judged.
# (ticker, sentence, figure, words of the reason given)
UNVERIFIABLE = [
    ("NVDA", "Data Center revenue for the second quarter of fiscal 2026 "
             "reflected a $4.0 billion reduction in H20 sales.", "$4.0 billion", "'H20'"),
    ("NVDA", "Gross margin in the second quarter of fiscal 2026 benefited from a provision release of $180 million.",
     "$180 million", "an effect on the figure"),
    ("TSLA", "Tesla delivered 1.79 million vehicles in 2024.", "1.79 million vehicles", "not in the filings"),
    ("NFLX", "Netflix second-quarter revenue rose 16% to $11.08 billion.", "$11.08 billion", "no period"),
    ("AMZN", "亚马逊2025年第四季度营收为1,900亿欧元。", "1,900亿欧元", "currency"),
    ("IBM", "We gained market share across each of our key solutions, "
            "led by OpenShift which grew revenue more than 20 "
            "percent in the second quarter of 2025.", "20 percent", "'OpenShift'"),
    ("IBM", "Distributed Infrastructure revenue decreased 15.1 percent as reported in the second quarter of 2025.",
     "15.1 percent", "'Distributed Infrastructure'"),
    ("IBM", "In the second quarter of 2025, "
            "Infrastructure segment profit of $965 million increased 47.6 percent and segment profit "
            "margin of 23.3 percent increased 5.4 points compared to the prior-year period.",
     "23.3 percent", "which margin"),
    ("AMZN", "AWS revenue has grown 80% since 2021.", "80%", "since 2021"),
    ("NFLX", "Revenues in the second quarter of 2025 would have been $1,424 million "
             "higher had foreign currency exchange rates remained constant.", "$1,424 million", "would have"),
    ("AMZN", "Analysts expect Amazon's revenue of $180 billion in the first quarter of 2026.", "$180 billion",
     "estimate"),
    ("AMZN", "Microsoft's Azure revenue grew 39% in the fourth quarter of 2025.", "39%", "Azure"),
    ("META", "Trends in Our Revenue by User Geography\n\nIn 2024, revenue increased by 18% in United States & Canada, "
             "26% in Europe, 22% in Asia-Pacific, and 31% in Rest of World, in each case relative to 2023.",
     "18%", "User Geography"),
    ("AMZN", "Amazon's profit was $21.2 billion in the fourth quarter of 2025.", "$21.2 billion", "operating or net"),
    ("AMZN", "亚马逊2025年第四季度营业费用为1,884亿美元。", "1,884亿美元", "cost of revenue"),
    ("IBM", "For the first six months of 2025, operating retirement-related costs were $499 million, "
            "a decrease of $11 million compared to the prior-year period, "
            "primarily driven by lower service cost ($21 million) partially offset by "
            "increased cost of defined contribution plans ($10 million).", "$10 million", "clear"),
    ("AMZN", "Amazon employed about 1.55 million people at the end of 2025.", "1.55 million people", "count"),
    ("AMZN", "亞馬遜股價2025年上漲5%。", "5%", "股價"),
    ("TSLA", "Tesla's margin improved to 17.9% in 2024.", "17.9%", "which margin"),
    ("AMZN", "The fourth quarter of 2025 saw operating income of $25.0 "
             "billion excluding a $2.5 billion special charge.", "$25.0 billion", "non-GAAP"),
    ("IBM", "In the second quarter of 2025, on an adjusted basis, "
            "the company earned $2.80 per share, ahead of expectations of $2.64.", "$2.80", "non-GAAP"),
    ("AMZN", "亚马逊2025年第四季度营收约合人民币15,000亿元。", "人民币15,000亿元", "another currency"),
    ("TSLA", "In the second quarter of 2025 report, the company originally reported $1.48 billion, or $0.42 per "
             "diluted share, for 2Q24.", "$0.42", "since restated"),
    ("AMZN", "亞馬遜2022年第四季，強勢美元這一季就讓營收少了大約50億美元。", "50億美元", "強勢美元"),
    # another filer caibao has names for, even with only Amazon's data installed
    ("AMZN", "In the second quarter of 2023, Apple said its revenue fell 1% to $81.8 billion.", "$81.8 billion",
     "Apple"),
    ("GOOGL", "管理層在 call 上說 2025 capex 約 US$75bn，"
              "consensus 目前預期 FY2025 revenue 約 US$395bn、EPS US$9.0 左右。",
     "US$9.0", "estimate"),
    ("NVDA", "| | Q3 FY26E | FY26E | FY27E |\n|---|---|---|---|\n| Diluted EPS | $1.26 | $4.52 | $6.40 |", "$4.52",
     "estimate"),
    ("AMZN", "亞馬遜2024年AWS全年營收1,075.6億美元，年增18.5%，"
             "四個季度的年增率分別為17.2%、18.7%、19.1%、18.9%。", "19.1%",
     "'respectively'"),
    ("GOOGL", "Alphabet 2024年全年營收3,500.18億美元，換算新台幣約11.5兆元（以1美元兌32.8元新台幣計）。", "1美元",
     "exchange rate"),
    ("META", "Meta 2024年现实实验室营业亏损177.29亿美元，自2020年以来累计亏损已超过600亿美元。", "600亿美元", "spans"),
    ("NFLX", "In the second quarter of 2025: - Earnings per share: $7.19 vs. $7.08 expected", "$7.08", "estimate"),
    ("AMZN", "In the third quarter of 2024, at $186 per share, AMZN trades at about 36x.", "$186", "share price"),
    ("TSLA", "In the second quarter of 2025, the weakest line was regulatory credits. "
             "Tesla said the outlook is worse. That revenue fell 51% to $595 million.", "51%", "'That'"),
    ("AMZN", "亞馬遜2025年第四季營收約新台币5.6兆元。", "新台币5.6兆元", "another currency"),
    ("AMZN", "亚马逊2025年第四季度若剔除一次性费用,营业利润将达到270亿美元。", "270亿美元", "would have happened"),
    ("AMZN", "Amazon took a $2.5 billion charge in the fourth quarter of 2025.", "$2.5 billion", "'charge'"),
    ("IBM", "In the first six months of 2025, "
            "we generated $6.1 billion in cash from operations "
            "and $4.8 billion in free cash flow.", "$4.8 billion", "free cash flow"),
    ("META", "In 2024, the increase was due to $91.33 billion of cash generated from operations "
             "and $10.43 billion of net proceeds from the issuance of notes.", "$10.43 billion", "'net proceeds'"),
    ("META", "In 2024, these increases were offset by $39.23 billion of capital expenditures, "
             "including principal payments on finance leases, and $13.77 billion of taxes paid.", "$39.23 billion",
     "'including principal payments on finance leases'"),
]  # fmt: skip


@pytest.mark.parametrize(("ticker", "text", "quote", "why"), UNVERIFIABLE)
def test_unverifiable(stores, ticker, text, quote, why):
    claim = reading(stores, ticker, text, quote)
    assert claim.verdict == "unverifiable" and why in claim.explanation, claim.explanation


# Readings that depend on the article around the sentence: what --period (or the dateline) gives.
# (ticker, text, article period, figure, verdict, member, period read)
IN_ARTICLE = [
    # "上季" in a results headline is the quarter just reported (or the one before: both are read)
    ("AAPL", "蘋果上季營收年增10% iPhone、Mac雙雙優於預期\n\n蘋果公布2025會計年度第3季財報。", "2025Q3", "10%",
     "supported", "", "2025Q3"),
    # a headline on the outlook heads nothing reported: the next sentences stay in the reported quarter
    ("NVDA", "Nvidia forecasts third-quarter revenue above estimates\n\n"
             "Data center revenue rose 56% to $41.1 billion in the quarter ended July 27. "
             "Within the unit, networking revenue jumped 98% to $7.3 billion.",
     "2026Q2", "$7.3 billion", "supported", "Networking", "2026Q2"),
    # a dateline's quarter, named first, over a comparison's year further on
    ("AMZN", "Amazon Sales Rise\n\nSEATTLE, Aug. 1, 2025 — Amazon.com Inc. reported second-quarter net sales of "
             "$167.7 billion on Thursday. Net income rose to $18.2 billion, or $1.68 a diluted share, compared with "
             "$13.5 billion, or $1.26 a share, in the second quarter of 2024.", "2025Q2", "$167.7 billion",
     "supported", "", "2025Q2"),
    # a paragraph's label holds for its paragraph; guidance without a period is the next quarter's
    ("AMZN", "$AMZN Q4'25 thread\n\n7/ Full year FY25: Rev $716.9B (+12%). "
             "OI $80.0B (+17%), op margin 11.2%.\n"
             "\n8/ Cash: OI $25.0B.", "2025Q4", "$80.0B", "supported", "", "FY2025"),
    ("AMZN", "$AMZN Q4'25 thread\n\n6/ International: Rev $50.7B (+17% Y/Y). OI $1.04B, margin 2.1% vs 3.0% LY.",
     "2025Q4", "$1.04B", "supported", "International", "2025Q4"),
    ("AMZN", "Amazon beats estimates\n\nSEATTLE, Feb 5, "
             "2026 (Reuters) - Net sales in the fourth quarter rose 14% to $213.4 billion. "
             "It forecast net sales of between $173.5 billion and $178.5 billion.", "2025Q4",
     "$178.5 billion", "supported", "", "2026Q1"),
    # a cashtag's closing sign is no dollar
    ("META", "$Meta Platforms(META)$ 2024全年财报速览\n"
             "\n营收1,645亿美元，同比+22%。", "FY2024", "1,645亿美元", "supported", "",
     "FY2024"),
    # a regulator's name is no region ("美国联邦贸易委员会" is not "美国")
    ("AMZN", "亚马逊2025年第三季度营业利润受到两项特殊费用影响:与美国联邦贸易委员会达成和解的25亿美元法律费用。",
     "2025Q3", "25亿美元", "unverifiable", "", "2025Q3"),
]  # fmt: skip


@pytest.mark.parametrize(("ticker", "text", "article", "quote", "verdict", "member", "period"), IN_ARTICLE)
def test_in_article(stores, ticker, text, article, quote, verdict, member, period):
    store = stores["bundled" if ticker == "AMZN" else "filings"]
    report = check_text(store, text, ticker, lang="en", period=parse_label(article))
    claim = next(c for c in report.claims if c.quote == quote)
    assert (claim.verdict, claim.segment, str(claim.period)) == (verdict, member, period), claim.explanation


def test_a_datelines_quarter_named_first_is_the_one_reported(stores):
    """ "SEATTLE, Aug. 1, 2025 — ... second-quarter ..., compared with ... in the second quarter of
    2024": the article reports 2025Q2, not the year-ago quarter its comparison names (a regression:
    this one phrase once turned 44 correct figures of an article into false alarms)."""
    text = (
        "Amazon Sales Rise\n\nSEATTLE, Aug. 1, 2025 — Amazon.com Inc. reported second-quarter net sales of $167.7 "
        "billion on Thursday. Net income rose to $18.2 billion, or $1.68 a diluted share, compared with $13.5 billion, "
        "or $1.26 a share, in the second quarter of 2024."
    )
    report = check_text(stores["bundled"], text, "AMZN", lang="en")
    assert str(report.period) == "2025Q2"
    assert {c.quote: c.verdict for c in report.claims}["$167.7 billion"] == "supported"
