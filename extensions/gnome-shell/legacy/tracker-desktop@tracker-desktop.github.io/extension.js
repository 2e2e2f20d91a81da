// GNOME Shell 42-44 (legacy, non-module) copy of ../../tracker-desktop@tracker-desktop.github.io:
// the same D-Bus interface, for releases that cannot load ES modules (Debian 12 ships 43).
//   io.github.trackerdesktop.FocusedWindow.Get() -> (b focused, s app_id, s wm_class, s title, u pid)
/* exported init */
const {Gio, Shell} = imports.gi;

const BUS_NAME = 'io.github.trackerdesktop.FocusedWindow';
const OBJECT_PATH = '/io/github/trackerdesktop/FocusedWindow';
const IFACE = `
<node>
  <interface name="io.github.trackerdesktop.FocusedWindow">
    <method name="Get">
      <arg type="b" direction="out" name="focused"/>
      <arg type="s" direction="out" name="app_id"/>
      <arg type="s" direction="out" name="wm_class"/>
      <arg type="s" direction="out" name="title"/>
      <arg type="u" direction="out" name="pid"/>
    </method>
    <signal name="Changed"/>
  </interface>
</node>`;

class TrackerDesktopExtension {
    enable() {
        this._dbus = Gio.DBusExportedObject.wrapJSObject(IFACE, this);
        this._dbus.export(Gio.DBus.session, OBJECT_PATH);
        this._nameId = Gio.bus_own_name_on_connection(
            Gio.DBus.session, BUS_NAME, Gio.BusNameOwnerFlags.NONE, null, null);
        this._window = null;
        this._titleId = 0;
        this._focusId = global.display.connect('notify::focus-window', () => this._follow());
        this._follow();
    }

    disable() {
        global.display.disconnect(this._focusId);
        this._unfollow();
        Gio.bus_unown_name(this._nameId);
        this._dbus.unexport();
        this._dbus = null;
    }

    Get() {
        const win = global.display.focus_window;
        if (!win)
            return [false, '', '', '', 0];
        const app = Shell.WindowTracker.get_default().get_window_app(win);
        const appId = app ? app.get_id() : null;
        return [true, appId || '', win.get_wm_class() || '', win.get_title() || '',
            Math.max(0, win.get_pid())];
    }

    _follow() {
        this._unfollow();
        this._window = global.display.focus_window;
        if (this._window)
            this._titleId = this._window.connect('notify::title', () => this._changed());
        this._changed();
    }

    _unfollow() {
        if (this._window && this._titleId)
            this._window.disconnect(this._titleId);
        this._window = null;
        this._titleId = 0;
    }

    _changed() {
        if (this._dbus)
            this._dbus.emit_signal('Changed', null);
    }
}

function init() {
    return new TrackerDesktopExtension();
}
