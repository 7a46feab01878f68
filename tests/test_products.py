"""Products as data: discovery, variants (extends), every shipped product, bad files, overrides."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_stands_alone import pointers

import silson_tools as st
from silson_tools import catalog
from silson_tools.catalog import PRODUCT_DIR, Policy, default_product, load_policy, products
from silson_tools.errors import InputError, RuleDataError
from silson_tools.params import Param

ROOT = Path(__file__).resolve().parents[1]
CUSTOM = sorted((ROOT / "data" / "custom_policies").glob("*.toml"))
GEN4_TEXT = (PRODUCT_DIR / "gen4.toml").read_text(encoding="utf-8")

MINIMAL = """\
[policy]
label = "시험 상품"
generation = "{generation}"

[parts.main]
kind = "visit"
label = "실손"
amounts = ["covered_copay", "full_copay", "noncovered"]

[parts.main.inpatient.rate_covered]
unit = "rate"
label = "입원 자기부담률 (급여)"
values."2020-01-01" = {{ value = 0.20, confidence = "C", source = "keyzard" }}

[parts.main.inpatient.rate_noncovered]
unit = "rate"
label = "입원 자기부담률 (비급여)"
values."2020-01-01" = {{ value = 0.20, confidence = "C", source = "keyzard" }}

[parts.main.outpatient.rate_covered]
unit = "rate"
label = "통원 자기부담률 (급여)"
values."2020-01-01" = {{ value = 0.20, confidence = "C", source = "keyzard" }}

[parts.main.outpatient.rate_noncovered]
unit = "rate"
label = "통원 자기부담률 (비급여)"
values."2020-01-01" = {{ value = 0.20, confidence = "C", source = "keyzard" }}

[parts.main.outpatient.min]
unit = "won"
label = "통원 최소공제"
values."2020-01-01" = {{ value = 10_000, confidence = "C", source = "keyzard" }}
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _minimal(generation: str = "9세대") -> str:
    return MINIMAL.format(generation=generation)


def _param(policy: Policy, part: str, setting: str, key: str) -> Param:
    return policy.part(part).settings[setting].params[key]


# --- every shipped product ---------------------------------------------------------------------


def test_products_are_the_files_of_the_products_folder_in_generation_order() -> None:
    names = products()
    assert names == tuple(sorted(p.stem for p in PRODUCT_DIR.glob("*.toml")) and names)
    assert names == (
        "gen1",
        "gen2",
        "gen2-choice1",
        "gen2-choice2",
        "gen3",
        "gen3-choice2",
        "gen4",
        "gen5",
    )


@pytest.mark.parametrize("name", products())
def test_every_shipped_product_loads_with_unit_label_source_and_confidence(name: str) -> None:
    policy = load_policy(name)
    assert policy.name == name and policy.path == f"data/products/{name}.toml"
    assert policy.label and policy.generation and policy.short_label
    params = policy.parameters()
    assert len(params) >= 10
    for path, param in params:
        assert param.unit in st.params.UNITS, path
        assert param.kind == st.params.UNITS[param.unit].kind, path
        assert param.label and not param.label.isascii(), path  # a Korean label
        assert param.dates and len(param.dates) == len(param.values), path
        for conf, refs in zip(param.confidence, param.references, strict=True):
            assert conf in {"A", "B", "C"}, path
            assert refs and all(r.title and r.url.startswith("http") for r in refs), path
        if param.uncertain:  # an uncertain number says so in the file
            assert all(param.notes), f"{name}: {path} is tagged C but carries no note"
    for ex in policy.exclusions:
        assert ex.source and ex.confidence in {"A", "B", "C"}


def test_no_data_file_points_outside_the_project() -> None:
    files = [
        *PRODUCT_DIR.glob("*.toml"),
        *(ROOT / "silson_tools" / "data" / "nhi").glob("*.toml"),
        ROOT / "silson_tools" / "data" / "sources.toml",
        *CUSTOM,
        ROOT / "silson_tools" / "catalog.py",
        ROOT / "silson_tools" / "params.py",
        ROOT / "silson_tools" / "reference.py",
        ROOT / "silson_tools" / "product_files.py",
    ]
    for path in files:
        hits = pointers(path.read_text(encoding="utf-8"))
        assert not hits, (path.name, hits)


