import { type PlatformAdapter, type PlatformCredentials, createImpactClient, reconcileCursor } from '@cartrelay/core';
import { didYouMean } from '../did-you-mean.ts';
import { parseEnv } from '../env.ts';
import { type Io, UsageError, readJsonInput } from '../io.ts';
import { parseOptions } from '../options.ts';
import { PLATFORMS, platformAdapter } from '../platforms.ts';
import { type Runtime, openRuntime } from '../runtime.ts';
import { readTrackingConfig } from './map.ts';

const ADD_USAGE =
  'usage: cartrelay shops add --platform <shopify|woocommerce|bigcommerce> --shop <shop> --impact-account-sid <sid> --impact-auth-token <token> --config <tracking.json> [--credentials <credentials.json>] [--webhook-secret <secret>] [--access-token <token>]';

/** Shorthands for the credentials most platforms hold: each sets one key of the shop's credentials. */
const CREDENTIAL_FLAGS = { 'webhook-secret': 'webhookSecret', 'access-token': 'accessToken' } as const;
const CONFIG_SET_USAGE = 'usage: cartrelay shops config-set --shop <shop> [--platform <platform>] --config <tracking.json>';
const CONFIG_GET_USAGE = 'usage: cartrelay shops config-get --shop <shop> [--platform <platform>]';
const SET_CONNECTION_USAGE =
  'usage: cartrelay shops set-connection --shop <shop> [--platform <platform>] --impact-account-sid <sid> --impact-auth-token <token> [--force]';
const SHOW_USAGE = 'usage: cartrelay shops show --shop <shop> [--platform <platform>]';
const REMOVE_USAGE = 'usage: cartrelay shops remove --shop <shop> [--platform <platform>] --yes';
export const SHOPS_USAGE = 'usage: cartrelay shops <add|list|show|set-connection|config-set|config-get|remove> …';

type ShopsHandler = (args: string[], runtime: Runtime, io: Io) => Promise<number>;

const SUBCOMMANDS: Readonly<Record<string, { readonly usage: string; readonly summary: string; readonly run: ShopsHandler }>> = {
  add: { usage: ADD_USAGE, summary: 'add a shop with its impact.com credentials, tracking config and platform credentials', run: addShop },
  list: { usage: 'usage: cartrelay shops list', summary: 'every shop, its impact.com account and the names of the credentials it holds', run: listShops },
  show: { usage: SHOW_USAGE, summary: 'one shop as JSON: connection, credentials (key names only), config and reconciliation cursor', run: showShop },
  'set-connection': {
    usage: SET_CONNECTION_USAGE,
    summary: 'save the shop’s impact.com Account SID and Auth Token once impact.com accepts them (--force: save them when impact.com cannot be reached)',
    run: setConnection,
  },
  'config-set': { usage: CONFIG_SET_USAGE, summary: 'replace the shop’s tracking config', run: setConfig },
  'config-get': { usage: CONFIG_GET_USAGE, summary: 'print the shop’s tracking config', run: getConfig },
  remove: { usage: REMOVE_USAGE, summary: 'delete the shop and everything held for it: ledger, queued deliveries, webhooks, captures, credentials', run: removeShop },
};

/** `cartrelay shops --help`, or one subcommand's. */
export function shopsHelp(args: string[]): string {
  const sub = args[0] ? SUBCOMMANDS[args[0]] : undefined;
  if (sub) return `${sub.usage}\n\n${sub.summary}\n`;
  return `${SHOPS_USAGE}\n\n${Object.values(SUBCOMMANDS)
    .map((command) => `  ${command.usage.replace('usage: ', '')}\n      ${command.summary}\n`)
    .join('')}`;
}

/** Manages shop records: the store, its impact.com connection, its tracking config and its (encrypted) credentials. */
export async function shopsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const handler = sub ? SUBCOMMANDS[sub]?.run : undefined;
  if (!handler) {
    const names = Object.keys(SUBCOMMANDS);
    throw new UsageError(`${sub ? `unknown subcommand "${sub}"${didYouMean(sub, names)}; ` : ''}expected ${names.join(', ')} (${SHOPS_USAGE})`);
  }
  const runtime = await openRuntime(parseEnv(io.env), (line) => io.stderr(`${line}\n`));
  try {
    return await handler(rest, runtime, io);
  } finally {
    await runtime.close();
  }
}

