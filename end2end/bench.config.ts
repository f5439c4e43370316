import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `cargo xtask bench app-start` and `bench live`: the benchmarks that need a browser. Each starts its own release
// server (SALTER_BIN) and writes target/bench/<name>.json itself.
export default defineConfig({
  ...base,
  testDir: './bench',
  globalSetup: undefined,
  timeout: 600_000,
  reporter: [['list']],
});
