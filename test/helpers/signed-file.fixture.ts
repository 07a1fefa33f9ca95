import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** SHA-256 as lowercase hex, as file references carry it. */
export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * A signer with a fresh self-signed certificate that makes real detached CMS signatures with
 * `openssl cms -sign -binary -outform DER`, as a legal entity's signing tool would (the hub reads
 * the signature; validating qualified certificates is the back office's job).
 */
export class OpensslSigner {
  private readonly dir = mkdtempSync(join(tmpdir(), 'signer-'));

  constructor(subject = '/CN=Смирнов Алексей Викторович/O=ООО Северный луч/serialNumber=5321000000') {
    this.openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-utf8', '-subj', subject, '-days', '2', '-keyout', 'key.pem', '-out', 'cert.pem');
  }

  /** The detached signature (DER) over `content`. */
  sign(content: Buffer): Buffer {
    writeFileSync(join(this.dir, 'in.bin'), content);
    this.openssl('cms', '-sign', '-binary', '-in', 'in.bin', '-signer', 'cert.pem', '-inkey', 'key.pem', '-outform', 'DER', '-out', 'out.p7s');
    return readFileSync(join(this.dir, 'out.p7s'));
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private openssl(...args: string[]): Buffer {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }
}
