// Starts the server most tests share, and hands the bootstrap admin's one-time password to the
// tests through the environment.
import { PORT } from './playwright.config';
import { startSalter } from './server';

export default async function globalSetup() {
  const server = await startSalter(PORT, [
    // The admin assigns by hand here; automatic assignment gets a server of its own
    // (assignment.spec.ts).
    '--manual-assignment',
  // Every test makes its own people: a licence without limits (the free edition's limits and
  // the licence page have their own tests).
  ], { licensed: true });
  process.env.SALTER_ADMIN_OTP = server.otp;
  return server.stop;
}
