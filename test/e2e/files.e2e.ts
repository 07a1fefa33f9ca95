import { randomBytes } from 'node:crypto';
import type { AdapterFiles } from '../../contracts';
import { MAX_INLINE_FILE_BYTES } from '../../contracts';
import { ADAPTER_FILES, FILE_STORE } from '../../src/config/injection.tokens';
import type { FileStore } from '../../src/files/file-store.port';
import { FileIntake, HubFiles } from '../../src/files/hub-files.service';
import { digestOf, sha256Of, startFileServer, type TestFileServer } from '../helpers/files.helper';
import { TEST_CONFIG_YAML, useTestHub } from '../helpers/test-hub.helper';

let portal: TestFileServer;
const attachment = randomBytes(MAX_INLINE_FILE_BYTES * 3);

beforeAll(async () => {
  portal = await startFileServer({
    '/attachment': (_req, res) => {
      res.writeHead(200, { 'content-length': String(attachment.length) });
      res.end(attachment);
    },
  });
});
afterAll(() => portal?.close());

/**
 * The files machinery as the running hub wires it: the store (PostgreSQL, the hub's schema), the
 * intake with the tenant's allow-list, HubFiles under ADAPTER_FILES, and download links served on
 * the hub's own HTTP port (picked by the system here, HTTP_PORT=0).
 */
describe('files in the running hub', () => {
  // The allow-list must name the portal's port, known only once it listens: the YAML is read lazily.
  const yaml = () => TEST_CONFIG_YAML.replace('tenants:\n  demo: { name: Demo,', `tenants:\n  demo: { name: Demo, files: { allowedHosts: ['http://127.0.0.1:${portal.port}'] },`);
  const { hub } = useTestHub({
    get yaml() {
      return yaml();
    },
  });

  it('fetches a referenced file, opens it for an adapter, and serves what an adapter keeps by a link', async () => {
    const app = hub().app;
    const files = app.get<AdapterFiles>(ADAPTER_FILES);
    expect(files).toBeInstanceOf(HubFiles);
    expect(app.get<FileStore>(FILE_STORE).kind).toBe('postgres');
    const ref = { sha256: sha256Of(attachment), size: attachment.length };
    await app.get(FileIntake).ensureStored('demo', { ...ref, url: `${portal.url}/attachment` });
    expect(await digestOf(await files.open(ref))).toEqual(ref);

    const answer = randomBytes(MAX_INLINE_FILE_BYTES + 1);
    const kept = await files.keep(answer, { tenant: 'demo', name: 'Відповідь.pdf', mediaType: 'application/pdf' });
    expect(kept.url?.startsWith(`${hub().url}/v1/files/${sha256Of(answer)}?`)).toBe(true);
    const res = await fetch(kept.url as string);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(answer)).toBe(true);
    expect((await fetch(`${hub().url}/v1/files/${sha256Of(answer)}?t=demo`)).status).toBe(403);
  });
});
