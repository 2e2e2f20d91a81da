"""Hierarchical categories ("Work > Programming") assigned by ordered regex rules.

A rule names a category and one or more regexes over an activity's fields (app, title, domain,
url, project, language, file); it matches when all of them match (re.search, case-insensitive by
default). Of all matching rules the deepest category wins; among equally deep ones the earliest
rule wins, which is why user rules are placed before the defaults. ActivityWatch picks the deepest
category too (aw-core `aw_transform/classify.py`), but lets the later rule win a tie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterable, Mapping, Sequence

Category = tuple[str, ...]
SEPARATOR = " > "
UNCATEGORIZED: Category = ("Uncategorized",)
FIELDS = ("app", "title", "domain", "url", "project", "language", "file")


class InvalidRule(ValueError):
    """A category rule that cannot be used (no pattern, unknown field, bad regex, empty name)."""


def parse_category(name: str) -> Category:
    """'Work > Programming' -> ('Work', 'Programming'); surrounding blanks are ignored."""
    parts = tuple(p.strip() for p in name.split(">"))
    if not parts or any(not p for p in parts):
        raise InvalidRule(f"category {name!r} has an empty part")
    return parts


def format_category(category: Category) -> str:
    return SEPARATOR.join(category)


def ancestors(category: Category) -> list[Category]:
    """The category and every parent, deepest first: (A, B, C), (A, B), (A,)."""
    return [category[:i] for i in range(len(category), 0, -1)]


def is_within(category: Category, parent: Category) -> bool:
    return category[: len(parent)] == parent


@dataclass(frozen=True, slots=True)
class Rule:
    category: Category
    patterns: Mapping[str, re.Pattern[str]] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, category: str, *, ignore_case: bool = True, **patterns: str) -> "Rule":
        unknown = set(patterns) - set(FIELDS)
        if unknown:
            raise InvalidRule(f"rule for {category!r}: unknown field(s) {', '.join(sorted(unknown))}; "
                              f"use {', '.join(FIELDS)}")
        given = {k: v for k, v in patterns.items() if v is not None}
        if not given:
            raise InvalidRule(f"rule for {category!r} has no pattern")
        flags = re.IGNORECASE if ignore_case else 0
        compiled = {}
        for key, regex in given.items():
            if not regex:
                raise InvalidRule(f"rule for {category!r}: empty {key} pattern would match everything")
            try:
                compiled[key] = re.compile(regex, flags)
            except re.error as exc:
                raise InvalidRule(f"rule for {category!r}: {key} {regex!r} is not a valid "
                                  f"regular expression: {exc}") from None
        return cls(parse_category(category), MappingProxyType(compiled))

    def matches(self, activity: Any) -> bool:
        for key, pattern in self.patterns.items():
            value = getattr(activity, key, None)
            if not value or not pattern.search(value):
                return False
        return True


class Categorizer:
    """Assigns the deepest matching category; remembers answers (activities repeat a lot)."""

    CACHE_SIZE = 50_000  # a long-running app sees ever new titles: start over past this many

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self._cache: dict[Any, Category] = {}

    def __call__(self, activity: Any) -> Category:
        hit = self._cache.get(activity)
        if hit is not None:
            return hit
        explicit = getattr(activity, "category", None)
        if explicit:
            try:
                result = parse_category(explicit)
            except InvalidRule:
                result = UNCATEGORIZED
        else:
            result = UNCATEGORIZED
            depth = 0
            for rule in self.rules:
                if len(rule.category) > depth and rule.matches(activity):
                    result, depth = rule.category, len(rule.category)
        if len(self._cache) >= self.CACHE_SIZE:
            self._cache.clear()
        self._cache[activity] = result
        return result


def _r(category: str, **patterns: str) -> Rule:
    return Rule.of(category, ignore_case=True, **patterns)


_TERMINALS = (r"^(gnome-terminal(-server)?|konsole|alacritty|kitty|wezterm(-gui)?|x?term|urxvt|rxvt"
              r"|terminator|tilix|foot|st|xfce4-terminal|lxterminal|mate-terminal|qterminal|guake"
              r"|yakuake|terminology|ghostty|warp|hyper|iterm2?|terminal|windowsterminal|cmd"
              r"|powershell|pwsh|conhost)(\.exe)?$")
_EDITORS = (r"^(code|code-oss|codium|vscodium|cursor|windsurf|zed|zeditor|sublime_text|subl|atom"
            r"|emacs|gvim|vim|nvim|neovide|kate|kwrite|kdevelop|qtcreator|geany|gnome-builder"
            r"|helix|hx|lapce|eclipse|netbeans|xcode|devenv|notepad\+\+|android-studio|studio64"
            r"|rustrover|fleet)(\.exe)?$"
            r"|visual studio code|jetbrains|pycharm|intellij|idea|clion|goland|webstorm|phpstorm"
            r"|rubymine|rider|datagrip|dataspell|android studio")


def _domains(*names: str) -> str:
    return r"(^|\.)(" + "|".join(re.escape(n) for n in names) + r")$"


# The default rule set: common editors, terminals, developer sites, office and design tools,
# chat, mail, meetings, video, music, social media, news, games and shopping. User rules from
# the settings come first and may override any of these (deepest match wins, then rule order).
DEFAULT_RULES: tuple[Rule, ...] = (
    _r("Work > Programming", app=_EDITORS),
    _r("Work > Programming", app=_TERMINALS),
    _r("Work > Programming", project=r"."),
    _r("Work > Programming", language=r"."),
    _r("Work > Programming > Code Review",
       url=r"(github\.com/[^/]+/[^/]+/pull/|gitlab\.[^/]+/.+/merge_requests/|bitbucket\.org/.+/pull-requests/)"),
    _r("Work > Programming > Docs", domain=_domains(
        "github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sr.ht", "stackoverflow.com",
        "stackexchange.com", "serverfault.com", "superuser.com", "askubuntu.com", "python.org",
        "pypi.org", "readthedocs.io", "readthedocs.org", "developer.mozilla.org", "docs.rs",
        "crates.io", "rust-lang.org", "npmjs.com", "nodejs.org", "pkg.go.dev", "go.dev",
        "cppreference.com", "man7.org", "learn.microsoft.com", "developer.apple.com",
        "developer.android.com", "kotlinlang.org", "docs.oracle.com", "devdocs.io", "sqlite.org",
        "postgresql.org", "djangoproject.com", "tiangolo.com", "sqlalchemy.org", "pytorch.org",
        "kernel.org", "archlinux.org", "debian.org", "docker.com", "kubernetes.io", "localhost",
        "127.0.0.1")),
    _r("Work > Programming > Docs", title=r"(Stack Overflow|· GitHub|- GitHub$|GitLab|MDN Web Docs"
                                           r"|documentation|docs\.rs)"),
    _r("Work > AI Assistants", domain=_domains(
        "chatgpt.com", "chat.openai.com", "claude.ai", "gemini.google.com", "perplexity.ai",
        "copilot.microsoft.com", "chat.mistral.ai")),
    _r("Work > Writing", app=r"^(libreoffice|soffice|lowriter|abiword|obsidian|logseq|joplin|typora"
                             r"|marktext|ghostwriter|notion|winword|pages|texstudio|texmaker|lyx"
                             r"|zotero)(\.exe)?$|libreoffice writer"),
    _r("Work > Writing", domain=_domains(
        "docs.google.com", "notion.so", "notion.site", "overleaf.com", "hackmd.io", "dropbox.com",
        "office.com", "onedrive.live.com", "quip.com", "coda.io", "craft.do")),
    _r("Work > Spreadsheets", app=r"^(localc|gnumeric|excel|numbers)(\.exe)?$|libreoffice calc"),
    _r("Work > Spreadsheets", domain=_domains("sheets.google.com")),
    _r("Work > Design", app=r"^(gimp|gimp-2\.\d+|inkscape|krita|blender|darktable|rawtherapee"
                            r"|scribus|figma-linux|figma|sketch|photoshop|illustrator|affinity"
                            r"|freecad|kicad|openscad|drawio|draw\.io)(\.exe)?$"),
    _r("Work > Design", domain=_domains("figma.com", "canva.com", "miro.com", "excalidraw.com",
                                        "app.diagrams.net", "draw.io", "whimsical.com")),
    _r("Work > Planning", domain=_domains(
        "atlassian.net", "atlassian.com", "linear.app", "trello.com", "asana.com", "monday.com",
        "clickup.com", "calendar.google.com", "todoist.com", "basecamp.com", "height.app",
        "youtrack.cloud", "shortcut.com")),
    _r("Work > Planning", app=r"^(gnome-calendar|korganizer|todoist|super-productivity|planner"
                              r"|taskwarrior|calendar)(\.exe)?$"),
    _r("Learning", domain=_domains(
        "wikipedia.org", "coursera.org", "udemy.com", "edx.org", "khanacademy.org",
        "arxiv.org", "scholar.google.com", "semanticscholar.org", "researchgate.net",
        "exercism.org", "leetcode.com", "freecodecamp.org", "brilliant.org", "duolingo.com")),
    _r("Learning", app=r"^(anki|okular|evince|zathura|foliate|calibre|xreader|atril"
                       r"|sioyek)(\.exe)?$"),
    _r("Comms > Chat", app=r"^(slack|discord|telegram-desktop|telegram|signal|signal-desktop"
                           r"|element|element-desktop|teams|ms-teams|teams-for-linux|whatsapp"
                           r"|zulip|mattermost|mattermost-desktop|skype|wire|rocket\.chat|pidgin"
                           r"|hexchat|weechat|irssi|thunderbird-chat|beeper)(\.exe)?$"),
    _r("Comms > Chat", domain=_domains(
        "slack.com", "app.slack.com", "discord.com", "web.telegram.org", "web.whatsapp.com",
        "messenger.com", "teams.microsoft.com", "teams.live.com", "zulipchat.com", "chat.google.com",
        "app.element.io", "mattermost.com")),
    _r("Comms > Email", app=r"^(thunderbird|evolution|geary|kmail|mailspring|outlook|mail"
                            r"|betterbird|claws-mail|mutt|neomutt|aerc)(\.exe)?$"),
    _r("Comms > Email", domain=_domains("mail.google.com", "outlook.live.com", "outlook.office.com",
                                        "outlook.office365.com", "mail.proton.me", "fastmail.com",
                                        "mail.yahoo.com", "app.hey.com")),
    _r("Comms > Email", title=r"(Gmail|Inbox \(\d+\))"),
    _r("Comms > Meetings", app=r"^(zoom|zoom\.us|webex|ciscowebexstart|jitsi-meet|skypeforlinux"
                               r"|gather)(\.exe)?$"),
    _r("Comms > Meetings", domain=_domains("meet.google.com", "zoom.us", "meet.jit.si",
                                           "webex.com", "whereby.com", "around.co")),
    # Music before video: music.youtube.com is both, equally deep; the earlier rule wins.
    _r("Media > Music", domain=_domains(
        "music.youtube.com", "open.spotify.com", "soundcloud.com", "deezer.com", "tidal.com",
        "bandcamp.com", "music.apple.com", "last.fm")),
    _r("Media > Music", app=r"^(spotify|rhythmbox|lollypop|elisa|amarok|clementine|strawberry"
                            r"|audacious|deadbeef|cmus|ncspot|tidal-hifi|quodlibet|itunes"
                            r"|music)(\.exe)?$"),
    _r("Media > Video", domain=_domains(
        "youtube.com", "youtu.be", "netflix.com", "twitch.tv", "vimeo.com", "primevideo.com",
        "disneyplus.com", "hulu.com", "max.com", "hbomax.com", "dailymotion.com", "crunchyroll.com",
        "tv.apple.com", "nebula.tv", "peacocktv.com", "paramountplus.com", "kick.com")),
    _r("Media > Video", app=r"^(vlc|mpv|totem|celluloid|smplayer|mplayer|kodi|haruna|dragon"
                            r"|parole|clapper|stremio|plex|jellyfin|freetube|netflix)(\.exe)?$"),
    _r("Media > Video", title=r"(- YouTube|Netflix|Twitch|Prime Video|Disney\+)"),
    _r("Media > Social Media", domain=_domains(
        "reddit.com", "twitter.com", "x.com", "facebook.com", "instagram.com", "tiktok.com",
        "bsky.app", "threads.net", "mastodon.social", "pinterest.com", "tumblr.com", "9gag.com",
        "linkedin.com", "snapchat.com", "vk.com", "quora.com", "imgur.com")),
    _r("Media > Social Media", title=r"(Reddit|Facebook|Instagram|TikTok| / X$|Twitter)"),
    _r("Media > News", domain=_domains(
        "news.ycombinator.com", "bbc.com", "bbc.co.uk", "cnn.com", "nytimes.com", "theguardian.com",
        "reuters.com", "washingtonpost.com", "lemonde.fr", "spiegel.de", "foxnews.com",
        "news.google.com", "apnews.com", "theverge.com", "arstechnica.com", "lobste.rs",
        "slashdot.org", "wired.com", "bloomberg.com", "ft.com", "economist.com", "lwn.net")),
    _r("Media > Games", app=r"^(steam|steamwebhelper|lutris|heroic|minecraft|minecraft-launcher"
                            r"|retroarch|dolphin-emu|pcsx2|yuzu|ryujinx|epicgameslauncher"
                            r"|battle\.net|gamescope|wine64-preloader)(\.exe)?$"),
    _r("Media > Games", domain=_domains("store.steampowered.com", "steamcommunity.com", "itch.io",
                                        "chess.com", "lichess.org", "poki.com", "epicgames.com")),
    _r("Media > Shopping", domain=r"(^|\.)(amazon|ebay|aliexpress|etsy|temu|shein|walmart|ikea"
                                  r"|bestbuy|target|zalando|rakuten)\.[a-z.]+$"),
    _r("System > Files", app=r"^(nautilus|org\.gnome\.nautilus|dolphin|thunar|nemo|pcmanfm"
                             r"|pcmanfm-qt|caja|krusader|doublecmd|explorer|finder)(\.exe)?$"),
    _r("System > Settings", app=r"^(gnome-control-center|systemsettings|xfce4-settings-manager"
                                r"|pavucontrol|nm-connection-editor|system preferences"
                                r"|system settings|systempreferences)(\.exe)?$"),
)

# Productivity levels, −2 (very distracting) to +2 (very productive); a category without its
# own level inherits its parent's; a category with none anywhere up its path is neutral (0).
DEFAULT_LEVELS: Mapping[str, int] = MappingProxyType({
    "Work": 2,
    "Work > Planning": 1,
    "Work > AI Assistants": 1,
    "Learning": 1,
    "Comms": 0,
    "Comms > Meetings": 1,
    "Media": -2,
    "Media > Music": -1,
    "Media > News": -1,
    "System": 0,
    "Uncategorized": 0,
})

# Which scoring strategy a category uses (inherited like levels). See scoring.py.
DEFAULT_KINDS: Mapping[str, str] = MappingProxyType({
    "Work > Programming > Docs": "research",
    "Learning": "research",
    "Media": "entertainment",
})


def inherited(category: Category, table: Mapping[Category, Any], default: Any) -> Any:
    """The value for the category or its nearest ancestor in `table`, else `default`."""
    for c in ancestors(category):
        if c in table:
            return table[c]
    return default


def rules_from(entries: Iterable[Mapping[str, Any]]) -> list[Rule]:
    """Rules from plain mappings: {category, app?, title?, ..., ignore_case?}."""
    out = []
    for entry in entries:
        fields = {k: v for k, v in entry.items() if k in FIELDS and v is not None}
        out.append(Rule.of(entry["category"], ignore_case=entry.get("ignore_case", True), **fields))
    return out
