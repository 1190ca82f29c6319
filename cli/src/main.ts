import { ACTIONS_USAGE, actionsCommand } from './commands/actions.ts';
import { DEV_USAGE, devCommand } from './commands/dev.ts';
import { MAP_USAGE, mapCommand } from './commands/map.ts';
import { MIGRATE_TOKENS_USAGE, migrateTokensCommand } from './commands/migrate-tokens.ts';
import { RECONCILE_USAGE, reconcileCommand } from './commands/reconcile.ts';
import { REPLAY_USAGE, replayCommand } from './commands/replay.ts';
import { SEND_SAMPLE_USAGE, sendSampleCommand } from './commands/send-sample.ts';
import { SERVE_USAGE, serveCommand } from './commands/serve.ts';
import { SHOPS_USAGE, shopsCommand, shopsHelp } from './commands/shops.ts';
import { TEST_ACTION_USAGE, testActionCommand } from './commands/test-action.ts';
import { didYouMean } from './did-you-mean.ts';
import { type Io, UsageError } from './io.ts';
import { cartrelayVersion } from './version.ts';

interface Command {
  readonly run: (args: string[], io: Io) => Promise<number>;
  readonly usage: string;
  readonly summary: string;
  /** The help of what follows the command (a subcommand's); the usage and summary otherwise. */
  readonly help?: (args: string[]) => string | null;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  map: { run: mapCommand, usage: MAP_USAGE, summary: 'print the impact.com conversion an order would become, and why' },
  serve: { run: serveCommand, usage: SERVE_USAGE, summary: 'run the relay: webhooks in, conversions, modifications and reversals out to impact.com' },
  shops: { run: shopsCommand, usage: SHOPS_USAGE, summary: 'manage shops: their impact.com connection, tracking config and (encrypted) credentials', help: shopsHelp },
  'test-action': { run: testActionCommand, usage: TEST_ACTION_USAGE, summary: 'send a test conversion now and reverse it (TEST_ACTION) an hour later' },
  actions: { run: actionsCommand, usage: ACTIONS_USAGE, summary: 'list each order’s conversion, deliveries and attribution (a table; --json for every attempt, answer and integrity check)' },
  replay: { run: replayCommand, usage: REPLAY_USAGE, summary: 're-queue dead-lettered deliveries' },
  reconcile: { run: reconcileCommand, usage: RECONCILE_USAGE, summary: 'store the orders changed since a date that the webhooks missed; the relay processes them' },
  dev: { run: devCommand, usage: DEV_USAGE, summary: 'try CartRelay locally: serve with a fake impact.com, demo shops and the admin page on 127.0.0.1, printing the URLs' },
  'send-sample': { run: sendSampleCommand, usage: SEND_SAMPLE_USAGE, summary: 'sign a sample order webhook (examples/payloads) for a shop and post it to a running relay' },
  'migrate-tokens': { run: migrateTokensCommand, usage: MIGRATE_TOKENS_USAGE, summary: 'move Shopify shops still on non-expiring tokens to expiring ones (Shopify refuses the others from 2027-01-01)' },
};

const HELP_FLAGS = new Set(['--help', '-h']);

function overview(): string {
  const commands = Object.values(COMMANDS).map((command) => `  ${command.usage.replace('usage: ', '')}\n      ${command.summary}\n`);
  return `cartrelay ${cartrelayVersion()}: server-side impact.com conversions for Shopify, WooCommerce and BigCommerce

commands:
${commands.join('')}
cartrelay <command> --help, or cartrelay help <command>, says more about one.
`;
}

function commandHelp(command: Command, args: string[]): string {
  return command.help?.(args) ?? `${command.usage}\n\n${command.summary}\n`;
}

function unknownCommand(name: string): UsageError {
  return new UsageError(`unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}; see cartrelay --help`);
}

/**
 * Runs one command and returns the exit code: 0 done, 2 bad input or usage (one line on stderr),
 * 1 an unexpected failure (one line, no stack trace). Help and the version open nothing and write nothing.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-v') {
    io.stdout(`${cartrelayVersion()}\n`);
    return 0;
  }
  if (!name || HELP_FLAGS.has(name) || name === 'help') {
    const [topic, ...rest] = args;
    if (name === 'help' && topic) {
      const command = COMMANDS[topic];
      if (!command) return fail(io, 'help', unknownCommand(topic));
      io.stdout(commandHelp(command, rest));
      return 0;
    }
    io.stdout(overview());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) return fail(io, null, unknownCommand(name));
  // Before anything is parsed or opened: `--help` anywhere only prints.
  if (args.some((arg) => HELP_FLAGS.has(arg))) {
    io.stdout(commandHelp(command, args.filter((arg) => !HELP_FLAGS.has(arg))));
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    return fail(io, name, error);
  }
}

function fail(io: Io, name: string | null, error: unknown): number {
  const prefix = name ? `cartrelay ${name}` : 'cartrelay';
  if (error instanceof UsageError) {
    io.stderr(`${prefix}: ${error.message}\n`);
    return 2;
  }
  io.stderr(`${prefix}: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
