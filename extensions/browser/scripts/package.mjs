// Package the extension from its one source: `npm run package` writes
//   dist/chromium/                           unpacked, for Chrome, Chromium, Edge, Brave
//   dist/tracker-desktop-chromium.zip        the same, zipped (store upload / "Load unpacked")
//   dist/firefox/                            xpi-ready folder (web-ext / AMO signing take it)
//   dist/tracker-desktop-firefox.xpi         the same, zipped (unsigned)
// Each manifest keeps only what its browser reads: Chromium gets `key` and the service worker,
// Firefox the gecko id and background scripts.

import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Buffer} buf */
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of `files` (name → content), deflated, with a fixed date (reproducible).
 * @param {[string, Buffer][]} files */
function zip(files) {
  const local = [];
  const central = [];
  let offset = 0;
  const DOS_TIME = 0; const DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 1;
  for (const [name, data] of files) {
    const nameBuf = Buffer.from(name, 'utf8');
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(0x0800, 6);
    head.writeUInt16LE(8, 8); head.writeUInt16LE(DOS_TIME, 10); head.writeUInt16LE(DOS_DATE, 12);
    head.writeUInt32LE(crc, 14); head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(data.length, 22); head.writeUInt16LE(nameBuf.length, 26);
    local.push(head, nameBuf, packed);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0); dir.writeUInt16LE(20, 4); dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8); dir.writeUInt16LE(8, 10); dir.writeUInt16LE(DOS_TIME, 12);
    dir.writeUInt16LE(DOS_DATE, 14); dir.writeUInt32LE(crc, 16); dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(data.length, 24); dir.writeUInt16LE(nameBuf.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, nameBuf);
    offset += head.length + nameBuf.length + packed.length;
  }
  const size = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10); end.writeUInt32LE(size, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, ...central, end]);
}

/** @param {string} dir @returns {string[]} paths relative to root */
function sources(dir) {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(root, rel)).isDirectory() ? sources(rel) : [rel];
  });
}

/** @param {string} target @param {Record<string, unknown>} targetManifest @param {string} archive */
function build(target, targetManifest, archive) {
  const out = path.join(dist, target);
  rmSync(out, { recursive: true, force: true });
  /** @type {[string, Buffer][]} */
  const files = [['manifest.json', Buffer.from(JSON.stringify(targetManifest, null, 2) + '\n')]];
  for (const rel of sources('src').sort()) files.push([rel.split(path.sep).join('/'), readFileSync(path.join(root, rel))]);
  for (const [name, data] of files) {
    mkdirSync(path.dirname(path.join(out, name)), { recursive: true });
    writeFileSync(path.join(out, name), data);
  }
  writeFileSync(path.join(dist, archive), zip(files));
  console.log(`${target}: dist/${target}/ and dist/${archive} (${files.length} files)`);
}

mkdirSync(dist, { recursive: true });
const { browser_specific_settings: _gecko, ...chromiumManifest } = manifest;
build('chromium', { ...chromiumManifest, background: { service_worker: manifest.background.service_worker, type: 'module' } },
  'tracker-desktop-chromium.zip');
const { key: _key, ...firefoxManifest } = manifest;
build('firefox', { ...firefoxManifest, background: { scripts: manifest.background.scripts, type: 'module' } },
  'tracker-desktop-firefox.xpi');
