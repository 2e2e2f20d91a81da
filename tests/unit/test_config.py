import json
from pathlib import Path

import pytest

from tracker_desktop.config import (
    AnalysisSettings,
    ConfigError,
    InvalidSettings,
    this_device,
    Settings,
    load_settings,
    resolve_settings,
)


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text)
    return p


def test_defaults_without_a_file(tmp_path):
    s = load_settings(tmp_path / "none.toml")
    assert s.tracking.poll_seconds == 1.0 and s.tracking.afk_timeout == 180.0
    assert s.tracking.record_input is True and s.privacy.exclude_apps == []


def test_values_from_the_file(tmp_path):
    s = load_settings(write(tmp_path, '[tracking]\nafk_timeout = 300\n[privacy]\nexclude_apps = ["keepassxc"]\n'))
    assert s.tracking.afk_timeout == 300 and s.privacy.exclude_apps == ["keepassxc"]


@pytest.mark.parametrize("text, expected", [
    ("[tracking\n", "not valid TOML"),
    ("[tracking]\npoll_seconds = 0\n", "tracking.poll_seconds: Input should be greater than 0"),
    ("[tracking]\nafk_timeout = 'long'\n", "tracking.afk_timeout"),
    ("[trackng]\n", "trackng: unknown setting"),
    ('[privacy]\nredact_titles = ["[unclosed"]\n', "privacy.redact_titles"),
    ('[logging]\nlevel = "LOUD"\n', "logging.level"),
])
def test_invalid_files_say_where_and_why(tmp_path, text, expected):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert expected in str(err.value) and "config.toml" in str(err.value)


def test_precedence_flag_over_env_over_file(tmp_path, monkeypatch):
    cfg = write(tmp_path, f'data_dir = "{tmp_path / "from-file"}"\n')
    monkeypatch.delenv("TRACKER_DATA_DIR", raising=False)
    assert resolve_settings(cfg).data_dir == tmp_path / "from-file"
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path / "from-env"))
    assert resolve_settings(cfg).data_dir == tmp_path / "from-env"
    assert resolve_settings(cfg, tmp_path / "flag").db_path == tmp_path / "flag" / "tracker.sqlite3"


def test_with_tracking_validates_overrides(tmp_path):
    s = load_settings(None)
    assert s.with_tracking(poll_seconds=0.5, afk_timeout=None).tracking.poll_seconds == 0.5
    with pytest.raises(ValueError):
        s.with_tracking(afk_timeout=-3)


def test_window_pulsetime_must_cover_a_poll(tmp_path):
    with pytest.raises(ConfigError, match=r"must be at least poll_seconds \+ 1 \(3 s\)"):
        load_settings(write(tmp_path, "[tracking]\npoll_seconds = 2\nwindow_pulsetime = 2.5\n"))
    assert load_settings(write(tmp_path, "[tracking]\npoll_seconds = 2\nwindow_pulsetime = 3\n")).tracking.window_pulsetime == 3


