"""The names the browsers know us by. The Chromium extension id follows from the public `key` in
extensions/browser/manifest.json (tests/native/test_install.py checks it); the Firefox id is the
manifest's `browser_specific_settings.gecko.id`."""

HOST_NAME = "org.tracker_desktop.host"
CHROMIUM_EXTENSION_ID = "nafojmofjikbecohejifccpahikogfdh"
GECKO_ID = "browser@tracker-desktop.org"
HOST_DESCRIPTION = "Tracker Desktop: records the browser extension's activity into the local database"
