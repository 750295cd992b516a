/** Progress for long runs: a bar on a terminal (cli-progress), plain periodic lines otherwise. */
import { SingleBar } from 'cli-progress';

export interface ProgressReporter {
  update(done: number, total: number, fields: Record<string, string>): void;
  /** Prints a line of its own (a skipped file, a warning) without leaving a stale bar behind. */
  log(line: string): void;
  /** Ends the progress: the bar is cleared, for the summary to take its place. */
  stop(): void;
}

function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

/** Byte counts as MB with one decimal. */
export const asMegabytes = (bytes: number) => (bytes / 1048576).toFixed(1);

/**
 * @param label what is counted (`files`, `words`, `MB`)
 * @param quiet no output at all
 * @param intervalSeconds between plain lines when stderr is not a terminal
 * @param format how counts are shown (as they are by default)
 */
export function createProgress(label: string, quiet = false, intervalSeconds = 10, format: (n: number) => string = String): ProgressReporter {
  if (quiet) return { update() {}, log: (line) => console.error(line), stop() {} };
  const began = Date.now();
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `{bar} {percentage}% | {value}/{total} ${label} | {rate} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      formatValue: (v, _options, type) => (type === 'value' || type === 'total' ? format(v) : String(v)),
    });
    // The bar is drawn while `shown`; a line of text or the end clears it, the next update draws it again.
    let shown = false;
    const hide = () => {
      if (shown) bar.stop();
      shown = false;
    };
    return {
      update(done, total, fields) {
        if (!shown) {
          bar.start(total, done, { rate: '' });
          shown = true;
        }
        bar.setTotal(total);
        bar.update(done, { rate: Object.values(fields).join(' | ') });
      },
      log(line) {
        hide();
        console.error(line);
      },
      stop: hide,
    };
  }
  let last = began;
  let complete = false;
  return {
    update(done, total, fields) {
      const now = Date.now();
      // A line every interval, and one when the count first reaches the total.
      if (done < total ? now - last < intervalSeconds * 1000 : complete) return;
      complete = done >= total;
      last = now;
      const elapsed = (now - began) / 1000;
      const eta = done > 0 ? (elapsed * (total - done)) / done : NaN;
      console.error(`progress: ${format(done)}/${format(total)} ${label}, ${Object.values(fields).join(', ')}, ETA ${formatEta(eta)}`);
    },
    log: (line) => console.error(line),
    stop() {},
  };
}