# Each rule: a bad value gives one line naming the setting (dotted path) and the reason.
@pytest.mark.parametrize("text, expected", [
    ("[tracking]\npoll_seconds = 61\n", "tracking.poll_seconds: Input should be less than or equal to 60, got 61"),
    ("[tracking]\nafk_timeout = 0.5\n", "tracking.afk_timeout: Input should be greater than or equal to 1"),
    ("[tracking]\nafk_timeout = 86401\n", "tracking.afk_timeout: Input should be less than or equal to 86400"),
    ("[tracking]\nrecord_input = 'maybe'\n", 'tracking.record_input: Input should be true or false, got "maybe"'),
    ("[tracking]\nwindow_pulsetime = 0\n", "tracking.window_pulsetime: Input should be greater than 0"),
    ('[privacy]\nexclude_titles = ["(unclosed"]\n', "privacy.exclude_titles: '(unclosed' is not a valid regular expression"),
    ('[privacy]\nexclude_apps = "keepassxc"\n', 'privacy.exclude_apps: Input should be a list, got "keepassxc"'),
    ('[logging]\nlevel = "LOUD"\n', 'logging.level: Input should be one of "DEBUG", "INFO", "WARNING", "ERROR", got "LOUD"'),
    ('[analysis]\ntimezone = "Mars/Olympus"\n', "analysis.timezone: 'Mars/Olympus' is not a known time zone"),
    ("[analysis]\nday_start_hour = 24\n", "analysis.day_start_hour: Input should be less than or equal to 23"),
    ("[analysis]\nday_start_hour = 4.5\n", "analysis.day_start_hour: Input should be a whole number, got 4.5"),
    ("[analysis]\nbreak_minutes = 0\n", "analysis.break_minutes: Input should be greater than 0"),
    ("[analysis]\nbreak_minutes = 1441\n", "analysis.break_minutes: Input should be less than or equal to 1440"),
    ("[analysis]\nmerge_gap_seconds = 3601\n", "analysis.merge_gap_seconds: Input should be less than or equal to 3600"),
    ("[analysis]\nflood_seconds = 61\n", "analysis.flood_seconds: Input should be less than or equal to 60"),
    ("[analysis]\nfocus_interruption_seconds = -1\n",
     "analysis.focus_interruption_seconds: Input should be greater than or equal to 0"),
    ("[analysis]\nresearch_min_dwell_seconds = -1\n", "analysis.research_min_dwell_seconds: Input should be greater"),
    ("[analysis]\nentertainment_glance_seconds = -1\n", "analysis.entertainment_glance_seconds: Input should be greater"),
    ("[analysis]\nentertainment_allowance_minutes = -1\n",
     "analysis.entertainment_allowance_minutes: Input should be greater"),
    ("[analysis]\ndaily_active_goal_minutes = 0\n", "analysis.daily_active_goal_minutes: Input should be greater than 0"),
    ("[analysis]\ndefault_rules = 'yes please'\n", "analysis.default_rules: Input should be true or false"),
    ('[analysis]\nlevels = {"Work" = 3}\n', "analysis.levels: 'Work': level 3 is outside -2 (very distracting) .. 2"),
    ('[analysis]\nlevels = {"Work" = "high"}\n', 'analysis.levels["Work"]: Input should be a whole number, got "high"'),
    ('[analysis]\nlevels = {"Work >" = 1}\n', "analysis.levels: 'Work >': a category is names separated by '>'"),
    ('[analysis]\nkinds = {"Media" = "fun"}\n',
     'analysis.kinds["Media"]: Input should be one of "standard", "research", "entertainment", got "fun"'),
    ('[analysis]\nkinds = {"> Media" = "research"}\n', "analysis.kinds: '> Media': a category is names"),
    ('[analysis]\ncoding_category = ""\n', "analysis.coding_category: '': a category is names separated by '>'"),
    ('[analysis]\nbrowser_apps = "fire(fox"\n', "analysis.browser_apps: 'fire(fox' is not a valid regular expression"),
    ('[analysis]\neditor_apps = "[code"\n', "analysis.editor_apps: '[code' is not a valid regular expression"),
    ("[analysis]\nwork_days = []\n", "analysis.work_days: Input should have at least 1 item"),
    ('[analysis]\nwork_days = ["mon", "monday"]\n', 'analysis.work_days[1]: Input should be one of "mon", "tue"'),
    ('[analysis]\nwork_days = "mon"\n', 'analysis.work_days: Input should be a list, got "mon"'),
    ('[[analysis.rules]]\ntitle = "x"\n', "analysis.rules[0].category: required, but missing"),
    ('[[analysis.rules]]\ncategory = "Work"\n', "analysis.rules[0]: rule for 'Work' needs at least one of: app, title"),
    ('[[analysis.rules]]\ncategory = "Work"\napp = ""\n', "analysis.rules[0].app: an empty pattern would match everything"),
    ('[[analysis.rules]]\ncategory = "Work"\ntitle = "(x"\n', "analysis.rules[0].title: '(x' is not a valid regular"),
    ('[[analysis.rules]]\ncategory = "Work >> Code"\napp = "x"\n', "analysis.rules[0].category: 'Work >> Code': a category"),
    ('[[analysis.rules]]\ncategory = "Work"\ntitel = "x"\n', "analysis.rules[0].titel: unknown setting (check the spelling; "
                                                            "did you mean 'title'?)"),
    ('[[analysis.goals]]\nmin_minutes = 5\nmetric = "active"\n', "analysis.goals[0].name: required, but missing"),
    ('[[analysis.goals]]\nname = "g"\nmetric = "active"\n', "analysis.goals[0]: goal 'g': give exactly one of min_minutes"),
    ('[[analysis.goals]]\nname = "g"\nmetric = "active"\nmin_minutes = 1\nmax_minutes = 2\n',
     "analysis.goals[0]: goal 'g': give exactly one of min_minutes"),
    ('[[analysis.goals]]\nname = "g"\nmin_minutes = 1\n', "analysis.goals[0].category: goal 'g': metric 'category' needs a category"),
    ('[[analysis.goals]]\nname = "g"\nmin_minutes = 1\ncategory = "Media>"\n', "analysis.goals[0].category: 'Media>': a category"),
    ('[[analysis.goals]]\nname = "g"\nmetric = "fun"\nmin_minutes = 1\n',
     'analysis.goals[0].metric: Input should be one of "active", "coding", "category", got "fun"'),
    ('[[analysis.goals]]\nname = "g"\nmetric = "active"\nperiod = "month"\nmin_minutes = 1\n',
     'analysis.goals[0].period: Input should be one of "day", "week", got "month"'),
    ('[[analysis.goals]]\nname = "g"\nmetric = "active"\nmax_minutes = -5\n',
     "analysis.goals[0].max_minutes: Input should be greater than or equal to 0, got -5"),
    ("data_dir = 3\n", "data_dir: Input should be a path in quotes"),
    ('[tracking]\ndevice = ""\n', "tracking.device: a device name must not be blank"),
    ('[tracking]\ndevice = "   "\n', "tracking.device: a device name must not be blank"),
    (f'[tracking]\ndevice = "{"x" * 65}"\n', "tracking.device: 'xxxxxxxxxxxxxxxxxxxx'... is longer than 64"),
    ('[tracking]\ndevice = "a\\tb"\n', "tracking.device: 'a\\tb' has control characters"),
    ("[tracking]\ndevice = 3\n", "tracking.device: Input should be text in quotes, got 3"),
    ("tracking = 3\n", "tracking: Input should be a table, got 3"),
    ("[focus]\nwork_minutes = 0\n", "focus.work_minutes: Input should be greater than 0"),
    ("[focus]\nlong_break_every = 0\n", "focus.long_break_every: Input should be greater than or equal to 1"),
    ("[focus]\nflowtime_break_ratio = 1.5\n", "focus.flowtime_break_ratio: Input should be less than or equal to 1"),
    ('[focus]\nmode = "sprint"\n', 'focus.mode: Input should be one of "pomodoro", "flowtime", "countdown", got "sprint"'),
    ("[focus]\nauto_start_work = 'sometimes'\n", 'focus.auto_start_work: Input should be true or false'),
    ("[analysis]\nmerge_gap = 60\n", "analysis.merge_gap: unknown setting (check the spelling; did you mean 'merge_gap_seconds'?)"),
])
def test_every_rule_names_the_setting_and_the_reason(tmp_path, text, expected):
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    message = str(err.value)
    assert message.startswith(f"{tmp_path / 'config.toml'}: invalid settings\n")
    assert f"\n  {expected}" in message


