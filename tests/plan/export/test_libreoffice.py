"""The exported .docx opens in LibreOffice: it converts to PDF headless."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.plan.export.service import ExportFormat, export_plan
from bot.store.db import Database
from tests.support.common import FixedClock

PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed; .ci/run installs libreoffice-writer",
)
# On SQLite only: whether LibreOffice opens the file is about the file, and the export
# reads the same rows from PostgreSQL (tests/plan/export/test_round_trip.py runs on both).
@pytest.mark.sqlite_only
def test_libreoffice_converts_the_export_to_pdf(
    updated_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    assert SOFFICE is not None
    with updated_db.unit_of_work() as session:
        document = export_plan(session, ExportFormat.DOCX, now=clock())
    source = tmp_path / document.name
    source.write_bytes(document.data)
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    pdf = source.with_suffix(".pdf")
    assert result.returncode == 0, result.stderr
    assert pdf.exists(), result.stdout + result.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(PAGE.findall(data)) > 20  # the whole plan, not an error page
