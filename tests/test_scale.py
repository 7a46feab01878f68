"""silson_tools.scale: a claims table on disk, assessed in memory or on dask, line for line
equal to the engine; persons split across files; bad lines located by file, row, column."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyarrow")
distributed = pytest.importorskip("distributed")

from silson_tools import assess, assess_many  # noqa: E402
from silson_tools.ceiling import CertainRefund  # noqa: E402
from silson_tools.errors import InputError, ReceiptError  # noqa: E402
from silson_tools.scale import assess_table, cohort, write_cohort  # noqa: E402
from silson_tools.scale.cli import main  # noqa: E402
from silson_tools.scale.run import text_progress  # noqa: E402


@pytest.fixture(scope="module")
def client():
    """An in-process dask cluster (two workers, one thread each): the same tasks, no spawn.
    Its scheduler's HTTP server on a free loopback port, as the CLI's cluster: 8787 may be
    taken (another cluster running) and then distributed warns."""
    with distributed.Client(
        processes=False,
        n_workers=2,
        threads_per_worker=1,
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    ) as c:
        yield c


def write_files(frame: pd.DataFrame, folder: Path, cuts: list[int]) -> Path:
    """``frame`` cut at ``cuts`` into parquet files (small row groups: several parts each)."""
    folder.mkdir(parents=True)
    bounds = [0, *cuts, len(frame)]
    for k in range(len(bounds) - 1):
        piece = frame.iloc[bounds[k] : bounds[k + 1]]
        piece.to_parquet(folder / f"f{k}.parquet", index=False, row_group_size=300)
    return folder


def read_out(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path).sort_values("line_id").reset_index(drop=True)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Every column of every line equal (values; text dtypes may differ in storage)."""
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for col in a.columns:
        x, y = a[col], b[col]
        if x.dtype.kind in "iMb" or y.dtype.kind in "iMb":
            assert x.equals(y.astype(x.dtype)), col  # NaT on the same lines counts as equal
        else:
            assert (x.astype(str).to_numpy() == y.astype(str).to_numpy()).all(), col


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> tuple[pd.DataFrame, Path]:
    """A cohort with five policy settings, monthly contract dates and 중복가입, in 4 files
    (time slices: every person's lines sit in several files)."""
    frame = cohort(4_000, people=60, seed=3, files=4)
    folder = tmp_path_factory.mktemp("mixed") / "in"
    return frame, write_files(frame, folder, [1000, 2000, 3000])


def test_pandas_engine_equals_assess_for_one_policy(tmp_path):
    frame = cohort(3_000, people=40, seed=1).drop(columns=["policy", "policy_start"])
    src = write_files(frame, tmp_path / "in", [1200, 2500])
    assess_table(src, tmp_path / "out.parquet", policy="gen4")
    # the table in one piece, its own default start, the certain 상한제 refund taken out
    expected = assess(frame, "gen4", ceiling=CertainRefund())
    same(pd.read_parquet(tmp_path / "out.parquet"), expected.reset_index(drop=True))


def test_dask_equals_pandas_with_several_policies_and_dates(mixed, tmp_path, client):
    frame, src = mixed
    assert frame["policy"].nunique() == 5 and frame["policy_start"].nunique() > 20
    assess_table(src, tmp_path / "p", engine="pandas")
    stats = assess_table(
        src, tmp_path / "d", engine="dask", client=client, bucket_lines=700, part_lines=500
    )
    assert stats.buckets == 6 and stats.lines == len(frame)
    pandas_out, dask_out = read_out(tmp_path / "p"), read_out(tmp_path / "d")
    same(pandas_out, dask_out)
    assert (dask_out["duplicate_cut"] > 0).any()  # 비례보상 did something


