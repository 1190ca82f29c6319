import { parseEnv } from '../env.ts';
import { type Io, UsageError } from '../io.ts';
import { parseOptions } from '../options.ts';
import { PLATFORMS } from '../platforms.ts';
import { type Runtime, openRuntime } from '../runtime.ts';
import { readTrackingConfig } from './map.ts';

const ADD_USAGE =
  'usage: cartrelay shops add --platform <shopify|woocommerce|bigcommerce> --shop <shop> --impact-account-sid <sid> --impact-auth-token <token> --config <tracking.json> [--webhook-secret <secret>] [--access-token <token>]';
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
      'webhook-secret': { type: 'string' },
      'access-token': { type: 'string' },
    },
    ADD_USAGE,
  );
  const adapter = PLATFORMS.get(values.platform);
  if (!adapter) throw new UsageError(`unknown platform "${values.platform}"; expected one of ${[...PLATFORMS.keys()].join(', ')}`);
  const shopKey = adapter.webhooks.normalizeShopKey(values.shop);
  if (!shopKey.ok) throw new UsageError(`--shop: ${shopKey.error}`);
  if (values.platform === 'woocommerce' && !values['webhook-secret']) throw new UsageError('--webhook-secret is required for WooCommerce: it signs every webhook');
  if (values.platform === 'bigcommerce' && !values['access-token']) {
    throw new UsageError('--access-token is required for BigCommerce: its webhooks carry only order ids, and the orders are fetched with it');
  }
  const config = await readTrackingConfig(values.config, io);
  if (await runtime.store.findShop(values.platform, shopKey.value)) throw new UsageError(`${values.platform} shop ${shopKey.value} already exists; use config-set to change its config`);
  const shop = await runtime.shops.add({
    platform: values.platform,
    shopKey: shopKey.value,
    config,
    impact: { accountSid: values['impact-account-sid'], authToken: values['impact-auth-token'] },
    webhookSecret: values['webhook-secret'] ?? null,
    accessToken: values['access-token'] ?? null,
  });
  io.stdout(`${JSON.stringify({ id: shop.id, platform: shop.platform, shop: shop.shopKey, impactAccountSid: shop.impact?.accountSid ?? null })}\n`);
  return 0;
}

async function listShops(args: string[], runtime: Runtime, io: Io): Promise<number> {
  parseOptions(args, {}, 'usage: cartrelay shops list');
  const shops = await runtime.store.listShops();
  const rows = shops.map((shop) => ({
    id: shop.id,
    platform: shop.platform,
    shop: shop.shopKey,
    active: shop.active,
    impactAccountSid: shop.impactAccountSid,
    campaignId: shop.config?.program.campaignId ?? null,
    webhookSecret: shop.webhookSecretSealed ? 'set' : 'none',
    accessToken: shop.accessTokenSealed ? 'set' : 'none',
  }));
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
