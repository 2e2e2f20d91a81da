/** The current git branch from `.git/HEAD`, for when the built-in git extension is absent or has
 * not opened the repository yet. Node only. */
import { promises as fs } from 'fs';
import * as path from 'path';

/** `ref: refs/heads/main` → `main`; a detached HEAD → undefined. */
export function branchFromHead(head: string): string | undefined {
  const match = /^ref:\s*refs\/heads\/(.+?)\s*$/m.exec(head);
  return match?.[1];
}

/** Walks up from `dir` to the first `.git` (a directory, or a worktree's `gitdir:` file). */
export async function readBranch(dir: string): Promise<string | undefined> {
  for (let current = dir; ; current = path.dirname(current)) {
    const dotGit = path.join(current, '.git');
    try {
      const stat = await fs.stat(dotGit);
      let gitDir = dotGit;
      if (stat.isFile()) {
        const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(await fs.readFile(dotGit, 'utf8'));
        if (!pointer?.[1]) {
          return undefined;
        }
        gitDir = path.resolve(current, pointer[1]);
      }
      return branchFromHead(await fs.readFile(path.join(gitDir, 'HEAD'), 'utf8'));
    } catch {
      // no .git here: go up
    }
    if (path.dirname(current) === current) {
      return undefined;
    }
  }
}
