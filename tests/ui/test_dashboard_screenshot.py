"""`dashboard --screenshot` on a seeded week: a real PNG of the whole window, light and dark,
saved as a test artifact (build/test-artifacts/, or $TRACKER_TEST_ARTIFACTS) for a person to
look at; and the verb's bad input."""

import os
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pyqtgraph")

sys.path.insert(0, str(Path(__file__).parent))  # dashboard_seed

from dashboard_seed import LAST, NOW, ROOT, seed_week  # noqa: E402
from tracker_desktop.domain.clock import FakeClock  # noqa: E402

ARTIFACTS = Path(os.environ.get("TRACKER_TEST_ARTIFACTS", ROOT / "build" / "test-artifacts"))


@pytest.fixture
def seeded_cli(cli, data_dir):
    seed_week(data_dir)
    config = data_dir.parent / "config" / "tracker-desktop"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[analysis]\ntimezone = "UTC"\n')
    return cli


def colours(path: Path) -> tuple[int, int, Counter, float]:
    """Width, height, the colours of a grid of pixels, and the share of them that are chart
    ink (saturated: bars, blocks, heat), which text and card backgrounds are not."""
    from PySide6.QtGui import QColor, QImage

    img = QImage(str(path))
    assert not img.isNull(), f"{path} is not an image"
    seen: Counter = Counter()
    for y in range(0, img.height(), 7):
        for x in range(0, img.width(), 7):
            seen[img.pixel(x, y)] += 1
    total = sum(seen.values())
    ink = sum(n for rgb, n in seen.items()
              if QColor(rgb).hsvSaturationF() > 0.3 and QColor(rgb).valueF() > 0.25)
    return img.width(), img.height(), seen, ink / total


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_of_a_seeded_week_is_a_real_picture(seeded_cli, tmp_path, theme):
    shot = tmp_path / f"dashboard-{theme}.png"
    code, out, err = seeded_cli("dashboard", "--date", LAST.isoformat(), "--screenshot", str(shot),
                                "--theme", theme, clock=FakeClock(NOW))
    assert code == 0, err
    assert out.strip().startswith(f"{shot}: 1440x")
    width, height, seen, ink = colours(shot)
    assert width == 1440 and height > 1400  # the whole overview, not a scrolled part
    top_count = seen.most_common(1)[0][1]
    assert top_count / sum(seen.values()) < 0.9, "one colour: a blank window?"
    # An empty period's dashboard has under 1 % of chart ink; this seeded day has 5-9 %.
    assert ink > 0.03, f"only {ink:.1%} chart ink: empty charts?"
    empty = tmp_path / "empty.png"
    code, _, err = seeded_cli("dashboard", "--month", "2026-03", "--screenshot", str(empty),
                              "--theme", theme, clock=FakeClock(NOW))
    assert code == 0, err
    assert colours(empty)[3] < 0.01
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / shot.name)


def test_week_and_month_screenshots(seeded_cli, tmp_path):
    for args in (("--week", "2026-W02"), ("--month", "2026-01")):
        shot = tmp_path / f"{args[0][2:]}.png"
        code, _, err = seeded_cli("dashboard", *args, "--screenshot", str(shot), clock=FakeClock(NOW))
        assert code == 0, err
        assert colours(shot)[1] > 1400


def test_bad_input_exits_2_with_a_message(seeded_cli, tmp_path):
    cases = [
        (("--date", "2026-02-31"), "is not a date"),
        (("--week", "2026-W60"), "no week 60"),
        (("--screenshot", str(tmp_path / "x.jpg")), "must end in .png"),
        (("--screenshot", str(tmp_path)), "must end in .png"),
        (("--screenshot", str(tmp_path / "a.png"), "--width", "10"), "--width"),
    ]
    for args, message in cases:
        code, _, err = seeded_cli("dashboard", *args, clock=FakeClock(NOW))
        assert code == 2 and message in err, (args, err)
    assert not (tmp_path / "a.png").exists()


def test_no_database_is_an_exit_2_and_creates_nothing(cli, data_dir, tmp_path):
    code, _, err = cli("dashboard", "--screenshot", str(tmp_path / "s.png"))
    assert code == 2 and "there is no database" in err, err
    assert not (tmp_path / "s.png").exists()
    assert not (data_dir / "tracker.sqlite3").exists()


def test_without_a_display_it_says_so(cli, data_dir, monkeypatch):
    from tracker_desktop.app import build_app
    from tracker_desktop.config import Settings

    import msgspec

    build_app(msgspec.structs.replace(Settings(), data_dir=data_dir), FakeClock(NOW)).close()
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    code, _, err = cli("dashboard")
    assert code == 2 and "no display" in err and "--screenshot" in err
