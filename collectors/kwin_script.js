// Loaded into KWin by tracker-desktop (collectors/kde.py) over D-Bus: tells the tracker which
// window is active, at every activation and caption change. Plasma 6 (windowActivated,
// activeWindow) and Plasma 5 (clientActivated, activeClient). Every argument is a string (the pid
// too): KWin turns JS numbers into D-Bus doubles on some versions, ints on others.
var BUS_NAME = "@BUS_NAME@";
var followed = null;

function report(w) {
    if (!w) {
        callDBus(BUS_NAME, "/Receiver", "io.github.trackerdesktop.KWinReceiver", "Activated",
                 "", "", "", "0");
        return;
    }
    callDBus(BUS_NAME, "/Receiver", "io.github.trackerdesktop.KWinReceiver", "Activated",
             String(w.resourceClass || ""), String(w.resourceName || ""), String(w.caption || ""),
             String(w.pid > 0 ? w.pid : 0));
}

function onCaption() {
    report(followed);
}

function activated(w) {
    if (followed) {
        followed.captionChanged.disconnect(onCaption);
    }
    followed = w || null;
    if (followed) {
        followed.captionChanged.connect(onCaption);
    }
    report(followed);
}

(workspace.windowActivated || workspace.clientActivated).connect(activated);
activated(workspace.activeWindow !== undefined ? workspace.activeWindow : workspace.activeClient);
