import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A local RFC 3161 time-stamping authority for tests. */
export interface TestTsa {
  /** POST application/timestamp-query here. */
  url: string;
  /** The throwaway CA that issued the TSA certificate (PEM and DER). */
  caPem: string;
  caDer: Buffer;
  /** Answer HTTP 503 while true (an authority that is down). */
  failing: boolean;
  /** Tokens issued so far. */
  issued: number;
  close(): Promise<void>;
}

/**
 * A real time-stamping authority: an HTTP server that answers `application/timestamp-query` by
 * running `openssl ts -reply` with a throwaway CA and TSA certificate made in a temporary folder
 * (the TSA certificate has the critical extendedKeyUsage timeStamping RFC 3161 requires). Requests
 * are answered one at a time (openssl keeps the serial number in a file).
 */
export async function startTestTsa(): Promise<TestTsa> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-tsa-'));
  const ssl = (args: string[]) => run('openssl', args, { cwd: dir });
  await writeFile(join(dir, 'tsa-ext.cnf'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n');
  await ssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=cabinet-hub test TSA CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/CN=cabinet-hub test TSA']);
  await ssl(['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.crt', '-days', '2', '-extfile', 'tsa-ext.cnf']);
  await writeFile(join(dir, 'tsaserial'), '01\n');
  await writeFile(
    join(dir, 'ts.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config1',
      '[ tsa_config1 ]',
      `dir = ${dir}`,
      'serial = $dir/tsaserial',
      'crypto_device = builtin',
      'signer_cert = $dir/tsa.crt',
      'certs = $dir/ca.crt',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'other_policies = 1.2.3.4.5.6',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  const caPem = await readFile(join(dir, 'ca.crt'), 'utf8');
  const caDer = Buffer.from(caPem.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');

  let queue: Promise<unknown> = Promise.resolve();
  let n = 0;
  const tsa: TestTsa = {
    url: '',
    caPem,
    caDer,
    failing: false,
    issued: 0,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (tsa.failing) return void res.writeHead(503).end('down');
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') return void res.writeHead(415).end();
      const id = ++n;
      queue = queue.then(async () => {
        try {
          await writeFile(join(dir, `q${id}.tsq`), Buffer.concat(chunks));
          await ssl(['ts', '-reply', '-config', 'ts.cnf', '-queryfile', `q${id}.tsq`, '-out', `r${id}.tsr`]);
          const tsr = await readFile(join(dir, `r${id}.tsr`));
          tsa.issued++;
          res.writeHead(200, { 'content-type': 'application/timestamp-reply', 'content-length': tsr.length }).end(tsr);
        } catch {
          res.writeHead(500).end();
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsr`;
  return tsa;
}
