import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker_desktop.domain.privacy import REDACTED, PrivacyRules
from tracker_desktop.domain.window import WindowInfo
from tracker_desktop.config import PrivacySettings

FIREFOX = WindowInfo("firefox", "Inbox - Mail", 4242)


def test_no_rules_records_everything_unchanged():
    assert PrivacyRules().apply(FIREFOX) is FIREFOX


@pytest.mark.parametrize("app, rule", [
    ("firefox", "firefox"),
    ("Firefox", "FIREFOX"),
    ("firefox.exe", "firefox"),
    ("firefox", "Firefox.EXE"),
    ("KeePassXC.exe", "keepassxc.exe"),
])
def test_excluded_apps_match_case_insensitively_with_or_without_exe(app, rule):
    assert PrivacyRules(exclude_apps=[rule]).apply(WindowInfo(app, "t", 1)) is None


def test_app_exclusion_is_by_whole_name_not_substring():
    rules = PrivacyRules(exclude_apps=["fire"])
    assert rules.apply(FIREFOX) is FIREFOX


def test_excluded_titles_use_re_search_ignoring_case():
    rules = PrivacyRules(exclude_titles=[r"inbox"])
    assert rules.apply(FIREFOX) is None
    assert rules.apply(WindowInfo("firefox", "News", 1)) is not None
    assert PrivacyRules(exclude_titles=[r"^mail"]).apply(FIREFOX) is not None  # search, anchored


def test_redacted_titles_keep_app_and_pid():
    shown = PrivacyRules(redact_titles=[r"\bMAIL\b"]).apply(FIREFOX)
    assert shown == WindowInfo("firefox", REDACTED, 4242)


def test_exclusion_wins_over_redaction():
    rules = PrivacyRules(exclude_titles=["inbox"], redact_titles=["inbox"])
    assert rules.apply(FIREFOX) is None


def test_from_settings_reads_the_privacy_section():
    s = PrivacySettings(exclude_apps=["KeePassXC"], exclude_titles=["private browsing"],
                        redact_titles=["bank"])
    rules = PrivacyRules.from_settings(s)
    assert rules.apply(WindowInfo("keepassxc", "db", None)) is None
    assert rules.apply(WindowInfo("firefox", "Private Browsing", None)) is None
    assert rules.apply(WindowInfo("firefox", "My Bank", None)).title == REDACTED


def test_bad_patterns_are_refused_up_front():
    with pytest.raises(re.error):
        PrivacyRules(exclude_titles=["("])


text = st.text(max_size=30)


@given(app=text, title=text, pid=st.none() | st.integers(1, 99999),
       ex_apps=st.lists(st.sampled_from(["a", "B.exe", "firefox", ""]), max_size=3),
       ex_titles=st.lists(st.sampled_from(["a", "^x", "[0-9]"]), max_size=2),
       red_titles=st.lists(st.sampled_from(["b", "y$", "\\s"]), max_size=2))
def test_rules_only_ever_drop_or_redact(app, title, pid, ex_apps, ex_titles, red_titles):
    info = WindowInfo(app, title, pid)
    shown = PrivacyRules(ex_apps, ex_titles, red_titles).apply(info)
    if shown is not None:
        assert (shown.app, shown.pid) == (app, pid)
        assert shown.title in (title, REDACTED)
        assert not any(re.search(p, title, re.I) for p in ex_titles)
        # A title that is literally "[redacted]" reads the same whether or not a rule hid it.
        redacted = shown.title == REDACTED and title != REDACTED
        assert redacted == (title != REDACTED and any(re.search(p, title, re.I) for p in red_titles))
