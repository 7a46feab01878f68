"""1–3세대 visit units as product data: one 외래 at one institution on one day is one 통원,
and each 처방전 (pharmacy line, or the lines sharing a visit key) is one 처방조제 claim."""

from __future__ import annotations

from pathlib import Path

import pytest

from silson_tools import load_policy
from silson_tools.errors import RuleDataError

OLD = ("gen1", "gen2", "gen2-choice1", "gen2-choice2", "gen3", "gen3-choice2")


@pytest.mark.parametrize("name", OLD)
def test_old_generations_group_outpatient_by_institution_and_pharmacy_by_line(name: str) -> None:
    policy = load_policy(name)
    assert not policy.combine_same_day  # 외래 and 처방조제 stay separate claims
    main = next(p for p in policy.parts if p.name == "main")
    assert main.settings["outpatient"].visit_unit == "institution"
    assert main.settings["pharmacy"].visit_unit == "line"
    for setting in ("outpatient", "pharmacy"):  # each says where it comes from
        basis = main.settings[setting].visit_unit_basis
        assert basis[:2] in ("A:", "B:", "C:") and "http" in basis


def test_pharmacy_table_defaults_to_line_and_outpatient_to_institution(tmp_path: Path) -> None:
    file = tmp_path / "mine.toml"
    file.write_text(
        'extends = "gen2"\n'
        'remove = ["parts.main.outpatient.visit_unit", "parts.main.pharmacy.visit_unit"]\n'
        '[policy]\nname = "mine"\n',
        encoding="utf-8",
    )
    main = next(p for p in load_policy(file).parts if p.name == "main")
    assert main.settings["outpatient"].visit_unit == "institution"
    assert main.settings["pharmacy"].visit_unit == "line"
    assert main.settings["pharmacy"].visit_unit_basis == ""


def test_a_unknown_unit_names_the_three_units() -> None:
    bad = {"value": "week", "confidence": "B", "source": "bohumtower"}
    with pytest.raises(RuleDataError, match="institution or day or line"):
        load_policy("gen2", main__outpatient__visit_unit=bad)


def test_notebook_02_mri_visit_meets_the_per_visit_caps_its_text_names() -> None:
    """'1·2세대는 … 회당 한도 (1세대 30만원, 2세대 외래 25만원) 에 막힙니다': the 외래 and its MRI,
    two lines of one visit, are one 통원 under one cap."""
    from silson_tools.teaching import scenarios as sc

    table = sc.scenario_table("mri")
    assert table.loc["gen1", "payout"] == 300_000
    for name in ("gen2", "gen2-choice1", "gen2-choice2"):
        assert table.loc[name, "payout"] == 250_000
        assert table.loc[name, "visit_cap_cut"] > 0  # the cap is what stops it (purple)


@pytest.mark.parametrize(("name", "start"), [("gen2", "2015-01-01"), ("gen3", "2018-01-01")])
@pytest.mark.parametrize("names", [None, ["", ""], ["A의원", "B종합병원"]])
def test_unnamed_lines_of_one_day_stay_two_visits(name: str, start: str, names) -> None:
    """Without a 병원명 (no column, or blank cells) two 외래 lines of a day may be two
    institutions: 1–3세대 take each as a 통원 of its own (의원 20,000 − 1만 = 10,000;
    종합병원 40,000 − 1.5만 = 25,000), as with two names; a shared visit key joins them."""
    import pandas as pd
    from reference_engine import reference_assess

    import silson_tools as st

    frame = pd.DataFrame(
        {
            "person": "가나",
            "date": pd.Timestamp("2018-03-05"),
            "setting": "outpatient",
            "tier": ["clinic", "general"],
            "covered_copay": [20_000, 40_000],
            "noncovered": 0,
        }
    )
    if names is not None:
        frame["institution"] = names
    out = st.assess(frame, name, policy_start=start)
    assert out["payout"].tolist() == [10_000, 25_000]
    ref = reference_assess(frame, load_policy(name), policy_start=start)
    assert ref["payout"].tolist() == [10_000, 25_000]
    keyed = st.assess(frame.assign(visit="v1"), name, policy_start=start)
    assert int(keyed["payout"].sum()) == 60_000 - 15_000  # one 통원: the higher minimum