def test_known_values_of_the_standard_wordings() -> None:
    # 4세대 급여 통원 max(1만원, 20%) at 의원 and 병원, 2만원 at 종합병원; 비급여 3만원 / 30%
    gen4 = load_policy("gen4")
    assert _param(gen4, "covered", "outpatient", "min_clinic").at("2022-01-01") == 10_000
    hospital = _param(gen4, "covered", "outpatient", "min_hospital")
    assert hospital.at("2022-01-01") == 10_000 and hospital.confidence == ("A",)
    assert _param(gen4, "covered", "outpatient", "min_general").at("2022-01-01") == 20_000
    assert _param(gen4, "noncovered", "outpatient", "min").at("2022-01-01") == 30_000
    assert gen4.part("manual").annual_limit.at("2022-01-01") == 3_500_000
    # 3세대: 종합병원 is in the 1.5만원 tier
    assert _param(load_policy("gen3"), "main", "outpatient", "min_general").values == (15_000,)
    # 5세대 특약2 통원 max(50%, 5만원); the 급여 통원 deductible reads the NHI co-pay rate
    gen5 = load_policy("gen5")
    assert _param(gen5, "noncovered", "outpatient", "min").at("2026-06-01") == 50_000
    assert gen5.part("covered").settings["outpatient"].nhi_rate
    # 2세대 표준형 is sold from 2013-01 (the standard wording revised 2012.12.28)
    assert load_policy("gen2").sold_from == dt.date(2013, 1, 1)


def test_routing() -> None:
    gen4 = load_policy("gen4")
    names = [p.name for p in gen4.parts]
    assert names[gen4.route("noncovered", "mri")] == "mri"
    assert names[gen4.route("noncovered", "")] == "noncovered"
    assert names[gen4.route("covered_copay", "mri")] == "covered"
    gen2 = load_policy("gen2")
    assert [p.name for p in gen2.parts][gen2.route("noncovered", "manual_therapy")] == "main"
    assert load_policy("gen5").route("full_copay", "") is None  # 5세대: 전액본인부담 not covered


# --- discovery ---------------------------------------------------------------------------------


def test_a_product_dropped_into_a_folder_appears(tmp_path: Path) -> None:
    _write(tmp_path, "zeta.toml", _minimal("2세대"))
    _write(tmp_path, "alpha.toml", _minimal("custom"))
    _write(tmp_path, "beta.toml", _minimal("10세대"))
    assert products(tmp_path) == ("zeta", "beta", "alpha")  # by generation number, then name
    policy = load_policy(tmp_path / "zeta.toml")
    assert policy.name == "zeta" and policy.label == "시험 상품"


def test_a_product_dropped_into_the_shipped_folder_is_loadable_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "products"
    shutil.copytree(PRODUCT_DIR, folder)
    _write(folder, "gen9.toml", _minimal())
    monkeypatch.setattr(catalog, "PRODUCT_DIR", folder)
    assert products()[-1] == "gen9" and "gen9" in st.products()
    assert load_policy("gen9").name == "gen9"


