import fs from 'node:fs';
import { MockAdminError } from '../_kit';
import { createS3Mock } from './index';
import { DEFAULT_CREDENTIALS, resolveS3Options } from './s3-mock.options';

describe('S3 mock options', () => {
  it('defaults: us-east-1, the demo key, bucket cabinet-hub, 64 MiB objects, 5 MiB parts, bodies cut at 4 KiB in the log', () => {
    const o = resolveS3Options();
    expect(o).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      region: 'us-east-1',
      buckets: ['cabinet-hub'],
      maxObjectBytes: 64 * 1024 * 1024,
      minPartBytes: 5 * 1024 * 1024,
      maxClockSkewMs: 900_000,
      recorder: { maxBodyBytes: 4096 },
    });
    expect(o.credentials).toEqual(DEFAULT_CREDENTIALS);
  });

  it('reports every problem at once, unknown keys included', () => {
    let err: unknown;
    try {
      resolveS3Options({ buckets: ['Bad_Bucket'], credentials: [], region: 'EU', port: 70000, bukets: [] } as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MockAdminError);
    const problems = ((err as MockAdminError).details as { problems: string[] }).problems;
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/bukets is not an option/);
  });

  it('makes its own temporary folder and removes it', async () => {
    const mock = createS3Mock({ buckets: ['a-bucket', 'b.bucket'] });
    const folder = mock.store.folder();
    expect(fs.existsSync(folder)).toBe(true);
    expect(mock.buckets).toEqual(['a-bucket', 'b.bucket']);
    await mock.dispose();
    expect(fs.existsSync(folder)).toBe(false);
  });
});
