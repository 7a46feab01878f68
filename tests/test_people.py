"""The formatting helper for people: money as a person reads it, safe HTML, no internal codes."""

from __future__ import annotations

import pandas as pd
import pytest

from silson_tools import people as pp
from silson_tools.errors import InputError


def test_money_texts():
    assert pp.won(12_000) == "12,000원"
    assert pp.man(8_080_000) == "808만원"
    assert pp.money(8_080_000) == "808만원" and pp.money(12_000) == "12,000원"
    assert pp.percent(0.2) == "20%" and pp.number(1_234_567) == "1,234,567"


def test_table_is_for_people_and_safe():
    df = pd.DataFrame(
        {
            "claim": [900_000],
            "payout_rate": [0.25],
            "zone": ["deductible"],
            "메모": ["$2 ~ *a* _b_"],
        },
        index=["gen4"],
    )
    html = pp.table(df)._repr_html_()
    assert "900,000원" in html and "25.0%" in html and "최소공제" in html
    assert "청구액 (claim)" in html and "gen4" not in html  # no index
    assert "mathjax_ignore" in html and "$2 ~ *a* _b_" in html
    assert "<td" in pp.table([{"이름": "<b>"}])._repr_html_()
    assert "&lt;b&gt;" in pp.table([{"이름": "<b>"}])._repr_html_()


def test_internal_code_header_is_refused():
    with pytest.raises(InputError, match="relativity_ppm"):
        pp.table(pd.DataFrame({"relativity_ppm": [1]}))
    assert (
        "상대도"
        in pp.table(pd.DataFrame({"relativity_ppm": [1]}), {"relativity_ppm": "상대도"}).html
    )


def test_escape_markdown():
    assert pp.escape_markdown("100만~150만 $2 a_b *c*") == r"100만\~150만 \$2 a\_b \*c\*"
