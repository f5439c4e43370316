import { defineConfig } from '@playwright/test';

// The server is started by global-setup.ts on this port with a fresh SQLite database. The tests'
// own servers take the next ten, and the mail and webhook tests theirs (PORT + 10 … PORT + 20):
// all below Linux's ephemeral range (32768–60999), so that no outgoing connection of the run —
// the browser's, a server's to PostgreSQL — can be holding one when a test binds it (a CI run
// once failed so: "binding 127.0.0.1:39176: Address already in use").
export const PORT = Number(process.env.SALTER_E2E_PORT ?? 29171);

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The JSON report gives `cargo xtask test` the counts for its closing line.
  reporter: [['list'], ['json', { outputFile: 'test-results/report.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'en-US',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
