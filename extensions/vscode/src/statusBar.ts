/** The status bar item: today's coding time from the host's `today` query; click opens the
 * dashboard. Renders only; the text is built by `statusText` (pure). */
import * as vscode from 'vscode';
import { formatDuration } from './format';
import { FocusState, TodaySummary } from './protocol';

export interface StatusInput {
  paused: boolean;
  connected: boolean;
  queued: number;
  today?: TodaySummary;
  focus?: FocusState;
}

export function statusText(input: StatusInput): { text: string; tooltip: string } {
  if (input.paused) {
    return { text: '$(debug-pause) Tracking paused', tooltip: 'Tracker Desktop: tracking is paused (run "Resume Tracking")' };
  }
  const focus = input.focus?.active
    ? ` $(target) ${input.focus.remaining_seconds != null ? formatDuration(input.focus.remaining_seconds) : 'focus'}`
    : '';
  if (!input.connected) {
    const queued = input.queued > 0 ? ` (${input.queued} heartbeat${input.queued === 1 ? '' : 's'} waiting)` : '';
    return {
      text: '$(warning) Tracker offline',
      tooltip: `Tracker Desktop: cannot reach "tracker-desktop native-host"${queued}. Is tracker-desktop installed and on PATH (setting trackerDesktop.executable)?`,
    };
  }
  if (!input.today) {
    return { text: `$(clock) …${focus}`, tooltip: 'Tracker Desktop: today\'s coding time (click: dashboard)' };
  }
  const t = input.today;
  const score = t.productivity_score == null ? '' : `, score ${Math.round(t.productivity_score)}`;
  return {
    text: `$(clock) ${formatDuration(t.coding_seconds)}${focus}`,
    tooltip: `Tracker Desktop — today: coding ${formatDuration(t.coding_seconds)}, active ${formatDuration(t.active_seconds)}${score} (click: dashboard)`,
  };
}

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private input: StatusInput = { paused: false, connected: false, queued: 0 };

  constructor() {
    this.item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'Tracker Desktop';
    this.item.command = 'trackerDesktop.openDashboard';
    this.render();
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  update(change: Partial<StatusInput>): void {
    this.input = { ...this.input, ...change };
    this.render();
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    const { text, tooltip } = statusText(this.input);
    this.item.text = text;
    this.item.tooltip = tooltip;
  }
}
