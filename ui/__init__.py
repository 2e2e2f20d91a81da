"""PySide6 views: tray, dashboard, settings. Imported only by the composition root."""
