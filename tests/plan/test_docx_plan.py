"""A Word version of the whole plan gives exactly the records of its text export."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from bot.documents.text_export import read_text_export
from bot.plan.importing import ImportFailed, import_bytes, import_path, load_plan
from bot.store.db import Database
from scripts.build_docx_fixtures import (
    BAD_FILE_REASONS,
    NO_TABLES,
    build_bad_files,
    build_plan_docx,
)
from scripts.make_golden import record
from tests.plan.test_merge import snapshot
from tests.support.common import FixedClock
from tests.support.snapshots import import_once

# On SQLite alone: this is about how a Word plan is read, not the database engine; the store's own
# tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

GOLDEN = Path(__file__).parents[1] / "data" / "wtsa20-items.json"


@pytest.fixture(scope="module")
def messy_docx(tmp_path_factory: pytest.TempPathFactory, plan_text: str) -> Path:
    path = tmp_path_factory.mktemp("docx") / "action-plan.docx"
    manifest = build_plan_docx(read_text_export(plan_text), path, variants=True, spacing=3)
    assert manifest.ids("check-sym-wingdings")
    assert manifest.ids("status-del")
    assert manifest.ids("id-nbhyphen")
    assert manifest.ids("table-split")
    return path


def test_word_plan_matches_the_reviewed_record(messy_docx: Path) -> None:
    loaded = load_plan(messy_docx.read_bytes())
    assert loaded.kind == "docx"
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = [record(item) for item in loaded.plan.items]
    assert len(got) == len(expected)
    for want, have in zip(expected, got, strict=True):
        assert have == want, want["id"]
    assert len(loaded.plan.anomalies) == 10
    assert "DELETED" not in json.dumps(got)


def test_status_rows_of_one_cell_across_five_columns_read_alike(
    tmp_path: Path, plan_text: str, db: Database, clock: FixedClock
) -> None:
    path = tmp_path / "full-width.docx"
    build_plan_docx(read_text_export(plan_text), path, variants=False, full_width_status=True)
    data = path.read_bytes()
    assert b'<w:gridSpan w:val="5"/>' in zipfile.ZipFile(path).read("word/document.xml")
    loaded = load_plan(data)
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert [record(item) for item in loaded.plan.items] == expected
    assert sum(bool(item.status) for item in loaded.plan.active) == 302
    import_once(db, plan_text.encode(), "plan.txt", clock)
    again = import_bytes(db, data, "full-width.docx", clock)
    assert (again.created, again.updated, again.cleared) == ([], [], [])


def test_text_then_word_import_is_a_no_op(
    db: Database, plan_text: str, messy_docx: Path, clock: FixedClock
) -> None:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    again = import_path(db, messy_docx, clock)
    assert again.kind == "docx"
    assert (again.created, again.updated, again.unchanged) == ([], [], 473)


def test_bad_word_files_change_nothing(
    db: Database, plan_text: str, tmp_path: Path, clock: FixedClock
) -> None:
    import_once(db, plan_text.encode(), "plan.txt", clock)
    before = snapshot(db)
    files = build_bad_files(tmp_path)
    assert set(files) == {*BAD_FILE_REASONS, NO_TABLES}
    for name, path in files.items():
        with pytest.raises(ImportFailed) as failure:
            import_path(db, path, clock)
        message = str(failure.value)
        assert message.startswith(f"{name}: ")
        expected = BAD_FILE_REASONS.get(name, "no action-plan tables found")
        assert expected in message
        assert "\n" not in message
        assert snapshot(db) == before