def test_products_is_the_function_before_and_after_any_import() -> None:
    """``st.products`` is the function whatever was imported before or after: the module is
    ``silson_tools.catalog``, so no submodule ``silson_tools.products`` can replace it. Each
    order runs in a fresh interpreter (this one has imported everything already)."""
    names = list(products())
    orders = [
        "",
        "import silson_tools.catalog",
        "import silson_tools.engine, silson_tools.report, silson_tools.reference",
        "from silson_tools.catalog import products; import silson_tools.teaching.scenarios",
    ]
    for before in orders:
        code = (
            f"import silson_tools as st; {before or 'pass'}; "
            "import types; assert callable(st.products), st.products; "
            "assert not isinstance(st.products, types.ModuleType); "
            "import silson_tools.catalog, silson_tools.engine; "
            "assert not isinstance(st.products, types.ModuleType); "
            "print(list(st.products()), st.default_product(), st.load_policy('gen4').name)"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, (before, done.stderr)
        assert done.stdout.strip() == f"{names} gen4 gen4", before
    assert st.products is products is catalog.products
    assert importlib.util.find_spec("silson_tools.products") is None
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("silson_tools.products")


def test_the_default_product_is_marked_in_the_data_not_in_code() -> None:
    assert default_product() == "gen4"  # 4세대: [policy] default = true in gen4.toml
    marked = [name for name in products() if load_policy(name).default]
    assert marked == ["gen4"]
    assert "\ndefault = true\n" in GEN4_TEXT


def test_default_is_not_inherited_and_exactly_one_product_has_it(tmp_path: Path) -> None:
    _write(tmp_path, "base.toml", _minimal().replace("[policy]\n", "[policy]\ndefault = true\n"))
    _write(tmp_path, "variant.toml", 'extends = "base"\n[policy]\nlabel = "변형"\n')
    assert default_product(tmp_path) == "base"
    assert not load_policy(tmp_path / "variant.toml").default
    _write(tmp_path, "other.toml", _minimal().replace("[policy]\n", "[policy]\ndefault = true\n"))
    with pytest.raises(
        RuleDataError,
        match=r"policy\.default: expected exactly one product "
        r"with default = true, got base, other",
    ):
        default_product(tmp_path)
    (tmp_path / "other.toml").unlink()
    (tmp_path / "base.toml").write_text(_minimal(), encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"default = true, got none"):
        default_product(tmp_path)
    bad = _minimal().replace("[policy]\n", '[policy]\ndefault = "yes"\n')
    _write(tmp_path, "base.toml", bad)
    with pytest.raises(RuleDataError, match=r"base\.toml: policy\.default: expected true or false"):
        default_product(tmp_path)
    with pytest.raises(RuleDataError, match=r"policy\.default: expected true or false"):
        load_policy(tmp_path / "base.toml")


def test_no_product_name_is_typed_in_package_code() -> None:
    """No product name as a value in package code: names come from the data (products(),
    default_product(), short_label). Examples in docstrings and help texts are prose, and the
    exercises of notebook 07 name the generation each question is about."""
    names = set(products())
    package = ROOT / "silson_tools"
    found = []
    for path in sorted(package.rglob("*.py")):
        if "exercises" in path.relative_to(package).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {  # module, class, function and attribute docstrings
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and node.value in names
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
    assert found == []


def test_unknown_product_name_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unknown policy 'gen9'; expected one of gen1, .*gen5"):
        load_policy("gen9")
    with pytest.raises(InputError, match="policy file not found"):
        load_policy(tmp_path / "nope.toml")
    with pytest.raises(RuleDataError, match="not valid TOML"):
        load_policy(_write(tmp_path, "bad.toml", "this is = = not toml"))


# --- variants: extends ---------------------------------------------------------------------------


def test_gen3_choice2_is_gen3_with_the_choice2_rates() -> None:
    gen3, choice2 = load_policy("gen3"), load_policy("gen3-choice2")
    assert choice2.extends == ("gen3",) and choice2.name == "gen3-choice2"
    assert choice2.generation == gen3.generation and choice2.sold_from == gen3.sold_from
    changed = {
        "parts.main.inpatient.rate_covered",
        "parts.main.inpatient.selfpay_cap",
        "parts.main.outpatient.rate_covered",
        "parts.main.pharmacy.rate_covered",
    }
    mine, parent = dict(choice2.parameters()), dict(gen3.parameters())
    assert mine.keys() == parent.keys()
    for path, param in mine.items():
        assert param.label == parent[path].label and param.unit == parent[path].unit
        if path in changed:
            assert param.notes != parent[path].notes, path
        else:
            assert param == parent[path], path
    assert _param(choice2, "main", "inpatient", "rate_covered").values == (0.10,)
    assert _param(choice2, "main", "inpatient", "rate_noncovered").values == (0.20,)


def test_variant_lines_are_few() -> None:
    for name, parent in [
        ("gen3-choice2", "gen3"),
        ("gen2-choice1", "gen2"),
        ("gen2-choice2", "gen2"),
    ]:
        text = (PRODUCT_DIR / f"{name}.toml").read_text(encoding="utf-8")
        assert f'extends = "{parent}"' in text
        assert (
            len(text.splitlines())
            < len((PRODUCT_DIR / f"{parent}.toml").read_text(encoding="utf-8").splitlines()) / 2
        )


def test_extends_merges_deeply_and_replaces_a_series(tmp_path: Path) -> None:
    _write(tmp_path, "base.toml", _minimal("3세대"))
    child = _write(
        tmp_path,
        "child.toml",
        'extends = "base"\n\n[policy]\nlabel = "변형"\n\n'
        "[parts.main.outpatient]\n"
        'min.values."2022-01-01" = { value = 20_000, confidence = "B", source = "keyzard" }\n',
    )
    policy = load_policy(child)
    assert (policy.name, policy.label, policy.generation) == ("child", "변형", "3세대")
    assert policy.extends == ("base",)
    minimum = _param(policy, "main", "outpatient", "min")
    assert minimum.label == "통원 최소공제" and minimum.unit == "won"  # inherited
    assert minimum.values == (20_000,) and minimum.dates == (dt.date(2022, 1, 1),)  # replaced
    assert _param(policy, "main", "inpatient", "rate_covered").values == (0.2,)  # untouched
    # a grandchild: the chain is recorded, nearest first
    grand = _write(tmp_path, "grand.toml", 'extends = "child"\n\n[policy]\nlabel = "손자"\n')
    assert load_policy(grand).extends == ("child", "base")
    assert _param(load_policy(grand), "main", "outpatient", "min").values == (20_000,)


def test_extends_can_remove_an_inherited_key(tmp_path: Path) -> None:
    _write(tmp_path, "base.toml", _minimal())
    child = _write(
        tmp_path, "child.toml", 'extends = "base"\nremove = ["parts.main.outpatient.min"]\n'
    )
    assert "min" not in load_policy(child).part("main").settings["outpatient"].params
    _write(tmp_path, "typo.toml", 'extends = "base"\nremove = ["parts.main.outpatient.mni"]\n')
    with pytest.raises(
        RuleDataError, match=r"typo\.toml: remove\[0\]: 'parts\.main\.outpatient\.mni' is not"
    ):
        load_policy(tmp_path / "typo.toml")
    with pytest.raises(RuleDataError, match=r"remove: only a file that extends another"):
        load_policy(_write(tmp_path, "lone.toml", 'remove = ["parts"]\n' + _minimal()))


def test_a_custom_file_can_extend_a_shipped_product(tmp_path: Path) -> None:
    mine = _write(
        tmp_path,
        "my_gen4.toml",
        'extends = "gen4"\n\n[policy]\nlabel = "내 4세대 (통원 한도 10만원)"\n\n'
        "[parts.covered.outpatient]\n"
        'visit_cap.values."2021-07-01" = { value = 100_000, confidence = "user", '
        'source = { title = "내 보험증권" } }\n',
    )
    policy = load_policy(mine)
    assert policy.extends == ("gen4",) and policy.name == "my_gen4"
    assert _param(policy, "covered", "outpatient", "visit_cap").values == (100_000,)
    assert len(policy.parameters()) == len(load_policy("gen4").parameters())


def test_cycles_and_unknown_parents_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.toml", 'extends = "b"\n' + _minimal())
    _write(tmp_path, "b.toml", 'extends = "a"\n')
    with pytest.raises(
        RuleDataError, match=r"extends: cycle: .*a → b → a|extends: cycle: .*b → a → b"
    ):
        load_policy(tmp_path / "a.toml")
    _write(tmp_path, "self.toml", 'extends = "self"\n')
    with pytest.raises(RuleDataError, match=r"self\.toml: extends: cycle"):
        load_policy(tmp_path / "self.toml")
    _write(tmp_path, "orphan.toml", 'extends = "gen7"\n')
    with pytest.raises(RuleDataError, match=r"orphan\.toml: extends: unknown product 'gen7'"):
        load_policy(tmp_path / "orphan.toml")
    with pytest.raises(RuleDataError, match=r"cycle"):
        products(tmp_path)  # discovery reads each file's generation through its parents


# --- bad files ---------------------------------------------------------------------------------


def _bad(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    assert old in GEN4_TEXT, old
    return _write(tmp_path, "bad.toml", GEN4_TEXT.replace(old, new, count))


def test_unknown_keys_name_file_and_key(tmp_path: Path) -> None:
    path = _bad(
        tmp_path, "[parts.covered.outpatient]\n", "[parts.covered.outpatient]\nvisit_kap = 1\n"
    )
    with pytest.raises(
        RuleDataError, match=r"bad\.toml: parts\.covered\.outpatient\.visit_kap: unknown"
    ):
        load_policy(path)
    with pytest.raises(RuleDataError, match=r"bad\.toml: typo: unknown key"):
        load_policy(_write(tmp_path, "bad.toml", "typo = 1\n" + GEN4_TEXT))
    path = _bad(tmp_path, 'unit = "won"\n', 'unit = "won"\nunits = "won"\n')
    with pytest.raises(RuleDataError, match=r"parts\.covered\.annual_limit\.units: unknown key"):
        load_policy(path)


def test_a_key_must_carry_the_unit_the_engine_reads(tmp_path: Path) -> None:
    path = _bad(
        tmp_path,
        '[parts.covered.outpatient.visit_cap]\nunit = "won"',
        '[parts.covered.outpatient.visit_cap]\nunit = "rate"',
    )
    with pytest.raises(
        RuleDataError, match=r"outpatient\.visit_cap\.unit: this key is read as won"
    ):
        load_policy(path)


def test_missing_required_value(tmp_path: Path) -> None:
    start = GEN4_TEXT.index("[parts.noncovered.outpatient.rate_noncovered]")
    end = GEN4_TEXT.index("[parts.noncovered.outpatient.min]")
    path = _write(tmp_path, "bad.toml", GEN4_TEXT[:start] + GEN4_TEXT[end:])
    with pytest.raises(
        RuleDataError, match=r"bad\.toml: parts\.noncovered\.outpatient\.rate_noncovered: missing"
    ):
        load_policy(path)


def test_rate_outside_0_1_and_negative_amount(tmp_path: Path) -> None:
    path = _bad(tmp_path, "value = 0.50, confidence", "value = 1.5, confidence")
    with pytest.raises(
        RuleDataError, match=r"parts\.room\.room\.rate\.values\.2021-07-01\.value: a rate"
    ):
        load_policy(path)
    path = _bad(tmp_path, "value = 100_000, confidence", "value = -100_000, confidence")
    with pytest.raises(RuleDataError, match=r"parts\.room\.room\.daily_cap.*negative"):
        load_policy(path)


def test_two_parts_paying_the_same_thing(tmp_path: Path) -> None:
    path = _bad(tmp_path, 'categories = ["injection"]', 'categories = ["injection", "mri"]')
    with pytest.raises(
        RuleDataError, match=r"parts\.mri\.categories: noncovered for category 'mri'"
    ):
        load_policy(path)


def test_rate_brackets_must_start_at_one(tmp_path: Path) -> None:
    text = (ROOT / "data/custom_policies/article_session_tiers.toml").read_text(encoding="utf-8")
    bad = text.replace("from_session = 1\n", "from_session = 2\n", 1)
    shutil.copy(ROOT / "data/custom_policies/article_insurer_a.toml", tmp_path)
    with pytest.raises(RuleDataError, match="first step must start at session 1"):
        load_policy(_write(tmp_path, "tiers.toml", bad))


def test_additive_form_needs_one_rate(tmp_path: Path) -> None:
    text = (ROOT / "data/custom_policies/article_insurer_c.toml").read_text(encoding="utf-8")
    old = 'label = "입원 자기부담률 (비급여)"\nvalues."2020-01-01" = { value = 0.10'
    assert old in text
    bad = text.replace(old, old.replace("0.10", "0.20"))
    with pytest.raises(RuleDataError, match="additive form needs one rate"):
        load_policy(_write(tmp_path, "c.toml", bad))


def test_annual_limit_settings_are_checked(tmp_path: Path) -> None:
    # 1–3세대 put the 5천만원 limit on 입원 only; 4세대 combines 입원+통원
    assert load_policy("gen3").parts[0].limit_settings == ("inpatient",)
    assert load_policy("gen4").parts[0].limit_settings is None
    path = _bad(
        tmp_path,
        'amounts = ["covered_copay", "full_copay"]\n',
        'amounts = ["covered_copay", "full_copay"]\nannual_limit_settings = ["daycare"]\n',
    )
    with pytest.raises(RuleDataError, match=r"bad\.toml: parts\.covered\.annual_limit_settings"):
        load_policy(path)


# --- custom example files ------------------------------------------------------------------------


@pytest.mark.parametrize("path", CUSTOM, ids=[p.stem for p in CUSTOM])
def test_custom_example_files_load(path: Path) -> None:
    policy = load_policy(path)
    assert policy.generation == "custom" and "seed" not in policy.name
    assert all("계산법 전략" in p.sources[0] for _, p in policy.parameters())


def test_custom_examples_present() -> None:
    assert {p.stem for p in CUSTOM} == {
        "article_insurer_a",
        "article_insurer_b",
        "article_insurer_c",
        "article_session_tiers",
    }


# --- overrides -----------------------------------------------------------------------------------


def test_override_replaces_a_number() -> None:
    # 1세대 deductible was 5,000 or 10,000원 depending on product
    gen1 = load_policy("gen1", main__outpatient__min=10_000)
    param = _param(gen1, "main", "outpatient", "min")
    assert param.values == (10_000,) and param.confidence == ("user",)
    assert param.label == "통원 (외래) 최소공제" and param.unit == "won"
    assert _param(load_policy("gen1"), "main", "outpatient", "min").values == (5_000,)
    # dotted form, with the leading parts. prefix, and a 생보 20% variant
    life = load_policy("gen1", **{"parts.main.inpatient.rate_covered": 0.2})
    assert _param(life, "main", "inpatient", "rate_covered").at("2005-01-01") == 0.2


def test_override_adds_an_allowed_key_and_rejects_typos() -> None:
    gen1 = load_policy("gen1", main__pharmacy__visit_cap=50_000)
    added = _param(gen1, "main", "pharmacy", "visit_cap")
    assert added.values == (50_000,) and added.unit == "won"
    with pytest.raises(
        RuleDataError, match=r"products/gen1\.toml: parts\.main\.outpatient\.mni: unknown"
    ):
        load_policy("gen1", main__outpatient__mni=1)
    with pytest.raises(RuleDataError, match="a rate must be between 0 and 1"):
        load_policy("gen4", covered__inpatient__rate_covered=1.5)
    with pytest.raises(RuleDataError, match="must not be negative"):
        load_policy("gen4", covered__outpatient__visit_cap=-1)


def test_override_with_dated_values_keeps_unit_and_label() -> None:
    dated = {
        "2020-01-01": {"value": 20_000, "confidence": "C", "source": "test"},
        "2025-01-01": {"value": 35_000, "confidence": "C", "source": "test"},
    }
    policy = load_policy("gen4", covered__outpatient__min_general=dated)
    param = _param(policy, "covered", "outpatient", "min_general")
    assert param.values == (20_000, 35_000) and param.label == "통원 (외래) 최소공제 (종합병원)"
    assert param.sources == ("test", "test")
    brackets = [
        {
            "from_session": 1,
            "rate": {"2020-01-01": {"value": 0.2, "confidence": "C", "source": "t"}},
        }
    ]
    tiers = load_policy(CUSTOM[-1], manual__treatment__rate_brackets=brackets)
    assert [(first, p.values) for first, p in tiers.part("manual").brackets] == [(1, (0.2,))]


def test_override_of_a_loaded_policy_leaves_it_unchanged() -> None:
    gen4 = load_policy("gen4")
    lower = load_policy(gen4, covered__outpatient__visit_cap=100_000)
    assert _param(lower, "covered", "outpatient", "visit_cap").values == (100_000,)
    assert _param(gen4, "covered", "outpatient", "visit_cap").values == (200_000,)
    assert load_policy(gen4) is gen4


# --- the contract-date clock --------------------------------------------------------------------


def test_for_contract_keeps_the_value_in_force_on_the_contract_date() -> None:
    dated = {
        "2020-01-01": {"value": 20_000, "confidence": "C", "source": "t"},
        "2025-01-01": {"value": 35_000, "confidence": "C", "source": "t"},
    }
    ended = {
        "2021-07-01": {"value": 100, "confidence": "C", "source": "t"},
        "2024-01-01": {"ended": True, "confidence": "C", "source": "t"},
    }
    policy = load_policy(
        "gen4", covered__outpatient__min_general=dated, noncovered__outpatient__count=ended
    )
    early, late = policy.for_contract("2024-06-30"), policy.for_contract(dt.date(2025, 3, 1))
    assert _param(early, "covered", "outpatient", "min_general").values == (20_000,)
    assert _param(late, "covered", "outpatient", "min_general").values == (35_000,)
    assert _param(late, "covered", "outpatient", "min_general").dates == (dt.date(2025, 1, 1),)
    assert "count" not in late.part("noncovered").settings["outpatient"].params  # ended
    assert _param(
        policy.for_contract("2022-01-01"), "noncovered", "outpatient", "count"
    ).values == (100,)
    # single-valued products are unchanged by the clock
    gen3 = load_policy("gen3")
    assert dict(gen3.for_contract("2018-01-01").parameters()) == dict(gen3.parameters())


def test_table_rows_carry_label_unit_and_source() -> None:
    rows = load_policy("gen4").table()
    row = next(r for r in rows if r["parameter"] == "parts.covered.outpatient.visit_cap")
    assert row["value"] == 200_000 and row["unit"] == "won" and row["since"] == dt.date(2021, 7, 1)
    assert row["label"] == "통원 (외래) 회당 보장한도" and "fss.or.kr" in row["source"]
