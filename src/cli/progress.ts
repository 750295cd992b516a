/** Progress for long runs: a bar on a terminal (cli-progress), plain periodic lines otherwise. */
import { SingleBar } from 'cli-progress';

export interface ProgressReporter {
  update(done: number, total: number, fields: Record<string, string>): void;
  stop(): void;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

/**
 * @param label what is counted (`files`, `words`)
 * @param quiet no output at all
 * @param intervalSeconds between plain lines when stderr is not a terminal
 */
export function createProgress(label: string, quiet = false, intervalSeconds = 10): ProgressReporter {
  if (quiet) return { update() {}, stop() {} };
  const began = Date.now();
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `{bar} {percentage}% | {value}/{total} ${label} | {rate} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    });
    let started = false;
    return {
      update(done, total, fields) {
        if (!started) {
          bar.start(total, 0, { rate: '' });
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, { rate: Object.values(fields).join(' | ') });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = began;
  return {
    update(done, total, fields) {
      const now = Date.now();
      if (now - last < intervalSeconds * 1000 && done < total) return;
      last = now;
      const elapsed = (now - began) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : NaN;
      console.error(`progress: ${done}/${total} ${label}, ${Object.values(fields).join(', ')}, ETA ${formatEta(eta)}`);
    },
    stop() {},
  };
}
