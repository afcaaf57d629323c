"""The DOUBLE quantity the pipeline hands to enrichers: read from the raw value, and the same
double the lake's decimal would give."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from costlake.carbon.enricher import CarbonEnricher
from costlake.ingest.canonical import quantity_double
from costlake.ingest.connection import ingest_connection
from costlake.ingest.pipeline import Ingestor
from costlake.ingest.sql import Expr, decimal_text, ident, money, money_or_zero
from costlake.lake.store import Lake


class TestQuantityDouble:
    def test_an_expression_that_is_not_one_cast_gets_none(self) -> None:
        two = Expr('CAST("a" AS DOUBLE) + CAST("b" AS DECIMAL(38, 18))')
        assert quantity_double({"ConsumedQuantity": two}) is None
        assert quantity_double({"ConsumedQuantity": Expr("0")}) is None
        assert quantity_double({}) is None

    def test_a_typed_decimal_is_cast_from_the_raw_column(self) -> None:
        sql = quantity_double({"ConsumedQuantity": money("q", "DECIMAL(20,10)")})
        assert sql == 'TRY_CAST("q" AS DOUBLE)'

    def test_text_is_parsed_as_a_double_from_the_same_text_as_the_decimal(self) -> None:
        sql = quantity_double({"ConsumedQuantity": money("q", "VARCHAR")})
        assert sql == f"TRY_CAST({decimal_text(ident('q'))} AS DOUBLE)"
        # COALESCE(...) around the cast is left to the enricher's own cast.
        assert quantity_double({"ConsumedQuantity": money_or_zero("q", "VARCHAR")}) is None

    def test_it_rounds_to_the_same_double_as_the_lakes_decimal(self) -> None:
        con = ingest_connection()
        values = ["0.1", "123456789.0123456789", "1e-7", " 42.5 ", "0.000000000123456789"]
        for kind in ("VARCHAR", "DECIMAL(20,10)"):
            blanks = [" ", "", "\t7 "] if kind == "VARCHAR" else []
            sql = quantity_double({"ConsumedQuantity": money("q", kind)})
            rows = con.execute(
                f"SELECT {sql}, CAST({money('q', kind).sql} AS DOUBLE) "
                f"FROM (SELECT CAST(unnest($v) AS {kind}) AS q)",
                {"v": values + blanks},
            ).fetchall()
            assert all(a == b for a, b in rows), (kind, rows)


def test_carbon_at_ingest_equals_the_enricher_over_the_decimal(tmp_path: Path) -> None:
    """Ingest (which hands carbon the raw quantity) writes the same estimates as the enricher
    gives over the lake's own decimals."""
    from costlake.demo.generator import generate

    generate(tmp_path / "demo", rows=5_000, days=10, seed=5)
    files = sorted((tmp_path / "demo").glob("*.parquet"))
    lake = Lake(tmp_path / "lake")
    Ingestor(lake, enrichers=[CarbonEnricher()]).ingest(files, org="o", source="s")
    written = lake.snapshot("o").files()
    con = ingest_connection()
    enricher = CarbonEnricher()
    enricher.prepare(con)
    source = f"SELECT * FROM read_parquet({written!r})"
    again = enricher.wrap(source)
    carbon = "x_EnergyKwh, x_CarbonKgCO2e, x_EmbodiedKgCO2e, x_CarbonSource"
    estimated = con.execute(
        f"SELECT count(*) FROM ({source}) WHERE x_CarbonSource = 'costlake_ccf_estimate'"
    ).fetchall()[0][0]
    differ = con.execute(
        f"SELECT count(*) FROM ((SELECT {carbon} FROM ({source})) "
        f"EXCEPT ALL (SELECT {carbon} FROM ({again})))"
    ).fetchall()[0][0]
    assert estimated > 1_000
    assert differ == 0


def test_blank_text_reads_as_trimmed_by_both_spellings() -> None:
    """``nullif_blank`` trims only the values that need it; it reads every value as the
    plain ``NULLIF(TRIM(...), '')`` does."""
    from costlake.ingest.sql import nullif_blank

    values = ["", " ", "   ", "a", " a", "a ", "  a b  ", "\ta\t", "x" * 40, " " + "y" * 40]
    column = '"v"'
    con = ingest_connection()
    got = con.execute(
        f"SELECT {nullif_blank('v')}, NULLIF(TRIM(v), ''), {nullif_blank(column)} "
        "FROM (SELECT unnest($v) AS v)",
        {"v": values},
    ).fetchall()
    assert all(plain == guarded == simple for simple, plain, guarded in got)
    assert [g for *_, g in got][:4] == [None, None, None, "a"]


_DIGITS = st.text("0123456789", min_size=0, max_size=24)
_NUMBER_TEXT = st.one_of(
    # Decimals as exports write them: many places, often zeros past the 18th.
    st.builds(
        lambda sign, whole, frac, zeros, tail: f"{sign}{whole}.{frac}{'0' * zeros}{tail}",
        st.sampled_from(["", "-", "+", " ", "-0"]),
        st.text("0123456789", min_size=0, max_size=21),
        _DIGITS,
        st.integers(0, 12),
        st.sampled_from(["", "0", "1", "5", "e1", "E-2", "e100", " ", "x", ".0"]),
    ),
    st.text("0123456789.eE+- 0", min_size=0, max_size=44),
)


@settings(max_examples=400, deadline=None)
@given(values=st.lists(_NUMBER_TEXT, min_size=1, max_size=30))
def test_decimal_text_reads_every_text_as_the_plain_cast_does(values: list[str]) -> None:
    """``decimal_text`` cuts zeros past the 18th place before the cast (a tenth of its
    cost); every text reads as the plain trimmed cast reads it, or is NULL in both."""
    from costlake.ingest.sql import decimal_text

    got = (
        ingest_connection()
        .execute(
            f"SELECT v, TRY_CAST({decimal_text(chr(34) + 'v' + chr(34))} AS DECIMAL(38, 18)), "
            "TRY_CAST(NULLIF(TRIM(v), '') AS DECIMAL(38, 18)) FROM (SELECT unnest($v) AS v)",
            {"v": values},
        )
        .fetchall()
    )
    assert [(v, a) for v, a, b in got if a != b] == []


def test_decimal_text_cuts_only_zeros_past_the_scale() -> None:
    from costlake.ingest.sql import decimal_text

    values = [
        "0.09600000000000000000",
        "-12.123456789012345678000",
        "1.0000000000000000005",
        "1.00000000000000000e100",
        "1.000000000000000000E10",
        "99999999999999999999.000000000000000000000",
        "0.0000000000000000000",
        "-7.12345678901234567800",
        "7.12345678901234567810",
        "1.234567890123456780e0",
        " 7.12345678901234567800",
    ]
    rows = (
        ingest_connection()
        .execute(
            f"SELECT {decimal_text(chr(34) + 'v' + chr(34))} FROM (SELECT unnest($v) AS v)",
            {"v": values},
        )
        .fetchall()
    )
    assert [r[0] for r in rows] == [
        "0.096000000000000000",
        "-12.123456789012345678",
        "1.0000000000000000005",
        "1.00000000000000000e100",
        "1.000000000000000000E10",
        "99999999999999999999.000000000000000000",
        "0.000000000000000000",
        "-7.123456789012345678",
        "7.12345678901234567810",
        "1.234567890123456780e0",
        " 7.123456789012345678",
    ]
