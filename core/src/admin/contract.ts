import { z } from 'zod';
import { TrackingConfigSchema } from '../config/tracking-config.ts';
import type { CustomerDataExport } from '../privacy/personal-data.ts';

/**
 * The admin API's contract: JSON over HTTP under `/api/admin`, the same for every store app. The
 * platform decides who is asking (a Shopify session token, a BigCommerce signed payload, …) and
 * which shop that is; everything below is platform-neutral. Browser-safe (zod only), so the admin
 * page validates with these very schemas as the merchant types.
 *
 *   GET  /api/admin/shop                      → AdminShop
 *   PUT  /api/admin/connection                ConnectionInput → AdminShop
 *   POST /api/admin/connection/test           ConnectionTestInput → ConnectionTestResult
 *   PUT  /api/admin/config                    TrackingConfig (input form) → AdminShop
 *   POST /api/admin/test-action               (no body) → TestActionResult
 *   GET  /api/admin/actions?limit=50          → { actions: AdminAction[] }
 *   GET  /api/admin/data-requests             → { exports: AdminDataRequest[] } (privacy-law data requests)
 *
 * Every request carries `Authorization: Bearer <token>`. Errors are AdminError with status 400
 * (invalid input, nothing changed), 401 (missing, expired or foreign token), 404, 409 (the shop is
 * not connected yet) or 502 (impact.com could not be reached).
 */

export const ADMIN_API_BASE = '/api/admin';

export { TrackingConfigSchema };

/** impact.com Account SIDs start with IR and are 34 characters in practice; accept any plausible id. */
export const AccountSidSchema = z
  .string({ error: 'must be text' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{6,64}$/, 'must be the Account SID shown in impact.com (Settings › API), e.g. IRabc123…');

export const AuthTokenSchema = z
  .string({ error: 'must be text' })
  .trim()
  .min(8, 'must be the Auth Token shown next to the Account SID');

/** Saving the impact.com credentials: the token may be left out to keep the one already saved. */
export const ConnectionInputSchema = z.object({ accountSid: AccountSidSchema, authToken: AuthTokenSchema.optional() }).strict();
export type ConnectionInput = z.input<typeof ConnectionInputSchema>;

/** Testing credentials before (or after) saving them; absent fields fall back to the saved ones. */
export const ConnectionTestInputSchema = z
  .object({ accountSid: AccountSidSchema.optional(), authToken: AuthTokenSchema.optional(), campaignId: z.string().regex(/^\d{1,10}$/).optional() })
  .strict();
export type ConnectionTestInput = z.input<typeof ConnectionTestInputSchema>;

export interface ConnectionTestResult {
  readonly ok: boolean;
  /** What impact.com said, in a sentence a merchant can act on. */
  readonly message: string;
}

export interface AdminShop {
  readonly platform: string;
  readonly shopKey: string;
  /** false once the app was uninstalled: nothing is delivered until it is installed again. */
  readonly active: boolean;
  readonly connection: { readonly accountSid: string | null; readonly authTokenSet: boolean };
  /** null until the merchant saves a configuration (program id, action tracker…). */
  readonly config: z.output<typeof TrackingConfigSchema> | null;
}

export interface TestActionResult {
  /** The test conversion's OrderId at impact.com. */
  readonly orderId: string;
  /** When its TEST_ACTION reversal is scheduled (ISO-8601): no earlier than an hour after it. */
  readonly reversalAt: string;
}

export interface AdminDelivery {
  readonly kind: 'conversion' | 'modification' | 'reversal';
  readonly status: 'pending' | 'inflight' | 'done' | 'rejected' | 'dead';
  readonly attempts: number;
  readonly lastError: string | null;
  /** impact.com's processing result: queued, complete, error or unknown; null before it was sent. */
  readonly submissionStatus: string | null;
  readonly submissionErrors: readonly unknown[] | null;
  readonly createdAt: string;
  readonly completedAt: string | null;
  /** When a pending delivery goes out (a test action's reversal, an hour on); null once it went. */
  readonly dueAt: string | null;
}

export interface AdminAction {
  /** An order of the store, or a test action the merchant sent (then platformOrderId is its OrderId). */
  readonly source: 'order' | 'test_action';
  readonly platformOrderId: string;
  /** The number the merchant knows the order by ("1001" for Shopify's #1001); null for a test action. */
  readonly orderNumber: string | null;
  /** The OrderId sent to impact.com; null when nothing was sent. */
  readonly impactOrderId: string | null;
  readonly status: 'none' | 'converted' | 'reversed';
  readonly updatedAt: string;
  readonly deliveries: readonly AdminDelivery[];
  /** A click id that arrived after the conversion was sent (it cannot change a sent conversion). */
  readonly lateClickId: { readonly clickId: string; readonly source: string; readonly capturedAt: string } | null;
  /** Why the order was or was not converted, one decision per line. */
  readonly explain: readonly string[];
}

/**
 * One customer data request (Shopify's customers/data_request) and the export CartRelay made for it:
 * what it holds on the customer, for the merchant to hand over. The store's own type: a type-only
 * import, erased from the browser bundle.
 */
export type AdminDataRequest = CustomerDataExport;

export interface AdminError {
  readonly error: string;
  /** Per field, for 400s: `promoCodes[1].code: invalid regular expression …`. */
  readonly problems?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
}