def test_every_problem_in_a_file_is_listed_not_just_the_first(tmp_path):
    text = ('[tracking]\nafk_timout = 5\npoll_seconds = -1\n[analysis]\nwork_days = ["fun"]\n'
            '[[analysis.rules]]\ncategory = "A"\napp = "("\n[[analysis.rules]]\ntitle = "x"\n')
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    lines = str(err.value).splitlines()[1:]
    assert [line.split(":")[0].strip() for line in lines] == [
        "tracking.afk_timout", "tracking.poll_seconds", "analysis.work_days[0]", "analysis.rules[0].app",
        "analysis.rules[1].category"]


FULL = """\
data_dir = "~/tracker-data"
[tracking]
poll_seconds = 1.5
afk_timeout = 300
record_input = false
window_pulsetime = 3
device = "desk"
[privacy]
exclude_apps = ["keepassxc"]
exclude_titles = ["(?i)private browsing"]
redact_titles = ["\\\\bbank\\\\b"]
[logging]
level = "DEBUG"
[analysis]
timezone = "Europe/Berlin"
day_start_hour = 4
break_minutes = 10
merge_gap_seconds = 90
flood_seconds = 5
focus_interruption_seconds = 30
default_rules = false
levels = { "Work" = 2, "Media > Video" = -2 }
kinds = { "Research" = "research" }
research_min_dwell_seconds = 45
entertainment_glance_seconds = 3
entertainment_allowance_minutes = 15
coding_category = "Work>Programming"
daily_active_goal_minutes = 300
work_days = ["mon", "tue", "wed", "thu"]
browser_apps = "firefox|chrom"
editor_apps = "code|vim"
[[analysis.rules]]
category = "Clients>Acme"
title = "acme"
ignore_case = false
[[analysis.goals]]
name = "Code 2 h"
metric = "coding"
min_minutes = 120
"""


