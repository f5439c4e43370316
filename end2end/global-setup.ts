// Starts the server most tests share, and hands the bootstrap admin's one-time password to the
// tests through the environment.
import { PORT } from './playwright.config';
import { startSalter } from './server';

export default async function globalSetup() {
  const server = await startSalter(PORT, [
    // Every test makes its own people; the free edition's two-operator limit has its own
    // integration tests (server/tests/accounts.rs).
    '--edition', 'commercial',
    // The admin assigns by hand here; automatic assignment gets a server of its own
    // (assignment.spec.ts).
    '--manual-assignment',
  ]);
  process.env.SALTER_ADMIN_OTP = server.otp;
  return server.stop;
}
