"""`dashboard --tab tasks|insights --screenshot` on a seeded week with tasks and a local plan:
real pictures of the tabs (saved as test artifacts for a person to look at)."""

import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pyqtgraph")

sys.path.insert(0, str(Path(__file__).parent))

from dashboard_seed import LAST, NOW, seed_tasks_and_insights, seed_week  # noqa: E402
from test_dashboard_screenshot import ARTIFACTS, colours  # noqa: E402
from tracker_desktop.domain.clock import FakeClock  # noqa: E402


@pytest.mark.parametrize("tab", ["tasks", "insights"])
def test_a_tab_screenshot_is_a_real_picture(cli, data_dir, tmp_path, monkeypatch, tab):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    seed_week(data_dir, days=2, focus_sessions=False)
    seed_tasks_and_insights(data_dir)
    config = data_dir.parent / "config" / "tracker-desktop"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[analysis]\ntimezone = "UTC"\n')
    shot = tmp_path / f"dashboard-{tab}.png"
    code, out, err = cli("dashboard", "--date", LAST.isoformat(), "--tab", tab,
                         "--screenshot", str(shot), "--theme", "light", clock=FakeClock(NOW))
    assert code == 0, err
    width, height, seen, ink = colours(shot)
    assert (width, height) == (1440, 900)
    assert seen.most_common(1)[0][1] / sum(seen.values()) < 0.95, "one colour: a blank window?"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / shot.name)


def test_an_unknown_tab_is_exit_2(cli):
    with pytest.raises(SystemExit) as exc:
        cli("dashboard", "--tab", "nope", "--screenshot", "x.png")
    assert exc.value.code == 2
