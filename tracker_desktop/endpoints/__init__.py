"""Network edges of the app (the local WakaTime-compatible API): thin over the services."""
