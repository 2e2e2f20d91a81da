/** The real `tracker-desktop` command and a throwaway data dir for it. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const repoRoot = path.resolve(__dirname, '../../../../..');

/** TRACKER_DESKTOP_BIN, else the worktree's virtualenv. */
export const trackerBin = process.env.TRACKER_DESKTOP_BIN ?? path.join(repoRoot, '.venv/bin/tracker-desktop');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface StoredEvent {
  source: string;
  start: string;
  end: string;
  duration: number;
  data: Record<string, unknown>;
  counts: Record<string, number>;
}

/** Every editor event in `dataDir`, read back with `tracker-desktop events`. */
export function editorEvents(dataDir: string): StoredEvent[] {
  try {
    const out = execFileSync(trackerBin, ['events', '--source', 'editor', '--all', '--json'], {
      env: { ...process.env, TRACKER_DATA_DIR: dataDir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out) as StoredEvent[];
  } catch (error) {
    if (String((error as { stderr?: string }).stderr).includes('there is no database')) {
      return []; // nothing was ever recorded there
    }
    throw error;
  }
}

export function sumCounts(events: StoredEvent[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const e of events) {
    for (const [k, v] of Object.entries(e.counts)) {
      total[k] = (total[k] ?? 0) + v;
    }
  }
  return total;
}
