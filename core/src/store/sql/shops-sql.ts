import { randomUUID } from 'node:crypto';
import { readStoredTrackingConfig } from '../../config/stored-config.ts';
import type { ShopCredentials, StoredCredentials } from '../../shops/shop-credentials.ts';
import type { NewShop, ShopRecords, ShopRow } from '../../shops/shop-records.ts';
import type { SqlDriver, SqlRow, SqlValue } from './sql-driver.ts';
import { stringOrNull } from './sql-values.ts';

/** A shop's row with its platform credentials, which live apart (they may be saved before the shop exists). */
const SELECT_SHOPS = `SELECT s.*, c.credentials_sealed FROM shops s
  LEFT JOIN shop_credentials c ON c.platform = s.platform AND c.shop_key = s.shop_key`;

/** Shops and their credentials (sealed by the caller), over SQL. */
export function createShopsSql(driver: SqlDriver): ShopRecords & ShopCredentials {
  return {
    async addShop(shop, now) {
      return driver.transaction(async (tx) => {
        const [row] = await tx.query(
          `INSERT INTO shops (platform, shop_key, active, config_json, impact_account_sid, impact_auth_token_sealed, created_at, updated_at, installed_at)
           VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?) RETURNING id`,
          [shop.platform, shop.shopKey, JSON.stringify(shop.config), shop.impactAccountSid ?? '', shop.impactAuthTokenSealed ?? '', now, now, now],
        );
        if (shop.credentialsSealed !== null) {
          await tx.run(
            `INSERT INTO shop_credentials (platform, shop_key, credentials_sealed, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (platform, shop_key) DO UPDATE SET credentials_sealed = excluded.credentials_sealed, updated_at = excluded.updated_at,
               version = shop_credentials.version + 1, lease_until = NULL, lease_owner = NULL`,
            [shop.platform, shop.shopKey, shop.credentialsSealed, now],
          );
        }
        const [added] = await tx.query(`${SELECT_SHOPS} WHERE s.id = ?`, [Number(row!.id)]);
        return toShop(added!);
      });
    },

    async findShop(platform, shopKey) {
      const [row] = await driver.query(`${SELECT_SHOPS} WHERE s.platform = ? AND s.shop_key = ?`, [platform, shopKey]);
      return row ? toShop(row) : null;
    },

    async getShop(id) {
      const [row] = await driver.query(`${SELECT_SHOPS} WHERE s.id = ?`, [id]);
      return row ? toShop(row) : null;
    },

    async listShops() {
      return (await driver.query(`${SELECT_SHOPS} ORDER BY s.id`)).map(toShop);
    },

    async updateShop(id, patch, now) {
      const columns: Array<[string, SqlValue]> = [];
      if (patch.config !== undefined) columns.push(['config_json', JSON.stringify(patch.config)]);
      if (patch.active !== undefined) columns.push(['active', patch.active ? 1 : 0]);
      if (patch.installedAt !== undefined) columns.push(['installed_at', patch.installedAt]);
      if (patch.impactAccountSid !== undefined) columns.push(['impact_account_sid', patch.impactAccountSid ?? '']);
      if (patch.impactAuthTokenSealed !== undefined) columns.push(['impact_auth_token_sealed', patch.impactAuthTokenSealed ?? '']);
      if (patch.accessProblem !== undefined) {
        columns.push(['access_problem', patch.accessProblem?.reason ?? null], ['access_problem_at', patch.accessProblem?.since ?? null]);
      }
      columns.push(['updated_at', now]);
      await driver.run(`UPDATE shops SET ${columns.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`, [...columns.map(([, v]) => v), id]);
    },

    async deleteShop(id) {
      await driver.transaction(async (tx) => {
        const [shop] = await tx.query('SELECT platform, shop_key FROM shops WHERE id = ?', [id]);
        if (!shop) return;
        // Children first: every table that names the shop, directly or through its deliveries and webhooks.
        // Deliveries are found through the shop's orders (and, for those of no order, order_ref IS NULL),
        // so existing indexes serve a rare request instead of a shop_id index every insert would pay for.
        const shopDeliveries = `SELECT id FROM deliveries WHERE order_ref IN (SELECT id FROM orders WHERE shop_id = ?)
                                UNION ALL SELECT id FROM deliveries WHERE order_ref IS NULL AND shop_id = ?`;
        await tx.run(`DELETE FROM delivery_attempts WHERE delivery_id IN (${shopDeliveries})`, [id, id]);
        await tx.run(`DELETE FROM delivery_payloads WHERE delivery_id IN (${shopDeliveries})`, [id, id]);
        await tx.run(`DELETE FROM deliveries WHERE id IN (${shopDeliveries})`, [id, id]);
        await tx.run('DELETE FROM orders WHERE shop_id = ?', [id]);
        await tx.run('DELETE FROM webhook_bodies WHERE webhook_id IN (SELECT id FROM webhooks WHERE shop_id = ?)', [id]);
        await tx.run('DELETE FROM webhooks WHERE shop_id = ?', [id]);
        for (const table of ['click_captures', 'shop_cursors', 'customer_data_exports']) await tx.run(`DELETE FROM ${table} WHERE shop_id = ?`, [id]);
        await tx.run('DELETE FROM shop_credentials WHERE platform = ? AND shop_key = ?', [shop.platform as string, shop.shop_key as string]);
        await tx.run('DELETE FROM shops WHERE id = ?', [id]);
      });
    },

    async saveCredentials({ platform, shopKey }, sealed, now) {
      const [row] = await driver.query<{ version: number }>(
        `INSERT INTO shop_credentials (platform, shop_key, credentials_sealed, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (platform, shop_key) DO UPDATE SET credentials_sealed = excluded.credentials_sealed, updated_at = excluded.updated_at,
           version = shop_credentials.version + 1, lease_until = NULL, lease_owner = NULL
         RETURNING version`,
        [platform, shopKey, sealed, now],
      );
      return Number(row!.version);
    },

    async loadCredentials({ platform, shopKey }) {
      const [row] = await driver.query('SELECT credentials_sealed, version FROM shop_credentials WHERE platform = ? AND shop_key = ?', [platform, shopKey]);
      return row ? toCredentials(row) : null;
    },

    async leaseCredentials({ platform, shopKey }, leaseMs, now) {
      const lease = randomUUID();
      const [row] = await driver.query(
        `UPDATE shop_credentials SET lease_until = ?, lease_owner = ?
         WHERE platform = ? AND shop_key = ? AND (lease_until IS NULL OR lease_until <= ?) RETURNING credentials_sealed, version`,
        [now + leaseMs, lease, platform, shopKey, now],
      );
      return row ? { ...toCredentials(row), lease } : null;
    },

    async replaceCredentials({ platform, shopKey }, sealed, lease, now) {
      const changed = await driver.run(
        `UPDATE shop_credentials SET credentials_sealed = ?, updated_at = ?, version = version + 1, lease_until = NULL, lease_owner = NULL
         WHERE platform = ? AND shop_key = ? AND lease_owner = ?`,
        [sealed, now, platform, shopKey, lease],
      );
      return changed > 0;
    },

    async releaseCredentials({ platform, shopKey }, lease) {
      await driver.run('UPDATE shop_credentials SET lease_until = NULL, lease_owner = NULL WHERE platform = ? AND shop_key = ? AND lease_owner = ?', [platform, shopKey, lease]);
    },

    async markCredentialsRefused({ platform, shopKey }, lease, reason, now) {
      return driver.transaction(async (tx) => {
        const ended = await tx.run('UPDATE shop_credentials SET lease_until = NULL, lease_owner = NULL WHERE platform = ? AND shop_key = ? AND lease_owner = ?', [
          platform,
          shopKey,
          lease,
        ]);
        if (ended === 0) return false;
        await tx.run('UPDATE shops SET access_problem = ?, access_problem_at = ?, updated_at = ? WHERE platform = ? AND shop_key = ?', [reason, now, now, platform, shopKey]);
        return true;
      });
    },

    async deleteCredentials({ platform, shopKey }) {
      await driver.run('DELETE FROM shop_credentials WHERE platform = ? AND shop_key = ?', [platform, shopKey]);
    },
  };
}

function toShop(row: SqlRow): ShopRow {
  const shop: NewShop = {
    platform: String(row.platform),
    shopKey: String(row.shop_key),
    // Validated on the way in, not on every read: the same stored text gives the same config, compiled once.
    config: row.config_json === 'null' ? null : readStoredTrackingConfig(String(row.config_json)),
    impactAccountSid: row.impact_account_sid ? String(row.impact_account_sid) : null,
    impactAuthTokenSealed: row.impact_auth_token_sealed ? String(row.impact_auth_token_sealed) : null,
    credentialsSealed: stringOrNull(row.credentials_sealed),
  };
  return {
    ...shop,
    id: Number(row.id),
    active: Number(row.active) === 1,
    installedAt: Number(row.installed_at ?? row.created_at),
    accessProblem: row.access_problem ? { reason: String(row.access_problem), since: Number(row.access_problem_at) } : null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toCredentials(row: SqlRow): StoredCredentials {
  return { sealed: String(row.credentials_sealed), version: Number(row.version) };
}
