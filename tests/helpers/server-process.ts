import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** `npm start` itself: the supervisor, what it and its server printed, and the server it runs now. */
export class NpmStart {
  output = '';
  /** The supervisor's exit code (null when a signal ended it), once all it printed has been read. */
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  }

  /** Runs `node scripts/start.mjs` with the given environment added (and these variables removed). */
  static run(env: Record<string, string>, { without = [] as string[] } = {}): NpmStart {
    const merged: Record<string, string | undefined> = { ...process.env, ...env };
    for (const name of without) delete merged[name];
    return new NpmStart(spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], { cwd: ROOT, env: merged }));
  }

  /** Waits until the output matches; fails when npm start ends first or after `timeoutMs`. */
  async until(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    let ended = false;
    void this.exited.then(() => (ended = true));
    for (const started = Date.now(); ;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (ended || Date.now() - started > timeoutMs) {
        throw new Error(`npm start ${ended ? 'ended' : 'timed out'} before ${pattern}:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The pid of the server process npm start runs now (read from /proc: the child running the bundle). */
  serverPid(): number | null {
    const pid = this.child.pid;
    if (pid === undefined) return null;
    let children: string[];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/u);
    } catch {
      return null;
    }
    for (const child of children.filter(Boolean)) {
      try {
        if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(SERVER_ENTRY)) return Number(child);
      } catch {
        // ended meanwhile
      }
    }
    return null;
  }
}
