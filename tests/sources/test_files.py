"""The generic-files connector: a YAML mapping over CSV, Parquet and JSON files.

Golden cases write a small file and its mapping the way a user would, and state the
canonical rows expected; every mapping mistake has its message checked.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import revhub
from revhub.config import SourceSettings
from revhub.errors import ConfigError, DataError
from revhub.sources.base import Batch
from revhub.sources.files import FileSource
from revhub.sources.registry import connector_class

TICKETS = """\
table: support_tickets
files: "*.csv"
id: Ticket
columns:
  subject: Subject
  status: {column: State, values: {Open: open, Done: solved}}
  priority: {default: normal}
  opened_at: {column: Opened, format: "%d/%m/%Y %H:%M"}
keys:
  account_id: {column: CRM Account, source: salesforce}
"""


def run(folder: Path, mapping: str, files: dict[str, str | bytes], **settings: Any) -> list[Batch]:
    """Write the mapping and data files into ``folder`` and read them as source `sheet`."""
    (folder / "mapping.yaml").write_text(textwrap.dedent(mapping))
    for name, content in files.items():
        path = folder / name
        path.write_bytes(
            content if isinstance(content, bytes) else textwrap.dedent(content).encode()
        )
    source_settings = SourceSettings(kind="files", path=".", mapping="mapping.yaml", **settings)
    return list(FileSource("sheet", source_settings, folder).batches())


def rows(batches: list[Batch], *columns: str) -> list[dict[str, Any]]:
    return [{c: row.get(c) for c in columns} for b in batches for row in b.rows.to_pylist()]


def test_registry_finds_the_connector() -> None:
    assert connector_class("files") is FileSource


def test_csv_golden_case_values_formats_defaults_and_keys(tmp_path: Path) -> None:
    batches = run(tmp_path, TICKETS, {"tickets.csv": """\
        Ticket,Subject,State,Opened,CRM Account,Unused
        T-1,Login fails,Open,02/01/2024 13:05,001A,x
        T-2,Invoice,Closed,03/01/2024 09:00,001B,y
    """})  # fmt: skip
    got = rows(batches, "ticket_id", "source_id", "account_id", "status", "priority",
               "opened_at", "created_at", "_origin")  # fmt: skip
    assert got == [
        {"ticket_id": "sheet:T-1", "source_id": "T-1", "account_id": "salesforce:001A",
         "status": "open", "priority": "normal", "opened_at": "2024-01-02 13:05:00",
         "created_at": "2024-01-02 13:05:00", "_origin": "tickets.csv:2"},
        {"ticket_id": "sheet:T-2", "source_id": "T-2", "account_id": "salesforce:001B",
         "status": "Closed", "priority": "normal", "opened_at": "2024-01-03 09:00:00",
         "created_at": "2024-01-03 09:00:00", "_origin": "tickets.csv:3"},
    ]  # fmt: skip
    assert batches[0].notes == ("tickets.csv: columns not in the mapping, not read: Unused",)


def test_semicolon_delimited_csv_with_decimal_commas(tmp_path: Path) -> None:
    mapping = """\
        table: marketing_spend
        files: spend.csv
        id: Line
        currency: EUR
        columns:
          month: {column: Periode, format: "%m/%Y"}
          channel: {column: Kanal, values: {Suche: paid_search}}
          amount: {column: Betrag, decimal: ","}
    """
    batches = run(
        tmp_path, mapping, {"spend.csv": "Line;Periode;Kanal;Betrag\n7;07/2024;Suche;1.234,5\n"}
    )
    assert rows(batches, "spend_id", "month", "channel", "currency", "amount") == [
        {"spend_id": "sheet:7", "month": "2024-07-01", "channel": "paid_search",
         "currency": "EUR", "amount": "1234.5"}
    ]  # fmt: skip
    assert "spend.csv: read as semicolon-delimited" in batches[0].notes


def test_latin1_file_is_read_with_the_source_encoding(tmp_path: Path) -> None:
    data = "Ticket,Subject,State,Opened,CRM Account\nT-1,Zoë's café,Open,,001\n".encode("latin-1")
    batches = run(tmp_path, TICKETS, {"t.csv": data}, encoding="latin-1")
    assert rows(batches, "subject") == [{"subject": "Zoë's café"}]


def test_latin1_file_read_as_utf8_rejects_the_line_and_says_why(tmp_path: Path) -> None:
    data = "Ticket,Subject,State,Opened,CRM Account\nT-1,Zoë,Open,,001\nT-2,Ann,Open,,002\n"
    batches = run(tmp_path, TICKETS, {"t.csv": data.encode("latin-1")})
    assert rows(batches, "source_id") == [{"source_id": "T-2"}]
    [rejected] = batches[0].rejected
    assert rejected.origin == "t.csv:2"
    assert "not valid UTF-8" in rejected.reason and "encoding" in rejected.reason


def test_malformed_csv_record_is_rejected_and_the_rest_kept(tmp_path: Path) -> None:
    data = "Ticket,Subject,State,Opened,CRM Account\nT-1,a,Open,,1\nT-2,b,c,d,e,f\nT-3,c,Open,,3\n"
    batches = run(tmp_path, TICKETS, {"t.csv": data})
    assert rows(batches, "source_id", "_origin") == [
        {"source_id": "T-1", "_origin": "t.csv:2"},
        {"source_id": "T-3", "_origin": "t.csv:4"},
    ]
    assert [r.origin for r in batches[0].rejected] == ["t.csv:3"]


def test_bad_date_keeps_its_text_and_ingestion_quarantines_the_row(tmp_path: Path) -> None:
    data = "Ticket,Subject,State,Opened,CRM Account\nT-1,a,Open,31/02/2024 10:00,1\n"
    batches = run(tmp_path, TICKETS, {"t.csv": data})
    assert rows(batches, "opened_at") == [{"opened_at": "31/02/2024 10:00"}]
    workspace = tmp_path / "ws"
    with revhub.init(workspace):
        pass
    (workspace / "revhub.toml").write_text(
        f'[sources.sheet]\nkind = "files"\npath = "{tmp_path}"\n'
        f'mapping = "{tmp_path / "mapping.yaml"}"\n'
    )
    with revhub.open(workspace) as ws:
        report = ws.ingest()
        quarantined, _ = ws.quarantine()
    assert report.tables["sheet", "support_tickets"].quarantined == 1
    [row] = quarantined
    assert row["origin"] == "t.csv:2"
    assert 'opened_at: cannot read "31/02/2024 10:00" as a timestamp' in row["reason"]


def test_parquet_keeps_its_types_and_composite_keys_use_id_for_source_id(tmp_path: Path) -> None:
    mapping = """\
        table: fx_rates
        files: rates.parquet
        id: [cur, day]
        columns: {currency: cur, rate_date: day, base_currency: {default: USD}, rate: usd}
    """
    table = pa.table({"day": pa.array([19724], pa.date32()), "cur": ["EUR"], "usd": [1.09]})
    pq.write_table(table, tmp_path / "rates.parquet")
    batches = run(tmp_path, mapping, {})
    assert rows(batches, "currency", "rate_date", "base_currency", "rate", "source_id",
                "_origin") == [
        {"currency": "EUR", "rate_date": pa.scalar(19724, pa.date32()).as_py(),
         "base_currency": "USD", "rate": 1.09, "source_id": "EUR:2024-01-02",
         "_origin": "rates.parquet:row 1"}
    ]  # fmt: skip


def test_json_records_at_a_pointer_with_nested_columns(tmp_path: Path) -> None:
    mapping = """\
        table: nps_responses
        files: "*.json"
        records: /data/items
        id: id
        columns:
          score: answer.score
          responded_at: created
        keys:
          account_id: {column: customer, source: stripe}
    """
    document = {"data": {"items": [
        {"id": 5, "answer": {"score": 9}, "created": "2024-01-02T03:04:05Z", "customer": "cus_1"}
    ]}}  # fmt: skip
    batches = run(tmp_path, mapping, {"responses.json": json.dumps(document)})
    assert rows(batches, "nps_response_id", "score", "account_id", "_origin") == [
        {"nps_response_id": "sheet:5", "score": "9", "account_id": "stripe:cus_1",
         "_origin": "responses.json:data.items[0]"}
    ]  # fmt: skip


def test_json_lines_and_a_list_of_keys_taking_the_first_present(tmp_path: Path) -> None:
    mapping = """\
        table: nps_responses
        files: answers.jsonl
        id: id
        columns: {score: score, responded_at: at}
        keys:
          account_id: {column: cus, source: stripe}
          contact_id:
            - {column: sf, source: salesforce}
            - {column: hs, source: hubspot}
    """
    lines = [{"id": 1, "score": 3, "at": "2024-01-01", "cus": "c", "sf": "003A"},
             {"id": 2, "score": 7, "at": "2024-01-01", "cus": "c", "hs": "51"}]  # fmt: skip
    batches = run(tmp_path, mapping, {"answers.jsonl": "\n".join(map(json.dumps, lines))})
    assert rows(batches, "contact_id", "_origin") == [
        {"contact_id": "salesforce:003A", "_origin": "answers.jsonl:1"},
        {"contact_id": "hubspot:51", "_origin": "answers.jsonl:2"},
    ]


def test_several_files_are_read_in_name_order_one_batch_each(tmp_path: Path) -> None:
    header = "Ticket,Subject,State,Opened,CRM Account\n"
    files = {"b.csv": header + "T-2,b,Open,,1\n", "a.csv": header + "T-1,a,Open,,1\n"}
    batches = run(tmp_path, TICKETS, files)
    assert [b.origin for b in batches] == ["a.csv", "b.csv"]


def test_optional_column_missing_from_a_file_is_empty_with_a_note(tmp_path: Path) -> None:
    mapping = TICKETS.replace("subject: Subject", "subject: {column: Subject, optional: yes}")
    batches = run(tmp_path, mapping, {"t.csv": "Ticket,State,Opened,CRM Account\nT-1,Open,,1\n"})
    assert rows(batches, "subject") == [{"subject": None}]
    assert "t.csv: has no column `Subject`; it is empty (mapping.yaml)" in batches[0].notes


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("table: acounts\nid: x\n",
         "mapping.yaml: `table`: the model has no table `acounts`. Did you mean `accounts`?"),
        (TICKETS.replace("subject: Subject", "subjet: Subject"),
         "mapping.yaml: `columns.subjet`: table `support_tickets` has no column `subjet`. "
         "Did you mean `subject`?"),
        (TICKETS + "  subject: {column: X}\n",
         "mapping.yaml: `keys.subject`: `subject` is not a reference to another table; "
         "move it under `columns`."),
        (TICKETS.replace("subject: Subject", "ticket_id: Ticket"),
         "mapping.yaml: `columns.ticket_id`: revhub fills `ticket_id` itself (from `id`); "
         "remove it."),
        (TICKETS.replace("subject: Subject", "source: Subject"),
         "mapping.yaml: `columns.source`: revhub fills `source` itself (with the source name)"),
        (TICKETS.replace("id: Ticket", "id: Ticket\ncurrency: EUR"),
         "mapping.yaml: `currency`: table `support_tickets` has no money columns."),
        (TICKETS.replace("  priority: {default: normal}\n", ""),
         "mapping.yaml: table `support_tickets` needs `priority`; map each under `columns` or "
         "`keys` (or give a `default`)."),
        ("table: teams\nid: x\ncolumns: {name: n, department: d}\n",
         "mapping.yaml: map `created_at` or `updated_at`, so every record has a time of its "
         "own and re-runs give the same rows."),
        ("table: nps_responses\nid: x\ncolumns: {score: s}\nkeys: {account_id: {column: a}}\n",
         "mapping.yaml: table `nps_responses` needs `responded_at`"),
        (TICKETS.replace("values:", "valus:"),
         "mapping.yaml: unknown setting `columns.status.valus`. Did you mean `values`?"),
        (TICKETS.replace("files:", "fils:"),
         "mapping.yaml: unknown setting `fils`. Did you mean `files`?"),
        (TICKETS.replace("id: Ticket\n", ""), "mapping.yaml: `id` is required; add it."),
        ("table: [unclosed\n", "mapping.yaml: not valid YAML at line 2"),
        ("- just a list\n", "mapping.yaml: expected a mapping with `table`, `files`, `id`"),
    ],
)  # fmt: skip
def test_every_mapping_mistake_is_a_config_error_saying_what_to_change(
    tmp_path: Path, mapping: str, message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        run(tmp_path, mapping, {"t.csv": "Ticket\n1\n"})
    assert message in str(error.value)


def test_both_columns_and_keys_for_one_column_is_refused(tmp_path: Path) -> None:
    mapping = TICKETS + "  contact_id: {column: A}\n"
    mapping = mapping.replace("  subject: Subject\n", "  subject: Subject\n  contact_id: B\n")
    with pytest.raises(ConfigError, match="`contact_id` is under both `columns` and `keys`"):
        run(tmp_path, mapping, {"t.csv": "Ticket\n1\n"})


def test_a_column_the_file_lacks_names_mapping_column_file_and_the_closest(tmp_path: Path) -> None:
    data = "Ticket,Subjects,State,Opened,CRM Account\nT-1,a,Open,,1\n"
    with pytest.raises(DataError) as error:
        run(tmp_path, TICKETS, {"t.csv": data})
    assert str(error.value).startswith(
        "mapping.yaml: column `subject` names `Subject`, which t.csv does not have. "
        "Did you mean `Subjects`?"
    )


def test_a_missing_id_column_is_named_as_the_id(tmp_path: Path) -> None:
    data = "Ticket ID,Subject,State,Opened,CRM Account\nT-1,a,Open,,1\n"
    with pytest.raises(DataError, match=r"`id` names `Ticket`, which t.csv does not have"):
        run(tmp_path, TICKETS, {"t.csv": data})


def test_no_matching_file_and_no_mapping_are_explained(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no file under .* matches `files` \(\*\.csv\)"):
        run(tmp_path, TICKETS, {})
    settings = SourceSettings(kind="files", path=".")
    with pytest.raises(ConfigError, match="source `sheet` \\(kind files\\) needs `mapping`"):
        list(FileSource("sheet", settings, tmp_path).batches())
    missing = SourceSettings(kind="files", path=".", mapping="nope.yaml")
    with pytest.raises(ConfigError, match=r"cannot read the mapping file .*nope\.yaml"):
        list(FileSource("sheet", missing, tmp_path).batches())
