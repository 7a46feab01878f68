"""The domain runs without the teaching stack: no matplotlib, ipywidgets or IPython.

A fresh interpreter imports silson_tools and runs receipts → assess → ceiling → premium;
afterwards none of the UI libraries may be in ``sys.modules``. Views live in
``silson_tools.teaching`` (and the US plans' views import them only when drawing).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "receipts.csv"
UI = ("matplotlib", "ipywidgets", "IPython")

PIPELINE = f"""
import json, sys
import silson_tools as st

receipts = st.read_receipts({str(SAMPLE)!r})
lines = st.assess(receipts, st.load_policy("gen4"), policy_start="2023-03-01")
spec = st.ceiling.CeilingSpec(decile=3)
totals = st.ceiling.year_totals(receipts, spec)
refund = st.ceiling.refund(7_700_000, 2023, 4, long_stay=True)
grade = st.premium.surcharge_grade(1_200_000)
limit = st.ceiling.limit(2023, 4, long_stay=True)
# the other top-level names keep working too
assert st.per_visit_self_pay(18_000, D=0, r=0.1) == 1800
assert st.period_totals(4, 18_000, r=0.1).self_pay == 7200
assert st.parse_won("1,050만 원") == 10_500_000 and st.format_won(8_080_000) == "808만원"
assert int(st.split_visit(30_000, D=10_000, r=0.2, mode="max").self_pay) == 10_000
assert callable(st.use_korean_font) and callable(st.assess_many)
print(json.dumps({{
    "lines": len(lines),
    "payout": int(lines["payout"].sum()),
    "people": len(totals),
    "refund": int(refund),
    "limit": int(limit),
    "grade": grade.grade,
    "loaded": [m for m in {UI!r} if m in sys.modules],
}}))
"""


def _run(code: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_pipeline_loads_no_ui_library() -> None:
    out = _run(PIPELINE)
    assert out["loaded"] == [], f"the domain pulled in {out['loaded']}"
    assert out["lines"] > 0 and out["people"] > 0
    assert (out["refund"], out["limit"], out["grade"]) == (5_430_000, 2_270_000, 3)


def test_importing_us_plans_and_the_teaching_index_loads_no_ui_library() -> None:
    code = (
        "import json, sys\n"
        "import silson_tools.teaching, silson_tools.us_plans as u\n"
        "u.annual_cost('hmo', 'medium')\n"
        f"print(json.dumps({{'loaded': [m for m in {UI!r} if m in sys.modules]}}))\n"
    )
    assert _run(code)["loaded"] == []


def _imports(path: Path, package: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    parts = ["silson_tools", *path.relative_to(package).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    else:
        parts = parts[:-1]  # the module's package
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names |= {module, *(f"{module}.{alias.name}" for alias in node.names)}
    return names


def test_domain_modules_never_import_teaching() -> None:
    package = ROOT / "silson_tools"
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            n for n in _imports(path, package) if n.startswith("silson_tools.teaching")
        )
        for path in package.rglob("*.py")
        if "teaching" not in path.relative_to(package).parts
    }
    assert {k: v for k, v in offenders.items() if v} == {}
