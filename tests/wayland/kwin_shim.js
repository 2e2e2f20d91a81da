// A stand-in for KWin's script runtime (tests only): runs the tracker's real KWin script in node
// with a `workspace` that has KWin's signals and properties (Plasma 6, or 5 with PLASMA=5) and a
// `callDBus` that makes the call for real with dbus-send on the session bus. The test drives it
// with lines on stdin:  activate <resourceClass> <pid> <caption...> | caption <text...> | none
'use strict';
const fs = require('fs');
const vm = require('vm');
const readline = require('readline');
const {execFileSync} = require('child_process');

function signal() {
    const slots = [];
    return {
        connect(f) { slots.push(f); },
        disconnect(f) { const i = slots.indexOf(f); if (i >= 0) slots.splice(i, 1); },
        emit(...args) { for (const f of slots.slice()) f(...args); },
        count() { return slots.length; },
    };
}

const plasma5 = process.env.PLASMA === '5';
const workspace = {};
const activatedSignal = signal();
if (plasma5) { workspace.clientActivated = activatedSignal; workspace.activeClient = null; }
else { workspace.windowActivated = activatedSignal; workspace.activeWindow = null; }

function callDBus(service, path, iface, method, ...args) {
    if (args.some((a) => typeof a !== 'string')) {
        throw new Error('the shim only passes strings, as the script must: ' + JSON.stringify(args));
    }
    execFileSync('dbus-send', ['--session', '--print-reply', '--dest=' + service, path,
        iface + '.' + method, ...args.map((a) => 'string:' + a)], {stdio: ['ignore', 'ignore', 'inherit']});
}

vm.runInNewContext(fs.readFileSync(process.argv[2], 'utf8'), {workspace, callDBus, String});
console.log('ready');

let current = null;
const rl = readline.createInterface({input: process.stdin});
rl.on('line', (line) => {
    const [cmd, ...rest] = line.split(' ');
    if (cmd === 'activate') {
        const [cls, pid, ...caption] = rest;
        current = {resourceClass: cls, resourceName: cls.toLowerCase(), caption: caption.join(' '),
            pid: Number(pid), captionChanged: signal()};
        if (plasma5) workspace.activeClient = current; else workspace.activeWindow = current;
        activatedSignal.emit(current);
    } else if (cmd === 'caption') {
        current.caption = rest.join(' ');
        current.captionChanged.emit();
    } else if (cmd === 'none') {
        current = null;
        activatedSignal.emit(null);
    }
    console.log('done ' + cmd + ' followers=' + (current ? current.captionChanged.count() : 0));
});
