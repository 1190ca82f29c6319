import { mapCommand, MAP_USAGE } from './commands/map.ts';
import { type Io, UsageError } from './io.ts';

const COMMANDS: Readonly<Record<string, (args: string[], io: Io) => Promise<number>>> = {
  map: mapCommand,
};

const USAGE = `cartrelay: server-side impact.com conversions for Shopify, WooCommerce and BigCommerce

commands:
  ${MAP_USAGE.replace('usage: ', '')}
      print the impact.com conversion an order would become, and why
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