def test_a_file_with_every_setting_loads_and_round_trips(tmp_path):
    s = load_settings(write(tmp_path, FULL))
    assert s.data_dir == Path("~/tracker-data")  # expanded by resolve_settings, not here
    assert s.tracking.window_pulsetime == 3.0 and isinstance(s.tracking.afk_timeout, float)
    assert s.tracking.device == "desk" and this_device(s.tracking) == "desk"
    assert s.privacy.redact_titles == [r"\bbank\b"] and s.logging.level == "DEBUG"
    a = s.analysis
    assert a.timezone == "Europe/Berlin" and a.day_start_hour == 4 and a.levels == {"Work": 2, "Media > Video": -2}
    # Category names are stored the one way rules, levels and goals compare them.
    assert a.coding_category == "Work > Programming" and a.rules[0].category == "Clients > Acme"
    assert a.rules[0].ignore_case is False and a.goals[0].metric == "coding" and a.goals[0].period == "day"
    assert Settings.model_validate(s.model_dump()) == s
    assert "data_dir" not in s.model_dump(exclude={"data_dir"})


def test_focus_settings_load_with_their_defaults(tmp_path):
    s = load_settings(write(tmp_path, "[focus]\nwork_minutes = 50\nauto_start_work = true\n"))
    assert s.focus.work_minutes == 50 and s.focus.auto_start_work and s.focus.short_break_minutes == 5
    assert Settings().focus.model_dump() == {
        "mode": "pomodoro", "work_minutes": 25.0, "short_break_minutes": 5.0, "long_break_minutes": 15.0,
        "long_break_every": 4, "auto_start_breaks": True, "auto_start_work": False,
        "flowtime_break_ratio": 0.2, "blocklist": []}


def test_the_focus_blocklist_takes_domain_names_only(tmp_path):
    s = load_settings(write(tmp_path, '[focus]\nblocklist = ["youtube.com", "news.example.org"]\n'))
    assert s.focus.blocklist == ["youtube.com", "news.example.org"]
    for bad in ("https://youtube.com", "youtube.com/watch", "YouTube.com", "a b", "", "x.com:80"):
        with pytest.raises(ConfigError, match="blocklist"):
            load_settings(write(tmp_path, f"[focus]\nblocklist = [{json.dumps(bad)}]\n"))


def test_values_quoted_by_mistake_still_load_as_before(tmp_path):
    # pydantic's lax mode took these; a config file that worked must keep working.
    s = load_settings(write(tmp_path, '[tracking]\npoll_seconds = "2"\nrecord_input = "false"\n'
                                      "[analysis]\nday_start_hour = 4.0\n"))
    assert s.tracking.poll_seconds == 2.0 and s.tracking.record_input is False and s.analysis.day_start_hour == 4


def test_the_defaults_dump_as_config_shows_them():
    dumped = Settings().model_dump()
    assert dumped["tracking"] == {"poll_seconds": 1.0, "afk_timeout": 180.0, "record_input": True,
                                  "window_pulsetime": None, "device": None}
    assert dumped["analysis"]["goals"] == [{"name": "Media at most 1 h a day", "metric": "category",
                                            "category": "Media", "period": "day", "min_minutes": None,
                                            "max_minutes": 60.0}]
    assert dumped["analysis"]["work_days"] == ["mon", "tue", "wed", "thu", "fri"] and dumped["data_dir"] is None


def test_model_validate_names_the_setting_relative_to_the_section():
    with pytest.raises(InvalidSettings) as err:
        AnalysisSettings.model_validate({"merge_gap_seconds": "soon", "goals": [{"name": "g"}]})
    assert err.value.problems == ['merge_gap_seconds: Input should be a number, got "soon"',
                                  "goals[0]: goal 'g': give exactly one of min_minutes (a target) "
                                  "or max_minutes (a cap)"]


def test_with_tracking_says_which_option_is_wrong():
    with pytest.raises(ConfigError, match=r"^tracking\.afk_timeout: Input should be greater than or equal to 1, got -3$"):
        Settings().with_tracking(afk_timeout=-3)
    with pytest.raises(ConfigError, match=r"^tracking\.window_pulsetime: .* must be at least poll_seconds \+ 1"):
        Settings().with_tracking(poll_seconds=5, window_pulsetime=2)
