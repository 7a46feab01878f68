"""Exercises (notebook 07): computed answers equal the articles' hand-worked numbers; checks."""

from __future__ import annotations

import re

import pytest

from silson_tools.schema import ZONES
from silson_tools.teaching.exercises import (
    Exercise,
    all_exercises,
    answer_key,
    check,
    exercise_widget,
    explanation_html,
    get_exercise,
    parse_answer,
    verdict_html,
)

# Worked by hand from the cited articles and standard terms (an oracle independent of the
# package); the articles are in silson_tools/teaching/sources.py.
HAND_WORKED: dict[str, int] = {
    "rate_covered": 4 * 1_800,  # 축소 구간 글 가상 사례 1: 건당 1,800원 → 월 7,200원
    "rate_noncovered": 4 * (18_000 - 3_600),  # 비급여 20%: 건당 3,600원 자기부담
    "deductible_minimum": 3 * (12_000 - 10_000),  # max(1만, 2,400) = 1만 공제
    "deductible_worthless": 2 * 8_000,  # C ≤ D: 전부 자기부담
    "deductible_additive": 10_000 + 2_000,  # 자기부담금 계산법 글 사례 1: 1만 + 2만 × 10%
    "deductible_fixed": 50_000 - 10_000,  # 자기부담금 계산법 글: B 보험사 정액형
    "rate_mri": 320_000,  # 자기부담금 계산법 글: MRI 40만 × 80%
    "visit_cap": 600_000 - 200_000,  # 보험금 42만 → 한도 20만
    "real_cost": 30_000 + 2 * 16_000,  # 보험료 + max(1만, 1.6만) × 2
    "break_even": 50_000,  # 20% × C > 1만 ⇔ C > 5만: "넘으면" 5만원
    "ceiling_refund": 5_500_000 - 870_000,  # 본인부담상한제 글 예시 2: 463만
    "ceiling_long_stay": 7_700_000 - 2_270_000,  # 본인부담상한제 글 예시 1: 543만
    "premium_grade": 3,  # 2024-06 할인·할증 보도: 100만 이상 150만 미만 → 3등급
    "premium_to_next": 1_000_000 - 800_000,  # 할증(3등급) 하한까지
    "plan_hmo_network": 2 * 300,  # 「건강 유지 기구(HMO)」: 네트워크 밖 → 전액 본인
    "plan_hmo_emergency": 300,  # 응급 예외: 응급실 copay
    # a year of receipts under the engine (4세대·5세대 표준약관, 상한제 환급분 제외)
    "generation_same_day": (20_000 - 10_000) - (15_000 - 10_000),  # 4세대 합산 vs 3세대 따로
    "count_limit": 50 * (80_000 - 30_000),  # 50회까지만, 회당 max(3만, 2.4만) 공제
    "annual_limit": 3_000_000 - 4 * 700_000,  # MRI 300만 한도의 남은 몫
    "excluded": 0,  # 5세대 특약2: 체외충격파 보장 제외
    "ceiling_offset": (3_000_000 - 1_000_000) * 8 // 10,  # 환급분 빼고 80%
}

EXERCISES = all_exercises()
IDS = [e.key for e in EXERCISES]


def test_at_least_ten_exercises_covering_every_topic() -> None:
    assert len(EXERCISES) >= 10
    assert len(set(IDS)) == len(IDS), "exercise keys must be unique"
    topics = {e.topic for e in EXERCISES}
    assert set(ZONES) | {"ceiling", "premium", "plan", "generation"} <= topics, "one per zone"
    assert set(HAND_WORKED) == set(IDS), "every exercise needs a hand-worked answer here"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_computed_answer_equals_hand_worked(exercise: Exercise) -> None:
    assert exercise.answer().value == HAND_WORKED[exercise.key]


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_right_wrong_invalid_empty(exercise: Exercise) -> None:
    right = exercise.answer().value
    assert check(exercise, str(right)).status == "correct"
    assert check(exercise, f"  {right}  ").status == "correct"
    off = exercise.tolerance + 1
    for wrong in (right + off, max(right - off, 0) if right - off >= 0 else right + 2 * off):
        verdict = check(exercise, str(wrong))
        assert verdict.status == "wrong", (wrong, verdict)
        assert verdict.given == wrong
    assert check(exercise, "").status == "empty"
    assert check(exercise, "   ").status == "empty"
    assert check(exercise, "모르겠어요").status == "invalid"
    assert check(exercise, "-5").status == "invalid"


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_explanation_shows_the_computed_answer(exercise: Exercise) -> None:
    answer = exercise.answer()
    assert len(answer.steps) >= 2
    page = explanation_html(exercise)
    assert f'data-answer="{answer.value}"' in page
    shown = f"{answer.value:,}"
    assert shown in page or f"{answer.value}등급" in page


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.mistakes], ids=lambda e: e.key)
def test_typical_mistakes_get_their_hint(exercise: Exercise) -> None:
    right = exercise.answer().value
    hints = exercise.mistakes()
    assert hints
    for given, hint in hints.items():
        assert abs(given - right) > exercise.tolerance, "a 'mistake' must not be right"
        verdict = check(exercise, str(given))
        assert verdict.status == "wrong"
        assert hint in verdict.message


