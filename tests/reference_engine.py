"""The plain oracle for the engine's assess: one line at a time, Python ints, no numpy.

Slow and obviously correct; tests check the vectorized engine against it on random input.
It follows the order of operations in the silson_tools.engine.assess module docstring,
step by step, and assumes valid input (the engine's validation is tested separately).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import pandas as pd
from reference_admissions import admission_ids, by_admission, stay_days

from silson_tools.catalog import Part, Policy, SettingRule
from silson_tools.engine.exclusions import pregnancy_rule
from silson_tools.formulas import PPM
from silson_tools.schema import TIERS

AMOUNTS = ("covered_copay", "full_copay", "noncovered")
TIER_NAMES = ("clinic", "hospital", "general", "tertiary", "pharmacy")


def anniversary(start: dt.date, years: int) -> dt.date:
    """start + years; 29 February becomes 28 February (2월 말일) in a non-leap year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return dt.date(start.year + years, 2, 28)


def policy_year(day: dt.date, start: dt.date) -> int:
    if day < start:
        return -1
    years = day.year - start.year
    if day < anniversary(start, years):
        years -= 1
    return years


def ppm(param: Any, day: dt.date) -> int:
    return round(param.at(day) * PPM)


def value(param: Any, day: dt.date, default: Any = None) -> Any:
    return default if param is None else param.at(day)


def tier_min(rule: SettingRule, tier: str, day: dt.date) -> int:
    p = rule.get(f"min_{tier}")
    if p is not None:
        return p.at(day)
    return value(rule.get("min"), day, 0)


