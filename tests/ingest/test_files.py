"""What ingest is handed: folders, sidecar files, broken files, and restated periods.

Every refusal is one line naming the file; every file left out is listed with its reason.
"""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from costlake.cli.app import app
from costlake.demo import generate
from costlake.errors import IngestError, MalformedFile, UnknownFormat, UnreadableFile
from costlake.ingest.files import Skipped
from costlake.ingest.pipeline import Ingestor, Replaced
from costlake.lake.store import Lake
from tests.ingest.bills import HEADER, focus_csv, row


class TestEmptyFiles:
    @pytest.mark.parametrize("name", ["bill.csv", "bill.parquet", "bill.jsonl"])
    def test_empty_file_is_named_as_empty(
        self, name: str, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        path = tmp_path / name
        path.write_bytes(b"")
        with pytest.raises(UnreadableFile) as err:
            ingestor.ingest([path], org="acme")
        assert str(err.value) == f"{path} is empty"
        assert lake.snapshot("acme").is_empty

    def test_blank_and_gzipped_empty_files_are_empty(
        self, tmp_path: Path, ingestor: Ingestor
    ) -> None:
        blank = tmp_path / "blank.csv"
        blank.write_bytes(b"\xef\xbb\xbf\r\n\n")
        gz = tmp_path / "empty.csv.gz"
        gz.write_bytes(gzip.compress(b""))
        for path in (blank, gz):
            with pytest.raises(UnreadableFile, match=f"^{path} is empty$"):
                ingestor.ingest([path], org="acme")


class TestTruncatedParquet:
    @pytest.fixture
    def parquet(self, tmp_path: Path, ingestor: Ingestor) -> Path:
        csv = focus_csv(tmp_path / "good.csv", [row(str(i)) for i in range(1, 200)])
        out = tmp_path / "good.parquet"
        duckdb.sql(f"COPY (FROM read_csv('{csv}', all_varchar = true)) TO '{out}'")
        return out

    def test_cut_off_parquet_is_named_in_one_line(
        self, parquet: Path, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        cut = tmp_path / "cut.parquet"
        data = parquet.read_bytes()
        cut.write_bytes(data[: len(data) // 2])
        with pytest.raises(UnreadableFile) as err:
            ingestor.ingest([cut], org="acme")
        assert str(err.value) == f"{cut} is not a readable Parquet file (truncated or damaged)"
        assert "^" not in str(err.value) and "LINE" not in str(err.value)
        assert lake.snapshot("acme").is_empty

    def test_damaged_pages_are_named_in_one_line(
        self, parquet: Path, tmp_path: Path, ingestor: Ingestor
    ) -> None:
        data = bytearray(parquet.read_bytes())
        for i in range(8, len(data) // 2):
            data[i] = (data[i] * 7 + 13) % 256
        bad = tmp_path / "damaged.parquet"
        bad.write_bytes(bytes(data))
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([bad], org="acme")
        assert str(err.value).startswith(f"{bad} is not a readable Parquet file")
        assert "\n" not in str(err.value)


class TestCsvCutMidLine:
    def test_small_file_cut_mid_line_says_truncated(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        path = tmp_path / "cut.csv"
        text = HEADER + row("1") + row("2") + row("3")
        path.write_text(text[: len(HEADER) + 2 * len(row("1")) + 40])
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([path], org="acme")
        assert not isinstance(err.value, UnknownFormat)
        assert str(err.value).startswith(f"{path}: line 4 is incomplete: the file seems truncated")
        assert lake.snapshot("acme").is_empty

    @pytest.mark.parametrize("gz", [False, True], ids=["csv", "csv.gz"])
    def test_cut_past_the_sniffer_sample_says_truncated(
        self, gz: bool, tmp_path: Path, ingestor: Ingestor
    ) -> None:
        body = (HEADER + row("1") * 25_000).encode()[:-30]
        path = tmp_path / ("big.csv.gz" if gz else "big.csv")
        path.write_bytes(gzip.compress(body) if gz else body)
        with pytest.raises(MalformedFile, match="line 25001 is incomplete: the file seems trunc"):
            ingestor.ingest([path], org="acme")

    def test_cut_gzip_stream_says_truncated(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        data = gzip.compress((HEADER + "".join(row(str(i)) for i in range(30_000))).encode())
        path = tmp_path / "cut.csv.gz"
        path.write_bytes(data[: len(data) // 2])
        with pytest.raises(UnreadableFile) as err:
            ingestor.ingest([path], org="acme")
        assert str(err.value) == f"{path} is truncated (its compressed stream ends early)"
        assert lake.snapshot("acme").is_empty

    def test_last_line_without_line_break_is_fine_when_whole(
        self, tmp_path: Path, ingestor: Ingestor
    ) -> None:
        path = tmp_path / "no-eol.csv"
        path.write_text(HEADER + row("1") + row("2").rstrip("\n"))
        assert ingestor.ingest([path], org="acme").rows_written == 2


class TestFolders:
    def test_folder_is_read_recursively_and_sidecars_are_listed(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        folder = tmp_path / "delivery"
        (folder / "2024-10").mkdir(parents=True)
        focus_csv(folder / "sept.csv", [row("1.25")])
        focus_csv(folder / "2024-10" / "oct.csv", [row("2", month=10)])
        (folder / "README.txt").write_text("exported by hand\n")
        (folder / "notes.md").write_text("# notes\n")
        (folder / ".hidden.csv").write_text("not,ours\n")
        (folder / "cur-Manifest.json").write_text('{"reportKeys": []}')
        result = ingestor.ingest([folder], org="acme")
        assert result.rows_written == 2
        assert result.files == (str(folder / "2024-10" / "oct.csv"), str(folder / "sept.csv"))
        assert set(result.skipped_files) == {
            Skipped(str(folder / "README.txt"), "a text file (name it to ingest it as CSV)"),
            Skipped(str(folder / "notes.md"), "not a billing file type"),
            Skipped(str(folder / "cur-Manifest.json"), "a delivery manifest, not billing data"),
        }

    def test_missing_path_is_named_whatever_its_name(
        self, tmp_path: Path, ingestor: Ingestor
    ) -> None:
        for name in ("gone.csv", "gone-folder"):
            with pytest.raises(MalformedFile, match=f"{name}: no such file or folder$"):
                ingestor.ingest([tmp_path / name], org="acme")

    def test_empty_folder_is_refused(self, tmp_path: Path, ingestor: Ingestor) -> None:
        (tmp_path / "nothing").mkdir()
        with pytest.raises(IngestError, match="nothing holds no billing files"):
            ingestor.ingest([tmp_path / "nothing"], org="acme")

    @pytest.fixture
    def demo_dir(self, tmp_path: Path) -> Path:
        out = tmp_path / "demo"
        generate(out, rows=500, days=20)
        assert (out / "anomalies.json").exists()
        return out

    def test_demo_data_folder_ingests_as_a_folder_and_as_a_glob(
        self, demo_dir: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        labels = Skipped(
            str(demo_dir / "anomalies.json"), "demo-data anomaly labels, not billing data"
        )
        by_folder = ingestor.ingest([demo_dir], org="acme")
        assert by_folder.rows_written == 500 and by_folder.skipped_files == (labels,)
        by_glob = ingestor.ingest(sorted(demo_dir.iterdir()), org="acme")
        assert by_glob.rows_written == 500 and by_glob.skipped_files == (labels,)
        assert lake.snapshot("acme").rows == 500

    def test_only_sidecars_is_refused(self, demo_dir: Path, ingestor: Ingestor) -> None:
        with pytest.raises(IngestError, match="no billing files to ingest: .*anomaly labels"):
            ingestor.ingest([demo_dir / "anomalies.json"], org="acme")


class TestRestatement:
    def test_first_delivery_replaces_nothing(self, tmp_path: Path, ingestor: Ingestor) -> None:
        result = ingestor.ingest([focus_csv(tmp_path / "a.csv", [row("1")] * 3)], org="acme")
        assert result.replaced == ()

    def test_restated_period_reports_the_rows_it_replaced(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        first = focus_csv(tmp_path / "a.csv", [row("1")] * 3 + [row("4", month=10)])
        ingestor.ingest([first], org="acme", source="cur")
        restated = focus_csv(tmp_path / "b.csv", [row("2")] * 5)
        result = ingestor.ingest([restated], org="acme", source="cur")
        assert result.replaced == (Replaced("cur", "2024-09", 3),)
        snap = lake.snapshot("acme")
        assert {(p.period, p.rows) for p in snap.partitions} == {("2024-09", 5), ("2024-10", 1)}

    def test_cli_says_what_it_replaced_and_skipped(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
        monkeypatch.delenv("COSTLAKE_DATABASE_URL", raising=False)
        folder = tmp_path / "d"
        folder.mkdir()
        focus_csv(folder / "a.csv", [row("1")] * 3)
        (folder / "anomalies.json").write_text("[]\n")
        cli = CliRunner()
        first = cli.invoke(app, ["ingest", str(folder), "--org", "acme", "--source", "cur"])
        assert first.exit_code == 0, first.output
        assert "replaced 3 rows" not in first.output
        assert f"skipped {folder / 'anomalies.json'}: demo-data anomaly labels" in first.output
        again = cli.invoke(
            app, ["ingest", str(folder / "a.csv"), "--org", "acme", "--source", "cur"]
        )
        assert again.exit_code == 0, again.output
        assert "replaced 3 rows of cur/2024-09" in again.output

    def test_cli_bad_file_is_one_line(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        result = CliRunner().invoke(app, ["ingest", str(empty)])
        assert result.exit_code == 2
        assert result.output.strip().splitlines()[-1] == f"error: {empty} is empty"


def test_totals_of_a_folder_are_exact(tmp_path: Path, ingestor: Ingestor, lake: Lake) -> None:
    (tmp_path / "bills").mkdir()
    focus_csv(tmp_path / "bills" / "a.csv", [row("0.1"), row("0.2")])
    focus_csv(tmp_path / "bills" / "b.csv", [row("0.3", month=10)])
    ingestor.ingest([tmp_path / "bills"], org="acme")

    got = duckdb.sql(
        f"SELECT sum(BilledCost) FROM read_parquet({lake.snapshot('acme').files()})"
    ).fetchall()[0][0]
    assert got == Decimal("0.6")
