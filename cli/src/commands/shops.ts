import { parseEnv } from '../env.ts';
import type { PlatformAdapter, PlatformCredentials } from '@cartrelay/core';
import { type Io, UsageError, readJsonInput } from '../io.ts';
import { parseOptions } from '../options.ts';
import { PLATFORMS } from '../platforms.ts';
import { type Runtime, openRuntime } from '../runtime.ts';
import { readTrackingConfig } from './map.ts';

const ADD_USAGE =
  'usage: cartrelay shops add --platform <shopify|woocommerce|bigcommerce> --shop <shop> --impact-account-sid <sid> --impact-auth-token <token> --config <tracking.json> [--credentials <credentials.json>] [--webhook-secret <secret>] [--access-token <token>]';

/** Shorthands for the credentials most platforms hold: each sets one key of the shop's credentials. */
const CREDENTIAL_FLAGS = { 'webhook-secret': 'webhookSecret', 'access-token': 'accessToken' } as const;
const CONFIG_SET_USAGE = 'usage: cartrelay shops config-set --shop <shop> [--platform <platform>] --config <tracking.json>';
const CONFIG_GET_USAGE = 'usage: cartrelay shops config-get --shop <shop> [--platform <platform>]';
export const SHOPS_USAGE = `usage: cartrelay shops <add|list|config-set|config-get> …`;

/** Manages shop records: the store, its tracking config and its (encrypted) credentials. */
export async function shopsCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const handlers: Record<string, (args: string[], runtime: Runtime, io: Io) => Promise<number>> = {
    add: addShop,
    list: listShops,
    'config-set': setConfig,
    'config-get': getConfig,
  };
  const handler = sub ? handlers[sub] : undefined;
  if (!handler) throw new UsageError(`expected add, list, config-set or config-get (${SHOPS_USAGE})`);
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
  const adapter = PLATFORMS.get(values.platform);
  if (!adapter) throw new UsageError(`unknown platform "${values.platform}"; expected one of ${[...PLATFORMS.keys()].join(', ')}`);
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
        const missing = issue.path.length > 0 && (given ?? {})[String(issue.path[0])] === undefined;
        if (missing) return flag ? `--${flag} is required for ${adapter.platform}` : `credentials: ${issue.path.join('.')} is required for ${adapter.platform}`;
        return `credentials: ${issue.path.join('.') || 'value'}: ${issue.message}`;
      })
      .join('; '),
  );
}

/** Finds a shop by its key (as given to `shops add`), on the named platform or the only one that has it. */
export async function resolveShop(runtime: Runtime, shop: string, platform?: string) {
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
