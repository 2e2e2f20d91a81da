// Exposes the focused window on the session bus for tracker-desktop (GNOME Shell 45+, ESM).
// GNOME Shell no longer allows org.gnome.Shell.Eval, so the tracker asks this instead:
//   io.github.trackerdesktop.FocusedWindow.Get() -> (b focused, s app_id, s wm_class, s title, u pid)
// and the Changed signal fires when the focus or the focused window's title changes.
import Gio from 'gi://Gio';
import Shell from 'gi://Shell';
import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

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

export default class TrackerDesktopExtension extends Extension {
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
        return [true, app ? app.get_id() ?? '' : '', win.get_wm_class() ?? '',
            win.get_title() ?? '', Math.max(0, win.get_pid())];
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
        this._dbus?.emit_signal('Changed', null);
    }
}
