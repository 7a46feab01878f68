"""The README's Python example runs as written and gives the numbers its comments state."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_readme_example_runs_and_comments_hold(monkeypatch):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, re.S)
    assert block is not None
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(block.group(1), namespace)  # the example as a reader would paste it
    st = namespace["st"]
    assert st.per_visit_self_pay(18_000, D=0, r=0.1) == 1_800
    totals = st.period_totals(4, 18_000, r=0.1, premium=20_000)
    assert (totals.self_pay, totals.real_cost) == (7_200, 27_200)
    assert st.per_visit_self_pay(30_000, D=10_000, r=0.2, mode="max") == 10_000
    assert (st.parse_won("1,050만 원"), st.format_won(8_080_000)) == (10_500_000, "808만원")
    assert st.ceiling.limit(2023, 4, long_stay=True) == 2_270_000
    assert st.ceiling.refund(7_700_000, 2023, 4, long_stay=True) == 5_430_000
    grade = st.premium.surcharge_grade(1_200_000)
    assert (grade.grade, grade.relativity_ppm, grade.to_next) == (3, 2_000_000, 300_000)
    lines = namespace["lines"]
    claimed = lines[["covered_copay", "full_copay", "noncovered"]].sum(axis=1)
    assert (lines["payout"] + lines["self_pay"] == claimed).all()
