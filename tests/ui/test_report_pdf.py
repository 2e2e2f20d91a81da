"""The PDF weekly report: made by `export --format pdf` with Qt alone, turned into PNG with
poppler's pdftoppm (and into text with pdftotext) and checked; a person looks at the PNG
(docs/img/report-sample.png is one)."""

import json
import shutil
import subprocess
import pytest

pytest.importorskip("PySide6")

from tests.integration.test_export_import import T0, fill, run_in  # noqa: E402,F401


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (scripts/setup.sh)")
def test_the_weekly_pdf_has_the_figures_the_charts_and_the_tasks(run_in, tmp_path):  # noqa: F811
    d = tmp_path / "d"
    fill(run_in, d)
    pdf = tmp_path / "week.pdf"
    out = json.loads(run_in(d, "export", "--format", "pdf", "--out", str(pdf),
                            "--start", "2026-01-05", "--end", "2026-01-11"))
    assert out["pages"] >= 1 and pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    report = json.loads(run_in(d, "report", "--week", "2026-W02", "--json"))
    active = report["active_seconds"]
    for needle in ("Your week", "2026-01-05 – 2026-01-11", "Active time per day", "Top categories",
                   "Tasks", "#1 Spec", "Manual log", "Pairing", "Acme",
                   f"{int(active // 3600)}h {int(round(active / 60)) % 60:02d}m",
                   "0 on time, 1 late", "Mon 05", "Sun 11"):
        assert needle in text, needle
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf), str(tmp_path / "week")],
                   check=True)
    from PySide6.QtGui import QImage

    img = QImage(str(tmp_path / "week.png"))
    assert img.width() > 600 and img.height() > 800  # A4 at 80 dpi: 661 x 935
    # The daily chart's bars are drawn in the accent colour: count its pixels.
    blue = sum(1 for y in range(0, img.height(), 2) for x in range(0, img.width(), 2)
               if img.pixelColor(x, y).name() == "#2563eb")
    assert blue > 200


def test_pdf_range_errors_exit_2(run_in, tmp_path):  # noqa: F811
    d = tmp_path / "d"
    run_in(d, "task", "add", "x")
    assert "is before" in run_in(d, "export", "--format", "pdf", "--out", str(tmp_path / "x.pdf"),
                                 "--start", "2026-01-07", "--end", "2026-01-01", code=2)
    assert not (tmp_path / "x.pdf").exists()
