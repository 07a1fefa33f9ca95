import { runCli } from '../../src/cli/main';

/** Runs the CLI in this process with its stdout and stderr captured. */
export async function runCliCaptured(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(
    args,
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}
