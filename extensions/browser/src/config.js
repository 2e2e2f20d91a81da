// Constants shared by the background worker, the popup and the blocked page.

/** The native-messaging host `tracker-desktop install` registers (docs/native-messaging.md). */
export const HOST_NAME = 'org.tracker_desktop.host';
export const VERSION = '0.1.0';
/** A heartbeat merges into the page's event if it comes within this many seconds of its end. */
export const PULSETIME_SECONDS = 80;
/** The alarm that keeps a page's time growing while nothing happens (a long read, a video). */
export const ALARM_NAME = 'heartbeat';
export const ALARM_PERIOD_MINUTES = 1;
/** chrome.idle: no input for this long pauses tracking (the desktop tracker's AFK is separate). */
export const IDLE_SECONDS = 120;
/** Heartbeats sent to the host in one `heartbeats` message when the offline queue flushes. */
export const MAX_BATCH = 500;
/** Reconnection back-off to the host, in milliseconds. */
export const RECONNECT_MIN_MS = 1000;
export const RECONNECT_MAX_MS = 60000;
export const INSTALL_HINT = 'Install the host with `tracker-desktop install`, then reload the extension.';
