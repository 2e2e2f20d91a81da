/** Settings-driven exclusions: files by glob, projects by name, languages by id. Pure. */
import { minimatch } from 'minimatch';

export interface ExclusionRules {
  globs: readonly string[];
  projects: readonly string[];
  languages: readonly string[];
}

export interface Target {
  /** Absolute path. */
  path: string;
  /** Path relative to its workspace folder, if in one. */
  relativePath?: string;
  project?: string;
  language?: string;
}

export function isExcluded(target: Target, rules: ExclusionRules): boolean {
  if (target.project !== undefined && rules.projects.includes(target.project)) {
    return true;
  }
  if (target.language !== undefined && rules.languages.includes(target.language)) {
    return true;
  }
  const paths = [target.path, target.relativePath].filter((p): p is string => p !== undefined);
  return rules.globs.some((glob) => paths.some((p) => minimatch(p.replace(/\\/g, '/'), glob, { dot: true })));
}