def split(c_cov: int, c_non: int, r_cov: int, r_non: int, d: int, form: str, nhi: Any = None):
    """(payout, deductible part, rate part) of one claim; see engine.deductibles.split_claim."""
    total = c_cov + c_non
    by_rate = (c_cov * (PPM - r_cov) + c_non * (PPM - r_non)) // PPM
    if form == "additive":
        r = r_cov if c_cov else r_non
        payout = (max(total - d, 0) * (PPM - r)) // PPM
        ded = min(d, total)
        return payout, ded, total - payout - ded
    if nhi is not None:
        by_rate = min(by_rate, (c_cov * (PPM - nhi)) // PPM + c_non)
    payout = max(min(total - d, by_rate), 0)
    self_pay = total - payout
    ded = self_pay if (total - d <= by_rate and d > 0) else 0
    return payout, ded, self_pay - ded


def nhi_ppm(copay: int, nhis: int) -> int:
    den = copay + nhis
    return 0 if den == 0 else (2 * copay * PPM + den) // (2 * den)


def shares(total: int, weights: list[int]) -> list[int]:
    """Largest remainders: floor shares, then +1 by largest remainder, earlier line first."""
    w_sum = sum(weights)
    if w_sum == 0:
        return [0] * len(weights)
    out = [total * w // w_sum for w in weights]
    rems = [total * w % w_sum for w in weights]
    left = total - sum(out)
    for i in sorted(range(len(weights)), key=lambda i: (-rems[i], i))[:left]:
        out[i] += 1
    return out


_NO_KEY = {"-", "--", "—", "–", "―", "‐", ".", "·", "/", "x", "×", "0", "없음", "해당없음", "미상",
           "모름", "n/a", "na", "none", "null", "nan", "n", "no", "아니오", "아니요", "무", "없슴",
           "?", "unknown"}


def _visit_key(cell: Any, numbered: bool = False) -> str:
    """방문묶음 as one key: NFKC, no whitespace, case folded, 1.0 → 1; a none mark → "" (but
    0 is a key where the keys are numbers: ``numbered``)."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return ""
    key = "".join(unicodedata.normalize("NFKC", str(cell)).split()).casefold()
    if key.endswith(".0") and key[:-2].isdigit():
        key = key[:-2]
    return key if numbered and key == "0" else "" if key in _NO_KEY else key


def reference_assess(
    receipts: pd.DataFrame, policy: Policy, policy_start: Any = None, ceiling: Any = None
) -> pd.DataFrame:
    records = receipts.to_dict("records")
    keys = {_visit_key(r.get("visit", "")) for r in records}
    numbered = any(k.isdigit() for k in keys) and any(
        _visit_key(r.get("visit", ""), True) == "0" for r in records
    )
    rows = []
    for pos, rec in enumerate(records):
        row = {
            "pos": pos,
            "person": str(rec.get("person", "본인")),
            "day": pd.Timestamp(rec["date"]).date(),
            "setting": rec["setting"],
            "tier": rec["tier"],
            "category": rec.get("category", "") or "",
            "covered_copay": int(rec["covered_copay"]),
            "full_copay": int(rec.get("full_copay", 0)),
            "noncovered": int(rec["noncovered"]),
            "nhis": int(rec.get("nhis_paid", 0)),
            "over": int(rec.get("over_ceiling", 0)),
            "days": int(rec.get("days", 0)),
            # 병원명 as lines are grouped by it: NFKC, no whitespace (가나 의원 = 가나의원)
            "institution": "".join(
                unicodedata.normalize("NFKC", str(rec.get("institution", "") or "")).split()
            ),
            "visit": _visit_key(rec.get("visit", ""), numbered),
            "department": str(rec.get("department", "") or ""),  # 진료과, where given
            "severe": bool(rec.get("severe", False)),
            "diagnosis": str(rec.get("diagnosis", "") or ""),
            "due_date": str(rec.get("due_date", "") or ""),
            "hook": 0 if ceiling is None else int(ceiling[pos]),
        }
        rows.append(row)
    if policy_start is None:
        start = dt.date(min(r["day"] for r in rows).year, 1, 1)
    else:
        start = pd.Timestamp(policy_start).date()
    policy = policy.for_contract(start)  # a product's values as of the contract date
    for r in rows:
        r["year"] = policy_year(r["day"], start)
        for k in (
            "payout",
            "pay_non",
            "ded",
            "rate",
            "refund",
            "cap",
            "count",
            "annual",
            "session",
        ):
            r[k] = 0
        r["proof"] = False
    rows.sort(key=lambda r: (r["person"], r["day"], r["pos"]))
    admission_ids(rows)

    # 1. exclusions and routing
    for r in rows:
        r["part_of"] = {}
        r["clause"] = ""
        for col in AMOUNTS:
            excluded = r["year"] < 0
            if excluded and r[col] > 0:
                r["clause"] = r["clause"] or BEFORE_START
            for ex in policy.exclusions:
                if col not in ex.amounts:
                    continue
                if not is_care(r, ex):
                    continue
                if ex.severe is not None and r["severe"] != ex.severe:
                    continue
                if ex.settings is not None and r["setting"] not in ex.settings:
                    continue
                if ex.start is not None and r["day"] < ex.start:
                    continue
                if ex.until is not None and r["day"] > ex.until:
                    continue
                if ex.waiting_years is not None and r["day"] >= anniversary(
                    start, ex.waiting_years.at(r["day"])
                ):
                    continue
                label = ex.label
                if ex.label == pregnancy_rule().exclusion and r["year"] >= 0:
                    label = due_date_decision(r, start)  # None: the condition holds
                    if label is None:
                        continue
                if not excluded and r[col] > 0:
                    r.setdefault("clauses", []).append((policy.exclusions.index(ex), label))
                excluded = True
            routed = policy.route(col, r["category"], r["severe"])
            r["part_of"][col] = None if excluded else routed
        r["excluded"] = sum(r[c] for c in AMOUNTS if r["part_of"][c] is None)
        if r["excluded"] == 0:
            r["clause"] = ""
        elif not r["clause"]:  # the first clause in file order that removed an amount
            r["clause"] = min(r.get("clauses", [(len(policy.exclusions), NOT_PAID)]))[1]
        # 2. ceiling offset
        if r["part_of"]["covered_copay"] is None:
            r["offset"] = 0
        else:
            r["offset"] = min(max(r["over"], r["hook"]), r["covered_copay"])

    # 3–6. each part
    for k, part in enumerate(policy.parts):
        for r in rows:
            cov = 0
            if r["part_of"]["covered_copay"] == k:
                cov += r["covered_copay"] - r["offset"]
            if r["part_of"]["full_copay"] == k:
                cov += r["full_copay"]
            non = r["noncovered"] if r["part_of"]["noncovered"] == k else 0
            r["a_cov"], r["a_non"], r["pay_k"] = cov, non, 0
        if part.kind == "visit":
            visit_part(rows, part, policy.combine_same_day, policy.count_basis[0])
        elif part.kind == "treatment":
            treatment_part(rows, part, policy.count_basis[0])
        else:
            room_part(rows, part)
        # 7. yearly limit on the running total
        running: dict[tuple, int] = {}
        for r in rows:
            pay = r["pay_k"]
            counted = part.limit_settings is None or r["setting"] in part.limit_settings
            if part.annual_limit is not None and counted:
                key = (r["person"], r["year"])
                limit = part.annual_limit.at(r["day"])
                before = running.get(key, 0)
                kept = max(0, min(pay, limit - before))
                running[key] = before + pay
                r["annual"] += pay - kept
                pay = kept
            r["payout"] += pay
            r["pay_non"] += noncovered_share(pay, r["a_cov"], r["a_non"])

    out = []
    for r in sorted(rows, key=lambda r: r["pos"]):
        claim = r["covered_copay"] + r["full_copay"] + r["noncovered"]
        if r["count"] > 0:
            zone = "count_limit"
        elif r["annual"] > 0:
            zone = "annual_limit"
        elif r["cap"] > 0:
            zone = "visit_cap"
        else:
            base = [
                ("excluded", r["excluded"]),
                ("deductible", r["ded"]),
                ("rate", r["rate"]),
                ("ceiling_offset", r["offset"]),
            ]
            best = max(amount for _, amount in base)
            zone = "rate" if best == 0 else next(z for z, a in base if a == best)
        out.append(
            {
                "claim": claim,
                "excluded": r["excluded"],
                "ceiling_offset": r["offset"],
                "eligible": claim - r["excluded"] - r["offset"],
                "deductible": r["ded"],
                "rate_part": r["rate"],
                "selfpay_cap_refund": r["refund"],
                "visit_cap_cut": r["cap"],
                "count_cut": r["count"],
                "annual_cut": r["annual"],
                "payout": r["payout"],
                "payout_noncovered": r["pay_non"],
                "self_pay": claim - r["payout"],
                "zone": zone,
                "excluded_by": r["clause"],
                "session_no": r["session"],
                "needs_improvement_proof": r["proof"],
                "policy_year": pd.NaT
                if r["year"] < 0
                else pd.Timestamp(anniversary(start, r["year"])),
            }
        )
    return pd.DataFrame(out)


BEFORE_START = "계약일 전 진료 (care before the contract date)"
NOT_PAID = "이 상품이 보장하지 않는 금액 (no part of this product pays this amount)"


def is_care(r: dict, ex: Any) -> bool:
    """The line is the care an exclusion names: one of its categories, or a diagnosis code
    whose first three characters fall in one of its ranges (no such key: every line)."""
    if ex.categories is None and ex.diagnoses is None:
        return True
    if ex.categories is not None and r["category"] in ex.categories:
        return True
    code = r["diagnosis"].upper()[:3]
    return bool(code) and any(lo <= code <= hi for lo, hi in ex.diagnoses or ())


def due_date_decision(r: dict, start: dt.date) -> str | None:
    """5세대 임신·출산 ①: None where 계약일 + 280일 ≤ 출산예정일; else the ``excluded_by`` label
    (decided by the due date, or by a birth less than 140 days after the contract); a line
    neither settles (with ①) is refused."""
    rule = pregnancy_rule()
    by_due, by_birth = rule.labels(rule.exclusion)
    if r["due_date"]:
        due = dt.date.fromisoformat(r["due_date"])
        return None if start + dt.timedelta(rule.days_before_due) <= due else by_due
    code = r["diagnosis"].upper()[:3]
    birth = any(lo <= code <= hi for lo, hi in rule.birth_codes + rule.after_birth_codes)
    inpatient = r["setting"] == "inpatient"
    if code and birth and (not inpatient or r["days"] > 0):
        last = r["day"] + dt.timedelta(r["days"] if inpatient else 0)
        if (last - start).days < rule.min_birth_days:
            return by_birth
    if r["covered_copay"] > 0:
        raise ValueError(f"row {r['pos']}: 임신·출산 line needs its 출산예정일")
    return by_due  # nothing to take: the clause names nothing on this line


def visit_part(rows: list[dict], part: Part, combine: bool, basis: str = "paid") -> None:
    # inpatient: each line alone; yearly self-pay cap on the running retained amount
    rule = part.settings["inpatient"]
    retained: dict[tuple, int] = {}
    for r in rows:
        if r["setting"] != "inpatient" or r["a_cov"] + r["a_non"] == 0:
            continue
        day = r["day"]
        pay, ded, rate = split(
            r["a_cov"],
            r["a_non"],
            ppm(rule.get("rate_covered"), day) if rule.get("rate_covered") else 0,
            ppm(rule.get("rate_noncovered"), day) if rule.get("rate_noncovered") else 0,
            tier_min(rule, r["tier"], day),
            rule.form,
        )
        cap = rule.get("selfpay_cap")
        if cap is not None and (not rule.selfpay_cap_tiers or r["tier"] in rule.selfpay_cap_tiers):
            key = (r["person"], r["year"])
            before = retained.get(key, 0)
            mine = ded + rate
            kept = max(0, min(mine, cap.at(day) - before))
            retained[key] = before + mine
            back = mine - kept
            from_rate = min(back, rate)
            rate -= from_rate
            ded -= back - from_rate
            pay += back
            r["refund"] += back
        r["pay_k"], r["ded"], r["rate"] = pay, r["ded"] + ded, r["rate"] + rate
    adm = rule.get("admission_cap")  # 입원 1건당: Σ payout of the admission's lines
    if adm is not None:
        capped_rows = [
            r
            for r in rows
            if r["setting"] == "inpatient"
            and r["a_cov"] + r["a_non"] > 0
            and (not rule.admission_cap_tiers or r["tier"] in rule.admission_cap_tiers)
        ]
        for stay in by_admission(capped_rows):
            total = sum(r["pay_k"] for r in stay)
            cut = max(0, total - adm.at(stay[0]["day"]))
            for r, s in zip(stay, shares(cut, [r["pay_k"] for r in stay]), strict=True):
                r["cap"] += s
                r["pay_k"] -= s

    # outpatient visits (and prescriptions)
    pharmacy_rule = part.settings.get("pharmacy")
    if combine or pharmacy_rule is None:
        kinds = [({"outpatient", "pharmacy"}, part.settings["outpatient"])]
    else:
        kinds = [({"outpatient"}, part.settings["outpatient"]), ({"pharmacy"}, pharmacy_rule)]
    for settings, rule in kinds:
        mine = [r for r in rows if r["setting"] in settings]
        # each kind by its own rule's unit; 외래 on its own (1–3세대): unnamed lines alone
        visits = group_visits(mine, rule.visit_unit, blank_alone=settings == {"outpatient"})
        done = []
        for visit in visits:
            head = visit[0]
            day = head["day"]
            c_cov = sum(r["a_cov"] for r in visit)
            c_non = sum(r["a_non"] for r in visit)
            nhi = None
            if rule.nhi_rate:
                nhi = nhi_ppm(sum(r["covered_copay"] for r in visit), sum(r["nhis"] for r in visit))
            pay, ded, rate = split(
                c_cov,
                c_non,
                ppm(rule.get("rate_covered"), day) if rule.get("rate_covered") else 0,
                ppm(rule.get("rate_noncovered"), day) if rule.get("rate_noncovered") else 0,
                max(tier_min(rule, r["vtier"], day) for r in visit),
                rule.form,
                nhi,
            )
            cap_cut = 0
            if rule.get("visit_cap") is not None:
                cap_cut = max(0, pay - rule.get("visit_cap").at(day))
            pay -= cap_cut
            # "paid": only a visit that pays something before the count cut uses up a count
            counts = c_cov + c_non > 0 and (basis == "eligible" or pay > 0)
            done.append((visit, pay, ded, rate, cap_cut, counts))
        numbers = day_numbers([(v[0]["person"], v[0]["year"], v[0]["day"], pay, counts)
                               for v, pay, _, _, _, counts in done])  # fmt: skip
        for (visit, pay, ded, rate, cap_cut, _), number in zip(done, numbers, strict=True):
            day = visit[0]["day"]
            count_cut = 0
            if rule.get("count") is not None and number and number > rule.get("count").at(day):
                count_cut = pay
            pay -= count_cut
            # share each step over the visit's lines by what is left on each line
            left = [r["a_cov"] + r["a_non"] for r in visit]
            got = []
            for step in (ded, rate, cap_cut, count_cut):
                s = shares(step, left)
                got.append(s)
                left = [a - b for a, b in zip(left, s, strict=True)]
            for i, r in enumerate(visit):
                r["ded"] += got[0][i]
                r["rate"] += got[1][i]
                r["cap"] += got[2][i]
                r["count"] += got[3][i]
                r["pay_k"] = left[i]


def group_visits(rows: list[dict], unit: str, blank_alone: bool = False) -> list[list[dict]]:
    """Outpatient/pharmacy rows (sorted by person, day, file order) as visits, each in row
    order, the visits ordered by their first row; sets each row's ``vtier`` (the tier it
    brings to its visit's minimum). ``line``: each row, but rows sharing a visit key are one
    (1–3세대 처방전 1건당). ``blank_alone``: under ``institution`` a row without an
    institution name is a visit of its own (unless a visit key joins it)."""
    for r in rows:
        r["vtier"] = r["tier"]
    if unit == "institution" and blank_alone and not any(r["institution"] for r in rows):
        unit = "line"
    if unit == "line":
        keyed: dict[str, list[dict]] = {}
        out: list[list[dict]] = []
        for r in rows:
            if r["visit"] and r["visit"] in keyed:
                keyed[r["visit"]].append(r)
                continue
            out.append([r])
            if r["visit"]:
                keyed[r["visit"]] = out[-1]
        return out  # in row order (person, day, file order), each by its first row
    order = list(TIERS)
    # the tier of each institution its 외래 rows give (the highest), any person, any day
    inst_tier: dict[str, str] = {}
    for r in rows:
        if r["setting"] == "outpatient" and r["institution"]:
            old = inst_tier.get(r["institution"])
            if old is None or order.index(r["tier"]) > order.index(old):
                inst_tier[r["institution"]] = r["tier"]
    out_keys = {r["visit"] for r in rows if r["setting"] == "outpatient" and r["visit"]}
    days: dict[tuple, list[dict]] = {}
    for r in rows:
        days.setdefault((r["person"], r["day"]), []).append(r)
    groups: list[list[dict]] = []
    for day_rows in days.values():
        if unit == "day":
            groups.append(list(day_rows))
            continue
        # 외래: one visit per institution (blank counts as one) and treatment purpose
        slots: dict[str, list[dict]] = {}
        for r in day_rows:
            if r["setting"] == "outpatient":
                name = r["institution"] or (f"\0{r['pos']}" if blank_alone else "")
                slots.setdefault(name, []).append(r)
        outpatient: dict[tuple, list[dict]] = {}
        for name, slot_rows in slots.items():
            for r in slot_rows:
                outpatient.setdefault((name, purpose_of(r, slot_rows)), []).append(r)
        best = None  # the highest tier, then the one listed first
        for name, group in outpatient.items():
            key = (-max(order.index(r["tier"]) for r in group), group[0]["pos"])
            if best is None or key < best[0]:
                best = (key, name)
        # 약국: the named prescribing institution's first visit that day; a prescriber seen
        # only on other days: alone, at its tier; else the best 외래 visit, else by own name
        here = {k: list(g) for k, g in outpatient.items()}
        for r in day_rows:
            if r["setting"] != "pharmacy":
                continue
            if r["visit"] and r["visit"] in out_keys:  # joined by its 방문묶음 key alone
                here.setdefault(("keyed", r["pos"]), []).append(r)
                continue
            at_named = [k for k in outpatient if k[0] == r["institution"]]
            if r["institution"] != "" and at_named:
                here[min(at_named, key=lambda k: outpatient[k][0]["pos"])].append(r)
            elif r["institution"] in inst_tier:
                here.setdefault(("pharmacy", r["institution"]), []).append(r)
                if r["tier"] == "pharmacy":
                    r["vtier"] = inst_tier[r["institution"]]
            elif best is not None:
                here[best[1]].append(r)
            else:
                here.setdefault(("pharmacy", r["institution"]), []).append(r)
        groups += here.values()
    # a visit key joins every group holding one of its rows (a 외래 day and later 약국 too)
    merged = [g for g in groups if g]
    parent = list(range(len(merged)))  # union–find: groups sharing a key become one

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, g in enumerate(merged):
        for r in g:
            if r["visit"]:
                a, b = root(i), root(owner.setdefault(r["visit"], i))
                parent[max(a, b)] = min(a, b)
    joined: dict[int, list[dict]] = {}
    for i, g in enumerate(merged):
        joined.setdefault(root(i), []).extend(g)
    merged = list(joined.values())
    rank = {id(r): i for i, r in enumerate(rows)}  # (person, day, file order)
    for g in merged:
        g.sort(key=lambda r: rank[id(r)])
    return sorted(merged, key=lambda g: rank[id(g[0])])


def purpose_of(r: dict, slot_rows: list[dict]) -> tuple:
    """The treatment purpose of 외래 row ``r`` among the rows of its person–day–institution:
    its 방문묶음 key; a keyless row the one key of the rows of its 진료과, if just one, else
    its 진료과 (blank is one more)."""
    if r["visit"]:
        return ("key", r["visit"])
    keys = {q["visit"] for q in slot_rows if q["visit"] and q["department"] == r["department"]}
    if len(keys) == 1:
        return ("key", keys.pop())
    return ("department", r["department"])


def day_numbers(items: list[tuple[Any, Any, Any, int, bool]]) -> list[int]:
    """Each (person, year, day, pay, counts) its yearly number among those that count (0 for
    one that does not): by day, within a day the larger pay first, ties in order."""
    at = sorted((i for i, it in enumerate(items) if it[4]),
                key=lambda i: (items[i][0], items[i][1], items[i][2], -items[i][3], i))  # fmt: skip
    seen: dict[tuple, int] = {}
    out = [0] * len(items)
    for i in at:
        key = (items[i][0], items[i][1])
        seen[key] = seen.get(key, 0) + 1
        out[i] = seen[key]
    return out


def treatment_part(rows: list[dict], part: Part, basis: str = "paid") -> None:
    rule = part.treatment
    mine = [r for r in rows if r["a_non"] > 0]
    acts = treatment_acts(rows, mine) if rule.visit_unit == "visit" else [[r] for r in mine]
    sessions: dict[tuple, int] = {}  # every treatment with an amount (brackets, session_no)
    done = []
    for act in acts:
        head = act[0]
        day = head["day"]
        key = (head["person"], head["year"])
        sessions[key] = sessions.get(key, 0) + 1
        n = sessions[key]
        if part.brackets:
            rate_param = [p for first, p in part.brackets if n >= first][-1]
        else:
            rate_param = rule.params["rate"]
        pay, ded, rate = split(
            0,
            sum(r["a_non"] for r in act),
            0,
            ppm(rate_param, day),
            value(rule.get("min"), day, 0),
            rule.form,
        )
        cap_cut = 0
        if rule.get("visit_cap") is not None:
            cap_cut = max(0, pay - rule.get("visit_cap").at(day))
        pay -= cap_cut
        done.append((act, n, pay, ded, rate, cap_cut, basis == "eligible" or pay > 0))
    numbers = day_numbers([(a[0]["person"], a[0]["year"], a[0]["day"], pay, counts)
                           for a, _, pay, _, _, _, counts in done])  # fmt: skip
    for (act, n, pay, ded, rate, cap_cut, _), number in zip(done, numbers, strict=True):
        day = act[0]["day"]
        limit = value(rule.get("count"), day)
        over = bool(number) and limit is not None and number > limit
        count_cut = pay if over else 0
        block = value(rule.get("improvement_block"), day)
        left = [r["a_non"] for r in act]
        got = []
        for step in (ded, rate, cap_cut, count_cut):
            got.append(shares(step, left))
            left = [a - b for a, b in zip(left, got[-1], strict=True)]
        for i, r in enumerate(act):
            if block and n > block and not over:
                r["proof"] = True
            r["session"] = n
            r["ded"] += got[0][i]
            r["rate"] += got[1][i]
            r["cap"] += got[2][i]
            r["count"] += got[3][i]
            r["pay_k"] = left[i]


def treatment_acts(rows: list[dict], mine: list[dict]) -> list[list[dict]]:
    """``mine`` (rows in row order) as acts when a treatment is taken per visit: 외래 rows
    of one 통원 (person, day, institution; a blank name alone; visit keys join), inpatient
    rows of one admission, each 약국 row alone; acts ordered by their first row."""
    outpatient = [r for r in rows if r["setting"] == "outpatient"]
    visit_of = {}
    for n, visit in enumerate(group_visits(outpatient, "institution", blank_alone=True)):
        for r in visit:
            visit_of[r["pos"]] = n
    acts: dict[tuple, list[dict]] = {}
    for r in mine:
        if r["setting"] == "outpatient":
            key: tuple = ("outpatient", visit_of[r["pos"]])
        elif r["setting"] == "inpatient":
            key = ("inpatient", r["adm"])
        else:
            key = ("pharmacy", r["pos"])
        acts.setdefault(key, []).append(r)
    return list(acts.values())


def room_part(rows: list[dict], part: Part) -> None:
    """min(Σ 50% × 차액, 10만원 × 총 입원일수) per admission (총 입원일수: the days covered by
    all its 입원 rows, :func:`stay_days`; the cap of its first room row's date), the cut shared
    by what each pays."""
    mine = [r for r in rows if r["a_non"] > 0]
    for r in mine:
        c = r["a_non"]
        r["pay_k"] = c * (PPM - ppm(part.room["rate"], r["day"])) // PPM
        r["rate"] += c - r["pay_k"]
    total_days = stay_days(rows)
    for stay in by_admission(mine):
        total = sum(r["pay_k"] for r in stay)
        cap = part.room["daily_cap"].at(stay[0]["day"]) * total_days[stay[0]["adm"]]
        cut = max(0, total - cap)
        for r, s in zip(stay, shares(cut, [r["pay_k"] for r in stay]), strict=True):
            r["cap"] += s
            r["pay_k"] -= s


def noncovered_share(pay: int, cov: int, non: int) -> int:
    """The 비급여 part of payout ``pay`` of a part that took 급여 ``cov`` and 비급여 ``non``:
    pay × non ÷ (cov + non) rounded to the nearest won, a half going to 급여."""
    if non == 0:
        return 0
    if cov == 0:
        return pay
    q, r = divmod(pay * non, cov + non)
    return q + (1 if 2 * r > cov + non else 0)


# --- duplicate policies (다수보험의 처리), one line at a time ------------------------------------


def pooled(policy: Policy) -> bool:
    """A part takes 급여 and 비급여 in one deductible (1–3세대 주계약)."""
    return any(
        ("covered_copay" in p.amounts or "full_copay" in p.amounts) and "noncovered" in p.amounts
        for p in policy.parts
    )


def reference_assess_many(
    receipts: pd.DataFrame, policies: list[Policy], policy_start: Any = None, ceiling: Any = None
) -> pd.DataFrame:
    """The rule of silson_tools.engine.many, line by line with Python ints.

    For each line (and side, 급여 and 비급여, when any policy splits them) and each policy:
    E = what it considers eligible, K = deductible + rate part, P = its payout alone.
    Together the policies covering the line (E > 0) pay min(ΣP, max E − min K), each its
    share by P (largest remainders, ties to the first policy).
    """
    starts = (
        list(policy_start)
        if isinstance(policy_start, list | tuple)
        else [policy_start] * len(policies)
    )
    alone = [
        reference_assess(receipts, p, s, ceiling) for p, s in zip(policies, starts, strict=True)
    ]
    split = not all(pooled(p) for p in policies)
    only_non = receipts.copy()
    for col in ("covered_copay", "full_copay", "over_ceiling"):
        if col in only_non.columns:
            only_non[col] = 0
    non = [
        reference_assess(only_non, p, s) if split else None
        for p, s in zip(policies, starts, strict=True)
    ]
    names: list[str] = []
    for p in policies:
        k = 1
        while (p.name if k == 1 else f"{p.name}_{k}") in names:
            k += 1
        names.append(p.name if k == 1 else f"{p.name}_{k}")
    rows = []
    for n in range(len(receipts)):
        per_side: list[list[tuple[int, int, int]]] = []  # side → policy → (E, K, P)
        for i, policy in enumerate(policies):
            a = alone[i].iloc[n]
            e, k, p = int(a["eligible"]), int(a["deductible"] + a["rate_part"]), int(a["payout"])
            if not split:
                sides = [(e, k, p)]
            else:
                b = non[i].iloc[n]
                e_non = int(b["eligible"])
                p_non = int(a["payout_noncovered"])
                e_cov, p_cov = e - e_non, p - p_non
                if pooled(policy):  # P + K splits like the payout
                    k_non = noncovered_share(p + k, e_cov, e_non) - p_non
                else:
                    k_non = int(b["deductible"] + b["rate_part"])
                # P + K ≤ E on each side
                k_non = max(k_non, k - (e_cov - p_cov), 0)
                k_non = min(k_non, k, e_non - p_non)
                sides = [(e_cov, k - k_non, p_cov), (e_non, k_non, p_non)]
            for s, amounts in enumerate(sides):
                if len(per_side) <= s:
                    per_side.append([])
                per_side[s].append(amounts)
        pay = [0] * len(policies)
        max_e = min_k = 0
        for side in per_side:
            covering = [i for i, (e, _, _) in enumerate(side) if e > 0]
            if not covering:
                continue
            top = max(side[i][0] for i in covering)
            low = min(side[i][1] for i in covering)
            max_e += top
            min_k += low
            weights = [side[i][2] if i in covering else 0 for i in range(len(side))]
            total = min(sum(weights), top - low)
            for i, got in enumerate(shares(total, weights)):
                pay[i] += got
        claim = int(alone[0].iloc[n]["claim"])
        row: dict[str, Any] = {
            "claim": claim,
            "loss": claim - max(int(a.iloc[n]["ceiling_offset"]) for a in alone),
        }
        for i, name in enumerate(names):
            a = alone[i].iloc[n]
            row[f"eligible_{name}"] = int(a["eligible"])
            row[f"deductible_{name}"] = int(a["deductible"] + a["rate_part"])
            row[f"standalone_{name}"] = int(a["payout"])
            row[f"payout_{name}"] = pay[i]
        row["max_eligible"] = max_e
        row["min_deductible"] = min_k
        row["duplicate_cap"] = max_e - min_k
        row["payout"] = sum(pay)
        row["self_pay"] = claim - sum(pay)
        rows.append(row)
    return pd.DataFrame(rows)