def test_won_answers_in_any_common_spelling() -> None:
    ex = get_exercise("rate_covered")
    for text in ("7200", "7,200", "7,200원", "7200 원", "0.72만원", "0.72만"):
        assert check(ex, text).status == "correct", text
    assert check(ex, "7,201원").status == "wrong"
    assert "큽니다" in check(ex, "7000").message
    assert "작습니다" in check(ex, "8000").message


def test_blog_number_names_the_blog_mistake() -> None:
    verdict = check(get_exercise("deductible_additive"), "3,000원")
    assert verdict.status == "wrong"
    assert "블로그" in verdict.message


def test_break_even_is_the_bound_the_cost_passes() -> None:
    ex = get_exercise("break_even")
    assert check(ex, "50,000").status == "correct"
    assert check(ex, "5만원").status == "correct"
    assert ex.answer().steps[-1].startswith("그래서 답은 50,000원")
    for wrong in ("50,001", "50,002", "49,999"):
        assert check(ex, wrong).status == "wrong", wrong
    assert "넘으면" in check(ex, "50,001").message  # the first won past it: named


def test_parse_other_units() -> None:
    assert parse_answer("$600", "usd") == 600
    assert parse_answer("1,200 달러", "usd") == 1200
    assert parse_answer("600USD", "usd") == 600
    assert parse_answer("3등급", "grade") == 3
    assert parse_answer(" 3 ", "grade") == 3
    for bad, unit in (("three", "grade"), ("$-5", "usd"), ("3.5", "grade")):
        with pytest.raises(ValueError):
            parse_answer(bad, unit)


def test_unknown_exercise_lists_known_keys() -> None:
    with pytest.raises(ValueError, match="rate_covered"):
        get_exercise("nope")


def test_verdict_html_carries_status_and_escapes() -> None:
    ex = get_exercise("rate_covered")
    page = verdict_html(check(ex, "<b>1</b>"))
    assert 'data-verdict="invalid"' in page
    assert "<b>" not in page
    assert 'data-verdict="correct"' in verdict_html(check(ex, "7200"))


def test_widget_checks_on_enter_and_on_click_and_explains() -> None:
    ex = get_exercise("visit_cap")
    box = exercise_widget(ex, 8)
    assert {"silson-exercise", "silson-exercise-visit_cap"} <= set(box._dom_classes)
    prompt, row, verdict, explanation = box.children
    text, check_button, explain_button = row.children
    assert "silson-answer" in text._dom_classes
    assert "silson-check" in check_button._dom_classes
    assert "silson-explain" in explain_button._dom_classes
    assert "8. " in prompt.value
    assert verdict.value == "" and explanation.value == ""

    text.value = "180,000원"  # the value before the cap: a typical mistake
    assert 'data-verdict="wrong"' in verdict.value
    assert "한도" in verdict.value
    text.value = "400000"
    assert 'data-verdict="correct"' in verdict.value

    verdict.value = ""
    check_button.click()  # 확인 re-checks the same text
    assert 'data-verdict="correct"' in verdict.value

    explain_button.click()
    assert 'data-answer="400000"' in explanation.value
    assert re.search("회당 한도", explanation.value)


def test_answer_key_lists_every_computed_answer() -> None:
    key = answer_key()
    assert list(key["key"]) == IDS
    assert list(key.index) == list(range(1, len(IDS) + 1))
    assert key.loc[1, "정답 (answer)"] == "7,200원"
    assert key.set_index("key").loc["premium_grade", "정답 (answer)"] == "3등급"
    assert key.set_index("key").loc["plan_hmo_network", "정답 (answer)"] == "$600"
