// Starts `salter serve` on a fresh SQLite database and hands the bootstrap admin's one-time
// password — printed once on the server's console — to the tests through the environment.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PORT } from './playwright.config';

export default async function globalSetup() {
  const bin = process.env.SALTER_BIN;
  const site = process.env.SALTER_SITE_DIR;
  if (!bin || !site) {
    throw new Error('run the browser tests through `cargo xtask test` (SALTER_BIN, SALTER_SITE_DIR)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'salter-e2e-'));
  const server = spawn(
    bin,
    ['serve', '--bind', `127.0.0.1:${PORT}`, '--site-dir', site,
      '--database-url', `sqlite://${join(dir, 'salter.db')}`, '--files-dir', join(dir, 'files'),
      // Every test makes its own people; the free edition's two-operator limit has its own
      // integration tests (server/tests/accounts.rs).
      '--edition', 'commercial',
      // The admin assigns by hand here; automatic assignment gets a server of its own
      // (assignment.spec.ts).
      '--manual-assignment'],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SALTER_LOG: process.env.SALTER_LOG ?? 'warn' } },
  );
  const otp = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no one-time password printed:\n${out}`)), 30_000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/one-time password:\s+(\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`salter exited (${code}):\n${out}`)));
  });
  const base = `http://127.0.0.1:${PORT}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 100) throw new Error('salter did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  process.env.SALTER_ADMIN_OTP = otp;
  return async () => {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
}
