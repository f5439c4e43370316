// A real IMAP server for the browser tests: Debian's Dovecot (dovecot-imapd, installed by
// `cargo xtask test` when missing), run unprivileged with its own temporary configuration on a
// port of the test's own, holding one mailbox the test delivers mail into (its Maildir), as a
// mail server's delivery agent does.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const USER = 'support';
const PASSWORD = 'mailbox-secret';

const id = (...args: string[]) => execFileSync('id', args).toString().trim();

export class ImapServer {
  private delivered = 0;

  private constructor(readonly port: number, private dir: string, private child: ChildProcess,
    private owner: [number, number]) {}

  static async start(port: number): Promise<ImapServer> {
    const dir = mkdtempSync(join(tmpdir(), 'salter-imap-'));
    chmodSync(dir, 0o755);
    // Dovecot will not serve mail as root: then it runs as its own unprivileged users.
    const root = process.getuid?.() === 0;
    const user = root ? 'dovecot' : userInfo().username;
    const group = id('-gn', user);
    const uid = Number(id('-u', user));
    const gid = Number(id('-g', user));
    const box = join(dir, 'mail', USER);
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(box, sub), { recursive: true });
    mkdirSync(join(dir, 'home'));
    for (const p of [join(dir, 'mail'), box, join(box, 'cur'), join(box, 'new'), join(box, 'tmp'), join(dir, 'home')]) {
      chownSync(p, uid, gid);
    }
    writeFileSync(join(dir, 'passwd'), `${USER}:{PLAIN}${PASSWORD}\n`);
    writeFileSync(join(dir, 'dovecot.conf'), [
      `base_dir = ${dir}/run`, `state_dir = ${dir}/state`, `log_path = ${dir}/log`,
      'protocols = imap', 'listen = 127.0.0.1', 'ssl = no', 'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      `default_internal_user = ${user}`, `default_internal_group = ${group}`,
      `default_login_user = ${root ? 'dovenull' : user}`, `first_valid_uid = ${uid}`,
      `mail_location = maildir:${dir}/mail/%u`,
      `service imap-login {\n  chroot =\n  inet_listener imap {\n    port = ${port}\n  }\n}`,
      'service anvil {\n  chroot =\n}',
      `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN ${dir}/passwd\n}`,
      `userdb {\n  driver = static\n  args = uid=${uid} gid=${gid} home=${dir}/home/%u\n}`,
    ].join('\n') + '\n');
    const child = spawn('/usr/sbin/dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
    const server = new ImapServer(port, dir, child, [uid, gid]);
    for (let i = 0; i < 200 && !(await server.listening()); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return server;
  }

  /// The mailbox's URL, as the admin sets it.
  get url(): string {
    return `imap://${USER}:${PASSWORD}@127.0.0.1:${this.port}/INBOX`;
  }

  private listening(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection(this.port, '127.0.0.1');
      socket.on('connect', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
  }

  /// Delivers one message (lines joined with CRLF) into the mailbox.
  deliver(lines: string[]) {
    const name = `${Math.floor(Date.now() / 1000)}.${process.pid}_${this.delivered++}.salter-e2e`;
    const box = join(this.dir, 'mail', USER);
    const tmp = join(box, 'tmp', name);
    writeFileSync(tmp, lines.join('\r\n') + '\r\n');
    chownSync(tmp, ...this.owner);
    renameSync(tmp, join(box, 'new', name));
  }

  async stop() {
    this.child.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
