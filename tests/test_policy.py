"""Rule files: every shipped product loads, the loader rejects bad files, values are dated."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from silson_tools.policy import POLICY_NAMES, load_policy

ROOT = Path(__file__).resolve().parents[1]
CUSTOM = sorted((ROOT / "data" / "custom_policies").glob("*.toml"))
GEN4_TEXT = (resources.files("silson_tools") / "rules" / "gen4.toml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_every_shipped_policy_loads_with_sources(name: str) -> None:
    policy = load_policy(name)
    assert policy.name == name
    params = policy.parameters()
    assert len(params) >= 10
    for path, param in params:
        assert param.dates, path
        for conf, source in zip(param.confidence, param.sources, strict=True):
            assert conf in {"A", "B", "C"}, path
            assert source.startswith("http"), (path, source)
        # an uncertain number says so in the file
        if param.uncertain:
            assert all(param.notes), f"{name}: {path} is tagged C but carries no note"


@pytest.mark.parametrize("path", CUSTOM, ids=[p.stem for p in CUSTOM])
def test_custom_seed_policies_load(path: Path) -> None:
    policy = load_policy(path)
    assert policy.generation == "custom"
    assert all("seed 001" in p.sources[0] for _, p in policy.parameters())


def test_custom_examples_present() -> None:
    assert {p.stem for p in CUSTOM} >= {
        "seed001_insurer_a",
        "seed001_insurer_b",
        "seed001_insurer_c",
        "seed001_session_tiers",
    }


def test_known_values_from_rules_md() -> None:
    # rules.md §1.4: 4세대 급여 통원 max(1만원, 20%) at 의원, 2만원 at 종합병원, 비급여 3만원 / 30%
    gen4 = load_policy("gen4")
    out = gen4.part("covered").settings["outpatient"]
    assert out.params["min_clinic"].at("2022-01-01") == 10_000
    assert out.params["min_general"].at("2022-01-01") == 20_000
    assert gen4.part("noncovered").settings["outpatient"].params["min"].at("2022-01-01") == 30_000
    assert gen4.part("manual").annual_limit.at("2022-01-01") == 3_500_000
    # rules.md §1.3: 3세대 종합병원 is in the 1.5만원 tier
    gen3 = load_policy("gen3")
    assert gen3.part("main").settings["outpatient"].params["min_general"].at("2019-01-01") == 15_000
    # rules.md §1.5: 5세대 특약2 통원 max(50%, 5만원)
    gen5 = load_policy("gen5")
    assert gen5.part("noncovered").settings["outpatient"].params["min"].at("2026-06-01") == 50_000
    assert gen5.part("covered").settings["outpatient"].nhi_rate


def test_routing() -> None:
    gen4 = load_policy("gen4")
    names = [p.name for p in gen4.parts]
    assert names[gen4.route("noncovered", "mri")] == "mri"
    assert names[gen4.route("noncovered", "")] == "noncovered"
    assert names[gen4.route("covered_copay", "mri")] == "covered"
    gen2 = load_policy("gen2")
    assert [p.name for p in gen2.parts][gen2.route("noncovered", "manual_therapy")] == "main"
    assert load_policy("gen5").route("full_copay", "") is None  # 5세대: 전액본인부담 not covered


# --- bad files -------------------------------------------------------------------------------


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    text = GEN4_TEXT.replace(
        "[parts.covered.outpatient]\n", "[parts.covered.outpatient]\nvisit_kap = 1\n"
    )
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=r"bad\.toml: parts\.covered\.outpatient\.visit_kap"):
        load_policy(path)


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "typo = 1\n" + GEN4_TEXT)
    with pytest.raises(ValueError, match=r"bad\.toml: typo: unknown key"):
        load_policy(path)


def test_missing_required_value(tmp_path: Path) -> None:
    lines = [
        line
        for line in GEN4_TEXT.splitlines()
        if not line.startswith('rate_noncovered."2021-07-01" = { value = 0.30, confidence = "A"')
        or "consumer.gwd" not in line
    ]
    path = _write(tmp_path, "\n".join(lines))
    with pytest.raises(
        ValueError, match=r"bad\.toml: parts\.noncovered\.inpatient\.rate_noncovered: missing"
    ):
        load_policy(path)


def test_missing_source(tmp_path: Path) -> None:
    text = GEN4_TEXT.replace(
        'count."2021-07-01" = { value = 100, confidence = "B", source = '
        '"https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943", ',
        'count."2021-07-01" = { value = 100, confidence = "B", ',
    )
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=r"outpatient\.count\.2021-07-01\.source: missing"):
        load_policy(path)


@pytest.mark.parametrize("bad", ["1.2", "-0.1"])
def test_rate_outside_0_1(tmp_path: Path, bad: str) -> None:
    text = GEN4_TEXT.replace(
        'rate."2021-07-01" = { value = 0.50,', f'rate."2021-07-01" = {{ value = {bad},'
    )
    path = _write(tmp_path, text)
    with pytest.raises(
        ValueError, match=r"bad\.toml: parts\.room\.room\.rate\.2021-07-01\.value: a rate"
    ):
        load_policy(path)


def test_negative_amount(tmp_path: Path) -> None:
    text = GEN4_TEXT.replace("value = 100_000, confidence", "value = -100_000, confidence")
    path = _write(tmp_path, text)
    with pytest.raises(ValueError, match=r"bad\.toml: parts\.room\.room\.daily_cap.*negative"):
        load_policy(path)


def test_bad_confidence_and_date(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        GEN4_TEXT.replace(
            'confidence = "A", source = "https://keyzard',
            'confidence = "D", source = "https://keyzard',
        ),
    )
    with pytest.raises(ValueError, match=r"annual_limit\.2021-07-01\.confidence"):
        load_policy(path)
    path = _write(
        tmp_path,
        GEN4_TEXT.replace(
            'annual_limit."2021-07-01" = { value = 50_000_000, confidence = "A"',
            'annual_limit."July 2021" = { value = 50_000_000, confidence = "A"',
        ),
    )
    with pytest.raises(ValueError, match=r"annual_limit\.July 2021: expected an effective date"):
        load_policy(path)


def test_unknown_policy_name_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown policy 'gen9'.*gen4"):
        load_policy("gen9")
    with pytest.raises(ValueError, match="policy file not found"):
        load_policy(tmp_path / "nope.toml")
    path = _write(tmp_path, "this is = = not toml")
    with pytest.raises(ValueError, match="not valid TOML"):
        load_policy(path)


def test_two_parts_paying_the_same_thing(tmp_path: Path) -> None:
    text = GEN4_TEXT.replace('categories = ["injection"]', 'categories = ["injection", "mri"]')
    with pytest.raises(ValueError, match=r"parts\.mri\.categories: noncovered for category 'mri'"):
        load_policy(_write(tmp_path, text))


# --- overrides ---------------------------------------------------------------------------------


def test_override_replaces_a_number() -> None:
    # rules.md §1.1: 1세대 deductible was 5,000 or 10,000원 depending on product
    gen1 = load_policy("gen1", main__outpatient__min=10_000)
    param = gen1.part("main").settings["outpatient"].params["min"]
    assert param.values == (10_000,)
    assert param.confidence == ("user",)
    assert load_policy("gen1").part("main").settings["outpatient"].params["min"].values == (5_000,)
    # dotted form, with the leading parts. prefix, and a 생보 20% variant
    life = load_policy("gen1", **{"parts.main.inpatient.rate_covered": 0.2})
    assert life.part("main").settings["inpatient"].params["rate_covered"].at("2005-01-01") == 0.2


def test_override_adds_an_allowed_key_and_rejects_typos() -> None:
    gen1 = load_policy("gen1", main__pharmacy__visit_cap=50_000)
    assert gen1.part("main").settings["pharmacy"].params["visit_cap"].values == (50_000,)
    with pytest.raises(
        ValueError, match=r"rules/gen1\.toml: parts\.main\.outpatient\.mni: unknown"
    ):
        load_policy("gen1", main__outpatient__mni=1)
    with pytest.raises(ValueError, match="a rate must be between 0 and 1"):
        load_policy("gen4", covered__inpatient__rate_covered=1.5)
    with pytest.raises(ValueError, match="must not be negative"):
        load_policy("gen4", covered__outpatient__visit_cap=-1)


def test_override_of_a_loaded_policy_leaves_it_unchanged() -> None:
    gen4 = load_policy("gen4")
    lower = load_policy(gen4, covered__outpatient__visit_cap=100_000)
    assert lower.part("covered").settings["outpatient"].params["visit_cap"].values == (100_000,)
    assert gen4.part("covered").settings["outpatient"].params["visit_cap"].values == (200_000,)
    assert load_policy(gen4) is gen4


# --- dated values (OpenFisca style): both sides of an effective date ---------------------------


def test_dated_values_both_sides_of_the_effective_date(tmp_path: Path) -> None:
    text = GEN4_TEXT.replace(
        'visit_cap."2021-07-01" = { value = 200_000, confidence = "B", source = '
        '"https://fss.or.kr/fss/bbs/B0000115/view.do?menuNo=200504&nttId=21943", '
        'note = "standard maximum; insurers offer lower caps on a menu" }',
        'visit_cap."2021-07-01" = { value = 200_000, confidence = "B", '
        'source = "https://x.test/a" }\n'
        'visit_cap."2024-01-01" = { value = 150_000, confidence = "C", '
        'source = "https://x.test/b", note = "hypothetical change" }',
    )
    policy = load_policy(_write(tmp_path, text, "dated.toml"))
    cap = policy.part("covered").settings["outpatient"].params["visit_cap"]
    assert cap.at(dt.date(2023, 12, 31)) == 200_000
    assert cap.at(dt.date(2024, 1, 1)) == 150_000
    assert cap.at(dt.date(2019, 1, 1)) == 200_000  # before the first date: the first value
    days = np.array(["2023-12-31", "2024-01-01", "2030-01-01"], dtype="datetime64[D]")
    assert list(cap.on(days)) == [200_000, 150_000, 150_000]
    rows = policy.table("2023-06-01")
    row = next(r for r in rows if r["parameter"] == "parts.covered.outpatient.visit_cap")
    assert row["value"] == 200_000 and row["source"] == "https://x.test/a"


def test_rate_brackets_must_start_at_one(tmp_path: Path) -> None:
    text = (ROOT / "data/custom_policies/seed001_session_tiers.toml").read_text(encoding="utf-8")
    bad = text.replace("from_session = 1\n", "from_session = 2\n", 1)
    with pytest.raises(ValueError, match="first step must start at session 1"):
        load_policy(_write(tmp_path, bad))


def test_additive_form_needs_one_rate(tmp_path: Path) -> None:
    text = (ROOT / "data/custom_policies/seed001_insurer_c.toml").read_text(encoding="utf-8")
    bad = text.replace(
        'rate_noncovered."2020-01-01" = { value = 0.10',
        'rate_noncovered."2020-01-01" = { value = 0.20',
    )
    with pytest.raises(ValueError, match="additive form needs one rate"):
        load_policy(_write(tmp_path, bad))


def test_annual_limit_settings_are_checked(tmp_path: Path) -> None:
    # 1–3세대 put the 5천만원 limit on 입원 only (rules.md §1.1–1.3)
    assert load_policy("gen3").parts[0].limit_settings == ("inpatient",)
    assert load_policy("gen4").parts[0].limit_settings is None  # 입원+통원 combined (§1.4)
    text = GEN4_TEXT.replace(
        'amounts = ["covered_copay", "full_copay"]\n',
        'amounts = ["covered_copay", "full_copay"]\nannual_limit_settings = ["daycare"]\n',
        1,
    )
    with pytest.raises(ValueError, match=r"bad\.toml: parts\.covered\.annual_limit_settings"):
        load_policy(_write(tmp_path, text))
