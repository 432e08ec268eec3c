import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { buildServerIfStale, SERVER_ENTRY } from '../../scripts/build-if-stale.mjs';

const ROOT = join(import.meta.dirname, '..', '..');

export interface StartedServer {
  child: ChildProcess;
  /** The console's base URL, as printed (the public address links use). */
  base: string;
  /** Where the server listens, as printed. */
  listening: string;
  /** Everything printed up to the end of the start banner. */
  output: string;
}

/**
 * Runs the compiled server as `npm start` does (built first when server/ changed), with the given
 * environment, until it has printed its banner.
 */
export function startMain(env: Record<string, string>, timeoutMs = 90_000): Promise<StartedServer> {
  buildServerIfStale({ quiet: true });
  const child = spawn(process.execPath, ['--enable-source-maps', SERVER_ENTRY], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), timeoutMs);
    const exited = (code: number | null) => reject(new Error(`server exited with ${code}:\n${output}`));
    child.once('exit', exited);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /操作台：(https?:\/\/[^\s/]+)\/console/u.exec(output);
      const listening = /监听地址：(http:\/\/[^\s（]+)/u.exec(output);
      if (match && listening && output.includes('Ctrl+C')) {
        clearTimeout(timer);
        child.off('exit', exited);
        resolve({ child, base: match[1] as string, listening: listening[1] as string, output });
      }
    });
  });
}
