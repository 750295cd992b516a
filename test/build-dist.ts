/** Builds dist/ (what bin/ctxembed.js runs) when src/ changed since the last build the tests made. */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const STAMP = path.join(ROOT, 'dist', '.tests-src-hash');

function sourceHash(): string {
  const h = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) h.update(p).update(fs.readFileSync(p));
    }
  };
  walk(path.join(ROOT, 'src'));
  for (const f of ['tsconfig.json', 'tsconfig.build.json']) h.update(fs.readFileSync(path.join(ROOT, f)));
  return h.digest('hex');
}

export function ensureDistBuilt(): void {
  const hash = sourceHash();
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash && fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) return;
  // No stamp while dist/ is being rewritten: a failed build (which still emits) must not pass for the sources it was stamped with.
  fs.rmSync(STAMP, { force: true });
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    fs.writeFileSync(STAMP, hash);
  } catch (err) {
    // tsc still emits on type errors; the CLI tests will show whether dist/ works.
    const out = String((err as { stdout?: Buffer }).stdout ?? '').split('\n').slice(0, 5).join('\n');
    console.warn(`global setup: tsc -p tsconfig.build.json failed; dist/ may be stale or broken:\n${out}`);
  }
}
