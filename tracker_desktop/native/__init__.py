"""The native-messaging host (`tracker-desktop native-host`): framing, message validation and the
host loop the browser and VS Code extensions talk to (docs/native-messaging.md)."""