def test_each_group_is_what_the_engine_gives_it(mixed, tmp_path, client):
    """The dask result of each (policy, start) group equals assess / assess_many on that
    group's lines alone (whole persons, in input order)."""
    frame, src = mixed
    out = assess_table(src, tmp_path / "d", engine="dask", client=client, bucket_lines=900)
    assert out.lines == len(frame)
    got = read_out(tmp_path / "d")
    for (policy, start), sub in list(frame.groupby(["policy", "policy_start"], sort=True))[:12]:
        rows = got.set_index("line_id").loc[sub["line_id"]]
        if "+" in policy:
            want = assess_many(sub, policy.split("+"), start.split("+"), CertainRefund())
            assert (rows["payout"].to_numpy() == want["payout"].to_numpy()).all()
            assert (rows["self_pay"].to_numpy() == want["self_pay"].to_numpy()).all()
        else:
            want = assess(sub, policy, start, ceiling=CertainRefund())
            for col in ("payout", "deductible", "count_cut", "annual_cut", "policy_year"):
                assert (rows[col].to_numpy() == want[col].to_numpy()).all(), (policy, col)


def test_reordered_input_gives_each_line_the_same_as_in_memory(tmp_path, client):
    frame = cohort(2_000, people=25, seed=5).sample(frac=1.0, random_state=7)
    frame = frame.reset_index(drop=True)
    src = write_files(frame, tmp_path / "in", [700, 1400])
    assess_table(src, tmp_path / "d", engine="dask", client=client, bucket_lines=400)
    assess_table(src, tmp_path / "p", engine="pandas")
    same(read_out(tmp_path / "p"), read_out(tmp_path / "d"))


def test_a_person_in_several_files_is_one_person(tmp_path, client):
    """Three MRIs of 2,000,000 won under gen4 (MRI 300만원 a year): two in one file, one in
    another. Assessed file by file they would pay 3,000,000 + 1,400,000; as one person the
    yearly sub-limit holds."""
    line = {"person": "kim", "setting": "outpatient", "tier": "general", "covered_copay": 0,
            "noncovered": 2_000_000, "category": "mri", "nhis_paid": 0}  # fmt: skip
    a = pd.DataFrame([{**line, "date": f"2024-03-0{d}", "line_id": d} for d in (1, 2)])
    b = pd.DataFrame([{**line, "date": "2024-05-01", "line_id": 3}])
    src = tmp_path / "in"
    src.mkdir()
    a.to_parquet(src / "a.parquet", index=False)
    b.to_parquet(src / "b.parquet", index=False)
    split = (
        assess(a, "gen4", "2024-01-01")["payout"].sum()
        + assess(b, "gen4", "2024-01-01")["payout"].sum()
    )
    assess_table(src, tmp_path / "d", engine="dask", client=client, policy="gen4",
                 start="2024-01-01", bucket_lines=1)  # fmt: skip
    got = read_out(tmp_path / "d")
    whole = assess(pd.concat([a, b]), "gen4", "2024-01-01")["payout"].sum()
    assert got["payout"].sum() == whole <= 3_000_000 < split


def test_default_start_is_the_tables_not_the_chunks(tmp_path, client):
    """No start anywhere: 1 January of the whole table's earliest year (2021 here, from one
    person), for every bucket — a person assessed alone would get 2023."""
    frame = cohort(1_500, people=30, seed=2).drop(columns=["policy", "policy_start"])
    early = frame.iloc[[0]].assign(person=-1, date=pd.Timestamp("2021-06-01"), line_id=-1)
    frame = pd.concat([early, frame], ignore_index=True)
    src = write_files(frame, tmp_path / "in", [800])
    assess_table(src, tmp_path / "d", engine="dask", client=client, policy="gen3",
                 bucket_lines=200)  # fmt: skip
    got = read_out(tmp_path / "d")
    want = assess(frame, "gen3").sort_values("line_id").reset_index(drop=True)
    assert (got["payout"] == want["payout"]).all()
    assert got["policy_year"].min() == pd.Timestamp("2021-01-01")