async function addShop(args: string[], runtime: Runtime, io: Io): Promise<number> {
  const { values } = parseOptions(
    args,
    {
      platform: { type: 'string', required: true },
      shop: { type: 'string', required: true },
      'impact-account-sid': { type: 'string', required: true },
      'impact-auth-token': { type: 'string', required: true },
      config: { type: 'string', required: true },
      credentials: { type: 'string' },
      'webhook-secret': { type: 'string' },
      'access-token': { type: 'string' },
    },
    ADD_USAGE,
  );
  const adapter = platformAdapter(values.platform);
  const shopKey = adapter.webhooks.normalizeShopKey(values.shop);
  if (!shopKey.ok) throw new UsageError(`--shop: ${shopKey.error}`);
  const credentials = await readCredentialsOptions(adapter, values, io);
  const config = await readTrackingConfig(values.config, io);
  if (await runtime.store.findShop(values.platform, shopKey.value)) throw new UsageError(`${values.platform} shop ${shopKey.value} already exists; use config-set to change its config`);
  const shop = await runtime.shops.add({
    platform: values.platform,
    shopKey: shopKey.value,
    config,
    impact: { accountSid: values['impact-account-sid'], authToken: values['impact-auth-token'] },
    credentials,
  });
  io.stdout(`${JSON.stringify({ id: shop.id, platform: shop.platform, shop: shop.shopKey, impactAccountSid: shop.impact?.accountSid ?? null })}\n`);
  return 0;
}

async function listShops(args: string[], runtime: Runtime, io: Io): Promise<number> {
  parseOptions(args, {}, 'usage: cartrelay shops list');
  const shops = await runtime.store.listShops();
  const rows = [];
  for (const shop of shops) {
    rows.push({
      id: shop.id,
      platform: shop.platform,
      shop: shop.shopKey,
      active: shop.active,
      impactAccountSid: shop.impactAccountSid,
      campaignId: shop.config?.program.campaignId ?? null,
      // What the shop's credentials hold, never their values.
      credentials: shop.credentialsSealed ? Object.keys(JSON.parse(runtime.box.open(shop.credentialsSealed)) as object).sort() : [],
      // Set when the platform refused the app's credentials for good: the merchant must open the app.
      accessLost: shop.accessProblem ? { reason: shop.accessProblem.reason, since: new Date(shop.accessProblem.since).toISOString() } : null,
    });
  }
  io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}

async function showShop(args: string[], runtime: Runtime, io: Io): Promise<number> {
  const { values } = parseOptions(args, { shop: { type: 'string', required: true }, platform: { type: 'string' } }, SHOW_USAGE);
  const shop = await resolveShop(runtime, values.shop, values.platform);
  const shown = {
    id: shop.id,
    platform: shop.platform,
    shop: shop.shopKey,
    active: shop.active,
    installedAt: new Date(shop.installedAt).toISOString(),
    impact: { accountSid: shop.impactAccountSid, authTokenSet: Boolean(shop.impactAuthTokenSealed) },
    // What the shop's credentials hold, never their values.
    credentials: shop.credentialsSealed ? Object.keys(JSON.parse(runtime.box.open(shop.credentialsSealed)) as object).sort() : [],
    accessLost: shop.accessProblem ? { reason: shop.accessProblem.reason, since: new Date(shop.accessProblem.since).toISOString() } : null,
    // Where the scheduled reconciliation of the shop's orders got to (null: it has not started).
    reconciledFrom: await runtime.store.readCursor(shop.id, reconcileCursor(shop.platform)),
    config: shop.config,
  };
  io.stdout(`${JSON.stringify(shown, null, 2)}\n`);
  return 0;
}

/**
 * Tests the credentials with impact.com (reading the shop's program, or the account when none is set)
 * and saves them only when impact.com accepts them: wrong ones would hold every conversion behind a 401.
 */
async function setConnection(args: string[], runtime: Runtime, io: Io): Promise<number> {
  const { values } = parseOptions(
    args,
    {
      shop: { type: 'string', required: true },
      platform: { type: 'string' },
      'impact-account-sid': { type: 'string', required: true },
      'impact-auth-token': { type: 'string', required: true },
      force: { type: 'boolean' },
    },
    SET_CONNECTION_USAGE,
  );
  const shop = await resolveShop(runtime, values.shop, values.platform);
  const env = parseEnv(io.env);
  const credentials = { accountSid: values['impact-account-sid'], authToken: values['impact-auth-token'] };
  const check = await createImpactClient({ baseUrl: env.CARTRELAY_IMPACT_BASE_URL }).checkConnection(credentials, shop.config?.program.campaignId ?? null);
  if (!check.ok) {
    // No answer (or a passing failure) says nothing about the credentials: --force saves them anyway.
    // `problem` says so where the core client tells; its message otherwise.
    const { problem } = check as { problem?: string };
    const unanswered = problem === undefined ? /could not be reached|try again later/.test(check.message) : problem === 'unavailable';
    if (!unanswered) throw new UsageError(`not saved: ${check.message}`);
    if (!values.force) throw new UsageError(`not saved: ${check.message} (--force saves them untested)`);
    io.stderr(`impact.com did not answer (${check.message}); saved untested (--force)\n`);
  } else {
    io.stderr(`${check.message}\n`);
  }
  await runtime.shops.setConnection(shop.id, credentials, io.now().getTime());
  io.stdout(`${JSON.stringify({ platform: shop.platform, shop: shop.shopKey, impactAccountSid: credentials.accountSid, tested: check.ok })}\n`);
  return 0;
}

