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
 *   PUT  /api/admin/connection                ConnectionInput → ConnectionSaved (tested with impact.com first: refused → 400, nothing saved)
 *   POST /api/admin/connection/test           ConnectionTestInput → ConnectionTestResult
 *   PUT  /api/admin/config                    TrackingConfig (input form) → AdminShop
 *   POST /api/admin/test-action               (no body) → TestActionResult
 *   GET  /api/admin/home                      → AdminHome (checklist, health, attribution per day, alerts)
 *   GET  /api/admin/actions?limit=50&before=<cursor>&q=<search>
 *                                             → AdminActionsPage (newest first; `q` finds an order number, code or click id)
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

/**
 * The connection as saved, and what impact.com said when it was tested first. `warning`: impact.com
 * could not be reached, so the credentials were saved untested.
 */
export interface ConnectionSaved extends AdminShop {
  readonly connectionCheck: ConnectionTestResult;
  readonly warning?: string;
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

/** How an order was attributed: by a click id (and where it was found), by a partner's promo code, or not at all. */
export type AdminAttribution =
  | { readonly by: 'click_id'; readonly clickId: string; readonly source: AdminClickSource }
  | { readonly by: 'code'; readonly code: string }
  | { readonly by: 'none' };

/**
 * Where a click id came from: the order's landing URL or attributes, the platform's storefront capture
 * (Shopify's pixel, BigCommerce's script, WooCommerce's plugin), or Shopify's customer journey.
 */
export type AdminClickSource = 'landing_url' | 'storefront' | 'customer_journey';

export interface AdminAction {
  /** An order of the store, or a test action the merchant sent (then platformOrderId is its OrderId). */
  readonly source: 'order' | 'test_action';
  /** When the order was placed (ISO-8601); a test action: when it was sent. */
  readonly placedAt: string;
  /** The sale amount sent (Σ ItemSubTotal − OrderDiscount) with its currency, e.g. "42.50 USD"; null when nothing was sent. */
  readonly amount: { readonly value: string; readonly currency: string } | null;
  /** The partner credited: MediaPartnerId when a code named one; with a click id impact.com knows the partner, CartRelay does not. */
  readonly partner: { readonly id: string; readonly name: string | null } | null;
  readonly attribution: AdminAttribution;
  /**
   * Where the order stands in words the page shows as they are: "Sent", "Accepted by impact.com",
   * "Rejected by impact.com", "Waiting for its click id", "Not sent: no partner", "Reversed", …
   */
  readonly statusText: string;
  /** An order held for a click id a storefront may still report: when it goes without one (ISO-8601). */
  readonly waitingUntil: string | null;
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
  /** Why the order was or was not converted, one decision per line, in the page's words ("code STAFF50 is excluded by promo mapping 3"). */
  readonly explain: readonly string[];
}

export interface AdminActionsPage {
  readonly actions: readonly AdminAction[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly nextCursor: string | null;
}

/** A period's figures on Home. */
export interface AdminPeriodStats {
  readonly days: 7 | 30;
  /** Orders received in the period (test actions not counted). */
  readonly orders: number;
  readonly conversionsSent: number;
  /** Conversions impact.com accepted (its submission complete without errors). */
  readonly accepted: number;
  /** Conversions impact.com rejected or that could not be delivered. */
  readonly failing: number;
  /** Orders by how they were attributed; `clickIdBySource` splits `clickId`. */
  readonly attributed: {
    readonly clickId: number;
    readonly clickIdBySource: Readonly<Record<AdminClickSource, number>>;
    readonly code: number;
    readonly none: number;
  };
}

/** One day of the attribution chart (the shop's time zone is not known: UTC days). */
export interface AdminDailyAttribution {
  /** YYYY-MM-DD (UTC). */
  readonly date: string;
  readonly clickId: number;
  readonly code: number;
  readonly none: number;
}

export type AdminAlert =
  /** impact.com refused the shop's credentials or contract (401/403, CONTRACT_NOT_FOUND…) on its latest deliveries. */
  | { readonly kind: 'impact_rejected'; readonly message: string; readonly since: string }
  /** The share of orders attributed by click id fell well below its own recent level: click capture may be broken. */
  | { readonly kind: 'click_share_drop'; readonly message: string; readonly recentShare: number; readonly usualShare: number };

export interface AdminHome {
  /** The set-up steps; Home shows the checklist until every one is done. */
  readonly checklist: {
    readonly connected: boolean;
    readonly programSet: boolean;
    /** At least one promo mapping, or a click id seen on an order. */
    readonly attributionReady: boolean;
    /** A test action's conversion was accepted by impact.com. */
    readonly testActionSeen: boolean;
  };
  readonly lastWebhook: { readonly topic: string; readonly receivedAt: string } | null;
  /** The platform's click capture ("Shopify pixel", "BigCommerce storefront scripts", "WooCommerce plugin") and whether it is active; null when the platform has none. */
  readonly clickCapture: { readonly label: string; readonly active: boolean; readonly detail: string } | null;
  readonly periods: readonly [AdminPeriodStats, AdminPeriodStats];
  /** The last 30 days, oldest first, every day present. */
  readonly daily: readonly AdminDailyAttribution[];
  readonly alerts: readonly AdminAlert[];
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
