"""The source kinds the law turns on (issue 17), each ingested through its shipped mapping:
U.S. passports, SSA Numident indicators, employer notices, deferred action, parole
terminations, and SEVIS withdrawals and termination reasons. Values become canonical codes and
dates; a row the source should never hold goes to quarantine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, text

from sojourn.records import builtin_mapping, ingest_file, quarantined, versions
from sojourn.records.tables import CITIZENSHIP
from tests.factory import write_csv, write_jsonl, write_parquet

D = dt.date.fromisoformat


def test_a_us_passport_is_citizenship_evidence(engine: Engine, tmp_path: Path) -> None:
    header = ["PPT_NO", "SURNAME", "GIVEN_NAMES", "DOB", "POB", "SEX", "ISSUE_DATE",
              "EXPIRATION_DATE", "DOC_TYPE"]  # fmt: skip
    rows = [
        ["512345678", "RIVERA", "ANA LUCIA", "1990-04-02", "MEXICO", "F", "2024-03-01",
         "2034-02-28", "PB"],
        ["598765432", "OKAFOR", "JOHN", "1985-01-09", "UNITED STATES", "M", "2023-07-15",
         "", "PC"],
        ["500000001", "LEE", "SAM", "1980-01-01", "", "M", "2024-02-30", "", "PB"],
        ["500000002", "KIM", "JO", "1981-01-01", "", "F", "2024-01-01", "", "VISA"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "passports.csv", header, rows)
    result = ingest_file(engine, path, builtin_mapping("dos-passports"))
    assert (result.records_new, result.quarantined) == (2, 2)
    [ana] = versions(engine, "dos-passports", "512345678")
    assert ana.kind == "passport" and ana.event_date == D("2024-03-01")
    assert ana.event == {"issued_on": "2024-03-01", "expires_on": "2034-02-28",
                         "document_type": "book"}  # fmt: skip
    assert (ana.identity.passport_country, ana.identity.nationality) == ("USA", "USA")
    [card] = versions(engine, "dos-passports", "598765432")
    assert card.event["document_type"] == "card" and card.event["expires_on"] is None
    reasons = {q.row: q.reason for q in quarantined(engine)}
    assert "2024-02-30" in reasons[4] and "VISA" in reasons[5]
    with engine.connect() as conn:
        evidence = conn.execute(text(f"SELECT count(*) FROM records WHERE {CITIZENSHIP}"))
        assert evidence.scalar_one() == 2


def test_only_numident_code_a_is_citizenship_evidence(engine: Engine, tmp_path: Path) -> None:
    def row(rid: str, csi: str, last: str) -> dict[str, object]:
        return {"record_id": rid, "ssn": "123-45-6789", "dob": "1970-05-05", "sex": "M",
                "name": {"first": "Ali", "middle": None, "last": last},
                "birth_place": "INDIA", "csi_date": "2022-06-01", "csi": csi}  # fmt: skip

    rows = [row("N1", "1", "Haddad"), row("N2", "2", "Novak"), row("N3", "3", "Silva"),
            row("N4", "9", "Costa")]  # fmt: skip
    path = write_jsonl(tmp_path / "numident.jsonl", rows)
    result = ingest_file(engine, path, builtin_mapping("ssa-numident"))
    assert (result.records_new, result.quarantined) == (3, 1)
    codes = {rid: versions(engine, "ssa-numident", rid)[0] for rid in ("N1", "N2", "N3")}
    assert {r: v.event["citizenship_code"] for r, v in codes.items()} == {
        "N1": "A", "N2": "B", "N3": "C"}  # fmt: skip
    assert codes["N1"].identity.nationality == "USA"
    assert codes["N2"].identity.nationality is None
    assert codes["N1"].event_date == D("2022-06-01")
    with engine.connect() as conn:
        found = conn.execute(text(f"SELECT family_name FROM records WHERE {CITIZENSHIP}"))
        assert [r[0] for r in found] == ["Haddad"]


def test_an_employer_notice_dates_the_last_day_worked(engine: Engine, tmp_path: Path) -> None:
    header = ["NOTICE_ID", "PETITION_RECEIPT", "BENEFICIARY", "BENEFICIARY_DOB", "COUNTRY",
              "PASSPORT", "LAST_DAY_WORKED", "NOTICE", "EMPLOYER"]  # fmt: skip
    rows = [
        ["EN1", "WAC2412345678", "SHARMA, Priya", "03/04/1992", "IND", "Z1234567",
         "03/14/2025", "EMPLOYER", "Example Corp"],
        ["EN2", "WAC2412345679", "CHEN, Wei", "11/30/1988", "CHN", "", "01/31/2025",
         "REVOKED", ""],
        ["EN3", "WAC2412345670", "DOE, Jan", "01/01/1980", "CAN", "", "", "WITHDRAWN", ""],
    ]  # fmt: skip
    path = write_csv(tmp_path / "notices.csv", header, rows)
    result = ingest_file(engine, path, builtin_mapping("employer-notices"))
    assert (result.records_new, result.quarantined) == (2, 1)
    [priya] = versions(engine, "employer-notices", "EN1")
    assert priya.kind == "employment_end" and priya.event_date == D("2025-03-14")
    assert priya.event == {"ended_on": "2025-03-14", "notice_type": "employer_notice",
                           "employer": "Example Corp"}  # fmt: skip
    assert (priya.identity.family_name, priya.identity.given_name) == ("SHARMA", "Priya")
    [wei] = versions(engine, "employer-notices", "EN2")
    assert wei.event["notice_type"] == "petition_revoked"


def test_deferred_action_keeps_grant_end_and_termination(engine: Engine, tmp_path: Path) -> None:
    header = ["RECEIPT_NUMBER", "A_NUMBER", "FAMILY_NAME", "GIVEN_NAME", "DATE_OF_BIRTH",
              "COUNTRY_OF_CITIZENSHIP", "GRANTED_DATE", "VALID_TO", "TERMINATION_EFFECTIVE",
              "PROGRAM"]  # fmt: skip
    rows = [
        ["IOE0000000001", "A200000001", "Lopez", "Maria", "1995-02-02", "Mexico",
         "2023-10-01", "2025-09-30", "2025-06-01", "DACA"],
        ["IOE0000000002", "A200000002", "Mensah", "Kofi", "1980-08-08", "Ghana",
         "2024-10-01", "2026-09-30", "", "DEFERRED ACTION"],
        ["IOE0000000003", "A200000003", "Roe", "Bo", "1980-08-08", "Ghana",
         "2024-10-01", "2026-09-30", "", "DAPA"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "da.csv", header, rows)
    result = ingest_file(engine, path, builtin_mapping("uscis-deferred-action"))
    assert (result.records_new, result.quarantined) == (2, 1)
    [maria] = versions(engine, "uscis-deferred-action", "IOE0000000001")
    assert maria.kind == "deferred_action" and maria.event_date == D("2023-10-01")
    assert maria.event == {"granted_on": "2023-10-01", "valid_until": "2025-09-30",
                           "terminated_on": "2025-06-01", "program": "daca"}  # fmt: skip
    [kofi] = versions(engine, "uscis-deferred-action", "IOE0000000002")
    assert kofi.event["program"] == "other" and kofi.event["terminated_on"] is None


def test_a_parole_termination_is_dated_by_its_effective_day(engine: Engine, tmp_path: Path) -> None:
    rows = [
        {"notice_id": "PT1", "a_number": "A201234567", "passport_number": "V1234567",
         "name": "Carlos Eduardo Pérez", "date_of_birth": "1990-01-01", "country": "VE",
         "effective_date": "2025-04-24", "notice_date": "2025-03-25"},
        {"notice_id": "PT2", "a_number": None, "passport_number": None, "name": "Ana Diaz",
         "date_of_birth": None, "country": "HT", "effective_date": None,
         "notice_date": "2025-03-25"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "parole.jsonl", rows)
    result = ingest_file(engine, path, builtin_mapping("parole-terminations"))
    assert (result.records_new, result.quarantined) == (1, 1)
    [carlos] = versions(engine, "parole-terminations", "PT1")
    assert carlos.kind == "parole_termination" and carlos.event_date == D("2025-04-24")
    assert carlos.event == {"terminated_on": "2025-04-24", "notice_on": "2025-03-25"}
    assert carlos.identity.nationality == "VEN" and carlos.identity.a_number == "A201234567"


def test_sevis_withdrawal_and_termination_reasons(engine: Engine, tmp_path: Path) -> None:
    n = 3
    columns: dict[str, list[object]] = {
        "sevis_id": ["N0000000001", "N0000000002", "N0000000003"],
        "surname": ["Tanaka", "Kowalski", "Dubois"],
        "given_name": ["Kenji", "Olga", "Lucie"],
        "name_native": [None] * n,
        "birth_date": [D("2001-01-01"), D("2000-02-02"), D("1999-03-03")],
        "gender": ["M", "F", "F"],
        "country_of_citizenship": ["JP", "PL", "FR"],
        "passport_number": [None] * n,
        "program_start": [D("2024-08-20")] * n,
        "program_end": [D("2026-05-15")] * n,
        "status": ["WITHDRAWN", "TERMINATED", "COMPLETED"],
        "status_change_date": [D("2025-02-03"), D("2024-12-01"), D("2026-05-15")],
        "school_name": ["Example University"] * n,
        "visa_type": ["F-1", "F-1", "J-1"],
        "termination_reason": ["AUTHORIZED EARLY WITHDRAWAL", "UNAUTHORIZED EMPLOYMENT", None],
    }
    path = write_parquet(tmp_path / "sevis.parquet", columns)
    result = ingest_file(engine, path, builtin_mapping("sevis"))
    assert (result.records_new, result.quarantined) == (3, 0)
    got = {
        rid: versions(engine, "sevis", rid)[0].event
        for rid in ("N0000000001", "N0000000002", "N0000000003")
    }
    assert (got["N0000000001"]["status"], got["N0000000001"]["termination_reason"]) == (
        "withdrawn", "authorized_early_withdrawal")  # fmt: skip
    assert got["N0000000002"]["termination_reason"] == "unauthorized_employment"
    assert (got["N0000000003"]["status"], got["N0000000003"]["termination_reason"]) == (
        "completed", None)  # fmt: skip
