import { readFile } from 'node:fs/promises';
import { type Result, err, ok, parseJson } from '@cartrelay/core';

/** What a command may touch of the outside world; tests pass fakes. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly now: () => Date;
  /** The environment the command reads its settings from (parsed by env.ts). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves on SIGTERM or SIGINT, for long-running commands. */
  readonly untilSignal: () => Promise<void>;
}

/** A command-line mistake or bad input: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Reads and parses a JSON file (or stdin for "-"); the error names the file. */
export async function readJsonInput(path: string, io: Io): Promise<Result<unknown, string>> {
  let text: string;
  try {
    text = path === '-' ? await io.readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    return err(`${path}: cannot read: ${reason}`);
  }
  const parsed = parseJson(text);
  return parsed.ok ? ok(parsed.value) : err(`${displayName(path)}: invalid JSON: ${parsed.error}`);
}

export function displayName(path: string): string {
  return path === '-' ? '(stdin)' : path;
}
