// What the browser benchmarks share: where records go, the machine facts every record file
// carries, percentiles, and a signed-in person's cookies.
import type { Browser, BrowserContext } from '@playwright/test';
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { call, adminContext } from '../tests/helpers';
import { startSalter } from '../server';

export const OUT = process.env.BENCH_OUT ?? join(__dirname, '../../target/bench');

/// How the `salter` under test was built, as the Rust benchmarks record it: `cargo xtask bench`
/// with no name builds it as the tests do (debug), a named benchmark for release.
export const PROFILE = process.env.BENCH_PROFILE === 'dev' ? 'debug' : 'release';

export interface Record { metric: string; value: number; unit: string; target: string | null; met: boolean | null }

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.round((sorted.length - 1) * p)];
}

/// Median time of writing 4 KiB and fsyncing it, as the other benchmarks measure it.
function fsyncMs(): number {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, '.fsync-probe-node');
  const fd = openSync(path, 'w');
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    writeSync(fd, Buffer.alloc(4096, 7));
    fsyncSync(fd);
    times.push(performance.now() - start);
  }
  closeSync(fd);
  rmSync(path);
  times.sort((a, b) => a - b);
  return Math.round(times[10] * 1000) / 1000;
}

/// A signed-in person of `role`: the cookies a fresh context starts with.
export async function signedIn(browser: Browser, baseURL: string, admin: Awaited<ReturnType<typeof adminContext>>,
  fullName: string, role: string) {
  const created = await call(admin, 'accounts/create', { input: { full_name: fullName, email: null, role } });
  const context = await browser.newContext({ baseURL });
  await call(context, 'session/sign_in',
    { input: { username: created.body.account.username, password: created.body.one_time_password, app: role } });
  await call(context, 'session/change_password',
    { input: { current_password: null, new_password: 'a benchmark passphrase' } });
  const state = await context.storageState();
  await context.close();
  return { state, id: created.body.account.id as number };
}

/// The machine facts that explain a difference between runs.
export function machine(loadBefore: number[]) {
  return { cpu: cpus()[0]?.model ?? null, cores: cpus().length, load_average_before: loadBefore,
    load_average_after: loadavg(), fsync_ms_median: fsyncMs() };
}

/// What a browser benchmark works with: its own `salter`, its admin, a client and an
/// operator (their cookies, for fresh contexts), and a context of the client's.
export interface Desk {
  baseURL: string;
  admin: BrowserContext;
  client: Awaited<ReturnType<typeof signedIn>>;
  operator: Awaited<ReturnType<typeof signedIn>>;
  clientCtx: BrowserContext;
}

/// Runs `bench` against a desk of its own on `port`; the server stops however it ends.
export async function withDesk(browser: Browser, port: number, bench: (desk: Desk) => Promise<void>) {
  // One admin and one operator: the free edition (a release build trusts no test licence).
  const server = await startSalter(port, ['--manual-assignment']);
  try {
    const baseURL = server.base;
    const admin = await adminContext(browser, { baseURL, otp: server.otp });
    const client = await signedIn(browser, baseURL, admin, 'Bench Client', 'client');
    const operator = await signedIn(browser, baseURL, admin, 'Bench Operator', 'operator');
    const clientCtx = await browser.newContext({ baseURL, storageState: client.state });
    await bench({ baseURL, admin, client, operator, clientCtx });
  } finally {
    await server.stop();
  }
}
