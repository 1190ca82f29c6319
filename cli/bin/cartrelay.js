#!/usr/bin/env -S node --max-semi-space-size=16
// The `cartrelay` command. Sources are TypeScript run directly by Node's type stripping (Node ≥ 22.18 / 24).
// A 16 MB young generation: under load, a batch's short-lived objects die there instead of being
// promoted into the old generation, and the young generation itself stays small (peak RSS end to end:
// 285–300 MB with 32 MB, 245–265 MB with 16 MB, conversions/s within the machine's noise).
import { main } from '../src/main.ts';

process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  },
  now: () => new Date(),
  env: process.env,
  untilSignal: () =>
    new Promise((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    }),
});

// Done: a call still hanging on a socket (a platform that never answers) must not keep the process
// alive. The timer does not itself hold the process: it fires only if something else does.
setTimeout(() => process.exit(), 2_000).unref();