@pytest.mark.parametrize("engine", ["pandas", "dask"])
def test_a_malformed_line_names_file_row_and_column(tmp_path, client, engine):
    frame = cohort(600, people=10, seed=4)
    frame["noncovered"] = frame["noncovered"].astype(str)  # text, as some exports write it
    frame.loc[437, "noncovered"] = "abc"  # file f1.parquet, its 138th line
    src = write_files(frame, tmp_path / "in", [300])
    with pytest.raises(ReceiptError) as err:
        assess_table(src, tmp_path / "o", engine=engine, client=client, bucket_lines=100)
    (problem,) = err.value.problems
    assert problem.file.endswith("f1.parquet") and problem.row == 138
    assert "noncovered" in problem.column and problem.value == "abc"
    assert not (tmp_path / "o").exists()  # nothing written


def test_one_policy_per_person(tmp_path, client):
    frame = cohort(400, people=5, seed=6)
    person = frame.loc[250, "person"]
    first = frame.index[frame["person"] == person][0]
    frame.loc[250, "policy"] = "gen1" if frame.loc[first, "policy"] != "gen1" else "gen2"
    src = write_files(frame, tmp_path / "in", [200])
    if first >= 250:  # the changed line is the person's first: the others differ from it
        pytest.skip("seed gives the person no earlier line")
    with pytest.raises(ReceiptError) as err:
        assess_table(src, tmp_path / "o", engine="dask", client=client)
    problem = err.value.problems[0]
    assert problem.file.endswith("f1.parquet") and problem.row == 51 and "policy" in problem.column


def test_unknown_policy_in_a_cell_is_located(tmp_path):
    frame = cohort(100, people=3, seed=8)
    frame["policy"] = frame["policy"].astype(str)
    frame.loc[frame["person"] == frame.loc[40, "person"], "policy"] = "gen9"
    src = write_files(frame, tmp_path / "in", [])
    with pytest.raises(ReceiptError) as err:
        assess_table(src, tmp_path / "o")
    assert err.value.problems[0].value == "gen9" and "policy" in err.value.problems[0].column


def test_output_is_never_overwritten_and_policy_is_needed(tmp_path):
    frame = cohort(50, people=2, seed=9).drop(columns=["policy"])
    src = write_files(frame, tmp_path / "in", [])
    with pytest.raises(InputError, match="policy"):
        assess_table(src, tmp_path / "o")
    (tmp_path / "o").mkdir()
    with pytest.raises(InputError, match="exists"):
        assess_table(src, tmp_path / "o", policy="gen4")


def test_csv_input_and_extra_columns_pass_through(tmp_path):
    frame = cohort(300, people=6, seed=10).assign(study_arm="B")
    frame.to_csv(tmp_path / "small.csv", index=False)
    assess_table(tmp_path / "small.csv", tmp_path / "o.parquet")
    got = pd.read_parquet(tmp_path / "o.parquet")
    assert (got["study_arm"] == "B").all() and (got["line_id"] == frame["line_id"]).all()
    assert {"payout", "self_pay", "zone", "deductible", "duplicate_cut"} <= set(got.columns)
    assert (got["payout"] + got["self_pay"] == got["claim"]).all()


