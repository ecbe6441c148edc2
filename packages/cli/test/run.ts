import { main } from '../src/index.js';

/** Runs the CLI in-process (the same code as the binary), capturing its output. */
export async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  extra: { cwd?: string; columns?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env,
    cwd: extra.cwd ?? '/nonexistent',
    isTTY: false,
    ...(extra.columns === undefined ? {} : { columns: extra.columns }),
  });
  return { code, stdout, stderr };
}