/** Deletes a shop and all it holds. Asks nothing (scripts run it): without --yes it only says what would go. */
async function removeShop(args: string[], runtime: Runtime, io: Io): Promise<number> {
  const { values } = parseOptions(args, { shop: { type: 'string', required: true }, platform: { type: 'string' }, yes: { type: 'boolean' } }, REMOVE_USAGE);
  const shop = await resolveShop(runtime, values.shop, values.platform);
  const what = `${shop.platform} shop ${shop.shopKey} and everything held for it: its order ledger, queued and past deliveries, stored webhooks, click captures, cursors and credentials`;
  if (!values.yes) throw new UsageError(`this deletes the ${what}; nothing was deleted: add --yes to delete`);
  await runtime.shops.remove(shop.id);
  io.stderr(`deleted the ${what}\n`);
  return 0;
}

async function setConfig(args: string[], runtime: Runtime, io: Io): Promise<number> {
  const { values } = parseOptions(args, { shop: { type: 'string', required: true }, platform: { type: 'string' }, config: { type: 'string', required: true } }, CONFIG_SET_USAGE);
  const shop = await resolveShop(runtime, values.shop, values.platform);
  const config = await readTrackingConfig(values.config, io);
  await runtime.shops.setConfig(shop.id, config);
  io.stderr(`config of ${shop.platform} shop ${shop.shopKey} updated\n`);
  return 0;
}

async function getConfig(args: string[], runtime: Runtime, io: Io): Promise<number> {
  const { values } = parseOptions(args, { shop: { type: 'string', required: true }, platform: { type: 'string' } }, CONFIG_GET_USAGE);
  const shop = await resolveShop(runtime, values.shop, values.platform);
  io.stdout(`${JSON.stringify(shop.config, null, 2)}\n`);
  return 0;
}

/**
 * The shop's platform credentials from `--credentials` (a JSON file, `-` for stdin: never a secret on
 * the command line's own text) and the shorthand flags, checked against the platform's schema; null
 * when none are given and the platform can do without.
 */
async function readCredentialsOptions(
  adapter: PlatformAdapter,
  values: { readonly credentials?: string | undefined; readonly 'webhook-secret'?: string | undefined; readonly 'access-token'?: string | undefined },
  io: Io,
): Promise<PlatformCredentials | null> {
  let base: unknown = {};
  if (values.credentials !== undefined) {
    const read = await readJsonInput(values.credentials, io);
    if (!read.ok) throw new UsageError(`--credentials: ${read.error}`);
    base = read.value;
  }
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new UsageError('--credentials: expected a JSON object');
  const credentials: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [flag, key] of Object.entries(CREDENTIAL_FLAGS)) {
    const value = values[flag as keyof typeof CREDENTIAL_FLAGS];
    if (value !== undefined) credentials[key] = value;
  }
  const given = Object.keys(credentials).length > 0 ? credentials : null;
  const schema = adapter.webhooks.credentials;
  if (!schema) {
    if (given) throw new UsageError(`${adapter.platform} keeps no credentials per shop`);
    return null;
  }
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  // Which keys are missing or wrong, said with the flag that sets them when there is one.
  const problems = schema.safeParse(given ?? {});
  const issues = problems.success ? parsed.error.issues : problems.error.issues;
  const flagOf = (key: PropertyKey | undefined) => Object.entries(CREDENTIAL_FLAGS).find(([, name]) => name === key)?.[0];
  throw new UsageError(
    issues
      .map((issue) => {
        const flag = flagOf(issue.path[0]);
        const missing = issue.path.length > 0 && given?.[String(issue.path[0])] === undefined;
        if (missing) return flag ? `--${flag} is required for ${adapter.platform}` : `credentials: ${issue.path.join('.')} is required for ${adapter.platform}`;
        return `credentials: ${issue.path.join('.') || 'value'}: ${issue.message}`;
      })
      .join('; '),
  );
}

/** Finds a shop by its key (as given to `shops add`), on the named platform or the only one that has it. */
export async function resolveShop(runtime: Runtime, shop: string, platform?: string) {
  if (platform) platformAdapter(platform);
  const candidates = [];
  for (const [name, adapter] of PLATFORMS) {
    if (platform && name !== platform) continue;
    const key = adapter.webhooks.normalizeShopKey(shop);
    if (!key.ok) continue;
    const found = await runtime.store.findShop(name, key.value);
    if (found) candidates.push(found);
  }
  if (candidates.length === 0) throw new UsageError(`no shop ${shop}${platform ? ` on ${platform}` : ''}; see cartrelay shops list`);
  if (candidates.length > 1) throw new UsageError(`${shop} exists on ${candidates.map((c) => c.platform).join(' and ')}; add --platform`);
  return candidates[0]!;
}
