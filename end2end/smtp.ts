// A real SMTP server for the browser tests: Debian's python3-aiosmtpd (installed by
// `cargo xtask test` when missing) on a port of the test's own, storing every message it
// accepts in a Maildir the test reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Stored {
  to: string;
  subject: string;
  messageId: string;
  raw: string;
}

export class MailServer {
  private constructor(readonly port: number, private dir: string, private child: ChildProcess) {}

  static async start(port: number): Promise<MailServer> {
    const dir = mkdtempSync(join(tmpdir(), 'salter-smtp-'));
    const child = spawn('/usr/bin/python3',
      ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', join(dir, 'maildir')],
      { stdio: 'ignore' });
    const server = new MailServer(port, dir, child);
    for (let i = 0; i < 400 && !(await server.listening()); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!(await server.listening())) {
      await server.stop();
      throw new Error(`the test SMTP server did not start on port ${port}`);
    }
    return server;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  private listening(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection(this.port, '127.0.0.1');
      socket.on('connect', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
  }

  /// Every message stored so far, headers unfolded, oldest first.
  messages(): Stored[] {
    const box = join(this.dir, 'maildir', 'new');
    let files: string[] = [];
    try { files = readdirSync(box); } catch { return []; }
    // In the order received, as far as the clock tells (a directory lists in no order).
    files.sort((a, b) => statSync(join(box, a)).mtimeMs - statSync(join(box, b)).mtimeMs || a.localeCompare(b));
    return files.map((f) => {
      const raw = readFileSync(join(box, f), 'utf8');
      const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
      const header = (name: string) => head.match(new RegExp(`^${name}: (.*)$`, 'mi'))?.[1] ?? '';
      return { to: header('To'), subject: header('Subject'), messageId: header('Message-ID'), raw };
    });
  }

  async stop() {
    this.child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