def test_cli_writes_parquet_and_reports_bad_input(tmp_path, capsys):
    frame = cohort(500, people=8, seed=11)
    src = write_files(frame, tmp_path / "in", [250])
    assert main([str(src), "--out", str(tmp_path / "o"), "--no-progress"]) == 0
    assert len(pd.read_parquet(tmp_path / "o")) == 500
    assert "500" in capsys.readouterr().out
    assert main([str(src), "--out", str(tmp_path / "o")]) == 1  # exists: not overwritten
    frame["setting"] = frame["setting"].astype(str)
    frame.loc[3, "setting"] = "spaceship"
    bad = write_files(frame, tmp_path / "bad", [])
    assert main([str(bad), "--out", str(tmp_path / "o2"), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "f0.parquet" in err and "4행" in err and "spaceship" in err


def test_cli_refuses_a_start_outside_the_products_sale_window(tmp_path, capsys):
    """--policy gen3 --start 2024-01-01: no 3세대 contract was signed then (sold 2017-04 –
    2021-06); said before anything is read or written."""
    frame = cohort(200, people=4, seed=13)
    src = write_files(frame, tmp_path / "in", [])
    args = [str(src), "--policy", "gen3", "--no-progress"]
    assert main([*args, "--start", "2024-01-01", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "gen3" in err and "2017-04-01" in err and "gen4" in err
    assert not (tmp_path / "o").exists()
    assert main([*args, "--start", "2019-01-01", "--out", str(tmp_path / "o")]) == 0


def test_cli_dask_on_a_local_cluster(tmp_path):
    """The real path: a local cluster of worker processes, then the same lines as pandas."""
    frame = cohort(800, people=10, seed=12)
    src = write_files(frame, tmp_path / "in", [400])
    args = [str(src), "--engine", "dask", "--workers", "1", "--bucket-lines", "300"]
    assert main([*args, "--out", str(tmp_path / "d"), "--no-progress"]) == 0
    assert main([str(src), "--out", str(tmp_path / "p"), "--no-progress"]) == 0
    same(read_out(tmp_path / "p"), read_out(tmp_path / "d"))


def test_progress_bar_counts_tasks():
    out = io.StringIO()
    show = text_progress(out)
    show("assess", 0, 4)
    show("assess", 4, 4)
    assert "0/4" in out.getvalue() and "4/4" in out.getvalue() and "#" * 30 in out.getvalue()


def test_cohort_is_seeded_and_mixed(tmp_path):
    a, b = cohort(5_000, seed=1), cohort(5_000, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(cohort(5_000, seed=2))
    share = a["setting"].value_counts(normalize=True)
    assert 0.6 < share["outpatient"] < 0.76 and 0.03 < share["inpatient"] < 0.12
    assert set(a["tier"]) == {"clinic", "hospital", "general", "tertiary", "pharmacy"}
    assert a["category"].nunique() > 8 and (a["date"].diff().dropna() >= pd.Timedelta(0)).all()
    paths = write_cohort(tmp_path / "c", 5_000, lines_per_file=2_000, seed=1)
    assert len(paths) == 3
    written = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    assert (written["line_id"] == np.arange(5_000)).all()
    persons_per_file = [set(pd.read_parquet(p)["person"]) for p in paths]
    assert persons_per_file[0] & persons_per_file[1]  # people's lines span files


def test_korean_headers_are_partitioned_by_person(tmp_path, client):
    """The sample export (Korean headers, 이름 column): the dask engine splits it by person
    (several buckets) and gives each line what read_receipts + assess give it."""
    from silson_tools import read_receipts

    root = Path(__file__).parents[1]
    sample = pd.read_csv(root / "data/samples/receipts.csv", dtype=str, keep_default_na=False)
    sample.insert(0, "줄번호", range(len(sample)))
    sample.to_csv(tmp_path / "export.csv", index=False)
    stats = assess_table(tmp_path / "export.csv", tmp_path / "d", engine="dask", client=client,
                         policy="gen4", start="2024-01-01", bucket_lines=1)  # fmt: skip
    got = pd.read_parquet(tmp_path / "d").sort_values("줄번호")
    want = assess(read_receipts(root / "data/samples/receipts.csv"), "gen4", "2024-01-01")
    assert (got["payout"].to_numpy() == want["payout"].to_numpy()).all()
    files = list((tmp_path / "d").glob("*.parquet"))
    assert len(files) > 1 and all(pd.read_parquet(f)["이름"].nunique() >= 1 for f in files)
    assert stats.lines == len(sample)


CEILING_CSV = (
    "이름,진료일자,진료구분,요양기관종류,병원명,입원일수,본인부담금,비급여,소득분위\n"
    "나,2024-01-02,입원,상급종합병원,대학병원A,30,8000000,0,5\n"
    "나,2024-05-02,외래,상급종합병원,대학병원A,,1000000,0,5\n"
    "너,2024-02-02,입원,병원,행복요양병원,130,4000000,0,5\n"
)


@pytest.mark.parametrize(
    ("options", "offsets", "total"),
    [
        # as silson report: 2024 ① 9,000,000 > the highest 상한액 8,080,000 → 920,000 back
        ({}, [0, 920_000, 0], 6_460_000 + 3_200_000),
        ({"ceiling": "none"}, [0, 0, 0], 6_600_000 + 3_200_000),
        # 4~5분위: 167만, or 235만 after 120 days in a 요양병원
        (
            {"decile_column": "소득분위"},
            [8_000_000 - 1_670_000, 1_000_000, 4_000_000 - 2_350_000],
            1_336_000 + 0 + 1_880_000,
        ),
    ],
)
def test_the_ceiling_refund_is_taken_out_as_by_the_report_on_both_engines(
    tmp_path, client, options, offsets, total
):
    src = tmp_path / "cr.csv"
    src.write_text(CEILING_CSV, encoding="utf-8")
    assess_table(src, tmp_path / "p.parquet", policy="gen4", start="2024-01-01", **options)
    assess_table(
        src, tmp_path / "d", policy="gen4", start="2024-01-01", engine="dask", client=client,
        **options,
    )  # fmt: skip
    pandas_out, dask_out = pd.read_parquet(tmp_path / "p.parquet"), pd.read_parquet(tmp_path / "d")
    dask_out = (
        dask_out.set_index(dask_out["진료일자"].astype(str))
        .loc[pandas_out["진료일자"].astype(str)]
        .reset_index(drop=True)
    )
    from silson_tools.engine.output import DETAIL_COLUMNS

    same(pandas_out[list(DETAIL_COLUMNS)], dask_out[list(DETAIL_COLUMNS)])
    assert pandas_out["ceiling_offset"].tolist() == offsets
    assert int(pandas_out["payout"].sum()) == total
    if not options:
        from silson_tools import read_receipts
        from silson_tools.report import build_report

        report = build_report(read_receipts(src), "gen4", "2024-01-01", charts=False)
        assert report.assessed["payout"].tolist() == pandas_out["payout"].tolist()


def test_a_decile_column_needs_one_whole_decile_per_person_and_year(tmp_path):
    src = tmp_path / "cr.csv"
    src.write_text(CEILING_CSV.replace(",0,5\n너", ",0,7\n너"), encoding="utf-8")
    with pytest.raises(ReceiptError, match="one decile per person and year") as info:
        assess_table(src, tmp_path / "o.parquet", policy="gen4", decile_column="소득분위")
    assert "np.int64" not in str(info.value) and "값 (value) 7" in str(info.value)
    src.write_text(CEILING_CSV.replace(",0,5\n너", ",0,11\n너"), encoding="utf-8")
    with pytest.raises(ReceiptError, match="소득분위 1–10"):
        assess_table(src, tmp_path / "o.parquet", policy="gen4", decile_column="소득분위")
    with pytest.raises(InputError, match="no such column"):
        assess_table(src, tmp_path / "o.parquet", policy="gen4", decile_column="분위")


def test_a_decile_column_may_change_from_year_to_year(tmp_path):
    """The 상한제 refund is per person and calendar year, so is the decile (as silson report
    --decile 2023=5,2024=10): 2023 under 5분위, 2024 under 10분위 (8,000,000 < 808만: 0)."""
    from silson_tools import ceiling

    src = tmp_path / "dec.csv"
    src.write_text(
        "이름,진료일자,진료구분,요양기관종류,병원명,입원일수,본인부담금,비급여,소득분위\n"
        "나,2023-03-02,입원,상급종합병원,대학병원A,30,8000000,0,5\n"
        "나,2024-03-02,입원,상급종합병원,대학병원A,30,8000000,0,10\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.parquet"
    assess_table(src, out, policy="gen4", start="2023-01-01", decile_column="소득분위")
    offsets = pd.read_parquet(out)["ceiling_offset"].tolist()
    assert offsets == [int(ceiling.refund(8_000_000, 2023, 5)), 0]
    assert offsets[0] > 0
