import pytest

from tracker_desktop.domain.activity import Activity
from tracker_desktop.domain.categories import (
    DEFAULT_RULES,
    UNCATEGORIZED,
    Categorizer,
    InvalidRule,
    Rule,
    ancestors,
    inherited,
    parse_category,
    rules_from,
)


def w(app, title="", **kw):
    return Activity("window", app=app, title=title, **kw)


def web(domain, url=None, title="", app="firefox"):
    return Activity("browser", app=app, title=title, domain=domain, url=url or f"https://{domain}/")


DEFAULTS = Categorizer(DEFAULT_RULES)


@pytest.mark.parametrize("activity, expected", [
    (w("code", "main.py - tracker - Visual Studio Code"), "Work > Programming"),
    (w("Code.exe"), "Work > Programming"),
    (w("jetbrains-pycharm"), "Work > Programming"),
    (w("gnome-terminal-server", "~/src: pytest"), "Work > Programming"),
    (w("kitty"), "Work > Programming"),
    (Activity("editor", app="vscode", project="tracker", language="Python", file="a.py"),
     "Work > Programming"),
    (web("github.com", "https://github.com/o/r/pull/12"), "Work > Programming > Code Review"),
    (web("docs.python.org"), "Work > Programming > Docs"),
    (web("stackoverflow.com"), "Work > Programming > Docs"),
    (w("firefox", "python - How to x? - Stack Overflow"), "Work > Programming > Docs"),
    (web("www.youtube.com"), "Media > Video"),
    (web("music.youtube.com"), "Media > Music"),
    (w("firefox", "Funny cats - YouTube — Mozilla Firefox"), "Media > Video"),
    (web("reddit.com"), "Media > Social Media"),
    (web("x.com"), "Media > Social Media"),
    (web("news.ycombinator.com"), "Media > News"),
    (w("slack", "general | Team"), "Comms > Chat"),
    (web("app.slack.com"), "Comms > Chat"),
    (w("thunderbird"), "Comms > Email"),
    (web("mail.google.com"), "Comms > Email"),
    (web("meet.google.com"), "Comms > Meetings"),
    (w("spotify"), "Media > Music"),
    (w("vlc"), "Media > Video"),
    (w("steam"), "Media > Games"),
    (web("www.amazon.co.uk"), "Media > Shopping"),
    (w("nautilus"), "System > Files"),
    (web("en.wikipedia.org"), "Learning"),
    (web("docs.google.com"), "Work > Writing"),
    (w("gimp-2.10"), "Work > Design"),
    (w("obscure-tool"), "Uncategorized"),
])
def test_default_rules_cover_common_apps_and_sites(activity, expected):
    assert " > ".join(DEFAULTS(activity)) == expected


def test_deepest_match_wins_and_ties_go_to_the_earlier_rule():
    c = Categorizer([
        Rule.of("Work", app="code"),
        Rule.of("Work > Clients > Acme", title="acme"),
        Rule.of("Work > Programming", app="code"),
        Rule.of("Media > Video", title="acme"),
    ])
    assert c(w("code", "acme.py")) == ("Work", "Clients", "Acme")
    assert c(w("code", "other.py")) == ("Work", "Programming")
    tie = Categorizer([Rule.of("A > X", app="code"), Rule.of("B > Y", app="code")])
    assert tie(w("code")) == ("A", "X")


def test_user_rules_placed_first_override_defaults_on_ties():
    user = rules_from([{"category": "Media > Video", "app": "^code$", "title": "conference talk"}])
    c = Categorizer([*user, *DEFAULT_RULES])
    assert c(w("code", "conference talk.mp4")) == ("Media", "Video")
    assert c(w("code", "main.py")) == ("Work", "Programming")


def test_all_fields_of_a_rule_must_match_and_case_is_ignored_by_default():
    r = Rule.of("Work > Acme", app="firefox", domain=r"acme\.com$")
    assert r.matches(web("app.ACME.com"))
    assert not r.matches(web("example.com"))
    assert not r.matches(w("firefox", "acme.com"))  # no domain on a plain window
    strict = Rule.of("X", title="Acme", ignore_case=False)
    assert not strict.matches(w("a", "acme"))


def test_manual_entries_carry_their_own_category():
    c = Categorizer(DEFAULT_RULES)
    assert c(Activity("manual", title="Standup", category="Work > Meetings")) == ("Work", "Meetings")
    assert c(Activity("manual", title="Standup")) == UNCATEGORIZED


@pytest.mark.parametrize("bad", [
    lambda: Rule.of("Work"),
    lambda: Rule.of("Work", colour="red"),
    lambda: Rule.of("Work", title="("),
    lambda: Rule.of("Work", title=""),
    lambda: Rule.of("Work >  > X", title="a"),
])
def test_bad_rules_are_refused(bad):
    with pytest.raises(InvalidRule):
        bad()


def test_hierarchy_helpers():
    assert parse_category(" Work >Programming ") == ("Work", "Programming")
    assert ancestors(("A", "B", "C")) == [("A", "B", "C"), ("A", "B"), ("A",)]
    table = {("Media",): -2, ("Media", "Music"): -1}
    assert inherited(("Media", "Music", "Jazz"), table, 0) == -1
    assert inherited(("Media", "Video"), table, 0) == -2
    assert inherited(("Work",), table, 0) == 0
