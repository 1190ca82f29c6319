import { actionsCommand } from './commands/actions.ts';
import { MAP_USAGE, mapCommand } from './commands/map.ts';
import { MIGRATE_TOKENS_USAGE, migrateTokensCommand } from './commands/migrate-tokens.ts';
import { RECONCILE_USAGE, reconcileCommand } from './commands/reconcile.ts';
import { replayCommand } from './commands/replay.ts';
import { SERVE_USAGE, serveCommand } from './commands/serve.ts';
import { SHOPS_USAGE, shopsCommand } from './commands/shops.ts';
import { testActionCommand } from './commands/test-action.ts';
import { type Io, UsageError } from './io.ts';

const COMMANDS: Readonly<Record<string, (args: string[], io: Io) => Promise<number>>> = {
  map: mapCommand,
  serve: serveCommand,
  shops: shopsCommand,
  'test-action': testActionCommand,
  actions: actionsCommand,
  replay: replayCommand,
  reconcile: reconcileCommand,
  'migrate-tokens': migrateTokensCommand,
};

const USAGE = `cartrelay: server-side impact.com conversions for Shopify, WooCommerce and BigCommerce

commands:
  ${MAP_USAGE.replace('usage: ', '')}
      print the impact.com conversion an order would become, and why
  ${SERVE_USAGE.replace('usage: ', '')}
      run the relay: webhooks in, conversions, modifications and reversals out to impact.com
  ${SHOPS_USAGE.replace('usage: ', '')}
      manage shops: their tracking config and (encrypted) credentials
  cartrelay test-action --shop <shop>
      send a test conversion now and reverse it (TEST_ACTION) an hour later
  cartrelay actions --shop <shop> [--since <date>] [--status <status>]
      list each order's conversion, attempts, impact.com's answers and integrity checks
  cartrelay replay [--shop <shop>]
      re-queue dead-lettered deliveries
  ${RECONCILE_USAGE.replace('usage: ', '')}
      store the Shopify orders updated since a date that the webhooks missed; the relay processes them
  ${MIGRATE_TOKENS_USAGE.replace('usage: ', '')}
      move Shopify shops still on non-expiring tokens to expiring ones (Shopify refuses the others from 2027-01-01)
`;

/**
 * Runs one command and returns the exit code: 0 done, 2 bad input or usage (one line on stderr),
 * 1 an unexpected failure (one line, no stack trace).
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`cartrelay: unknown command "${name}"; expected one of ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`cartrelay ${name}: ${error.message}\n`);
      return 2;
    }
    io.stderr(`cartrelay ${name}: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
