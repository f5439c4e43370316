// Starts `salter serve` on a fresh SQLite database and returns the bootstrap admin's one-time
// password — printed once on the server's console — and a way to stop it. Used by the global
// set-up (the server most tests share) and by tests that need a server of their own.
//
// Each server trusts a licence key of its own (`salter license keygen`, passed to the debug
// binary as SALTER_LICENCE_TEST_KEY — a release build ignores it): `licensed` installs an
// unlimited licence before the start, and `issueLicence` signs more.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Started {
  base: string;
  otp: string;
  stop: () => Promise<void>;
  /// Stops the server (SIGTERM) and starts it again on the same port and database.
  restart: () => Promise<void>;
  /// A licence signed by the key this server trusts: `salter license issue` with these flags.
  issueLicence: (flags: string[]) => string;
  /// Runs another `salter` command on this server's database and files (`salter import …`);
  /// what it printed.
  command: (args: string[]) => string;
  /// A temporary directory of this server's, removed with it.
  dir: string;
}

/// `twoFactor`: the roles that must sign in with a second factor (`--require-two-factor`); none
/// unless a test is about it.
export async function startSalter(port: number, extraArgs: string[],
  { licensed = false, twoFactor = 'none' } = {}): Promise<Started> {
  const bin = process.env.SALTER_BIN;
  const site = process.env.SALTER_SITE_DIR;
  if (!bin || !site) {
    throw new Error('run the browser tests through `cargo xtask test` (SALTER_BIN, SALTER_SITE_DIR)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'salter-e2e-'));
  const base = `http://127.0.0.1:${port}`;
  const key = join(dir, 'vendor.key');
  const env = {
    ...process.env,
    SALTER_LOG: process.env.SALTER_LOG ?? 'warn',
    SALTER_DATABASE_URL: `sqlite://${join(dir, 'salter.db')}`,
    SALTER_LICENCE_TEST_KEY: execFileSync(bin, ['license', 'keygen', key]).toString().trim(),
  };
  const issueLicence = (flags: string[]) =>
    execFileSync(bin, ['license', 'issue', '--key', key, ...flags], { env }).toString();
  if (licensed) {
    const file = join(dir, 'tests.licence');
    writeFileSync(file, issueLicence(['--licensee', 'Browser tests']));
    execFileSync(bin, ['license', 'install', file], { env, stdio: 'ignore' });
  }
  const launch = () => spawn(
    bin,
    ['serve', '--bind', `127.0.0.1:${port}`, '--site-dir', site, '--files-dir', join(dir, 'files'),
      '--require-two-factor', twoFactor, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'inherit'], env },
  );
  let server = launch();
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
  await healthy(base);
  const stopped = () => new Promise<void>((resolve) => {
    if (server.exitCode !== null) return resolve();
    server.on('exit', () => resolve());
    server.kill('SIGTERM');
  });
  return {
    base,
    otp,
    stop: async () => {
      await stopped();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stopped();
      server = launch();
      server.stdout.resume();
      await healthy(base);
    },
    issueLicence,
    command: (args: string[]) =>
      execFileSync(bin, [...args, '--files-dir', join(dir, 'files')],
        { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString(),
    dir,
  };
}

async function healthy(base: string) {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (i > 100) throw new Error('salter did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
}
