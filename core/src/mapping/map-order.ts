import type { TrackingConfig } from '../config/tracking-config.ts';
import { currencyExponent } from '../money/currency.ts';
import { type MinorUnits, formatMinorUnits, scaleMinorUnits, sumMinorUnits } from '../money/minor-units.ts';
import type { Order } from '../order/order.ts';
import { findClickAttribution } from './click-id.ts';
import { CONVERSIONS_PATH, FIELD_LIMITS, type Mapping, type SkipCode, truncate } from './conversion.ts';
import { customerFields } from './customer.ts';
import { selectItems } from './line-items.ts';
import { decidePromoCodes } from './promo-codes.ts';
import { compileRules } from './rule-matching.ts';
import { isTriggered } from './trigger.ts';

export interface MapContext {
  /** The current instant; mapping never reads the clock itself. */
  readonly now: Date;
}

/**
 * Maps an order to an impact.com Conversions request, or to a deliberate skip. Pure and
 * deterministic: the same order, config and time always give the same answer, with one explain
 * line per decision.
 */
export function mapOrder(order: Order, config: TrackingConfig, context: MapContext): Mapping {
  const explain: string[] = [];
  const skip = (code: SkipCode, reason: string): Mapping => ({ decision: 'skip', code, reason, explain });
  const rules = compileRules(config);

  if (order.test) {
    if (config.testOrders === 'skip') return skip('test_order', 'test order (testOrders is "skip")');
    explain.push('test order submitted: testOrders is "submit"');
  }

  if (!isTriggered(order.paymentState, config.trigger)) {
    return skip('not_triggered', `not ${config.trigger === 'paid' ? 'paid' : 'a live order'}: ${order.platformStatus} (trigger "${config.trigger}")`);
  }
  explain.push(`trigger "${config.trigger}": ${order.platformStatus} counts as ${order.paymentState}`);

  const orderId = order.number.trim();
  if (orderId.length === 0 || orderId.length > FIELD_LIMITS.OrderId) {
    return skip('invalid_order', `OrderId "${truncate(orderId, 80)}" must be 1 to ${FIELD_LIMITS.OrderId} characters`);
  }

  const promo = decidePromoCodes(order.discountCodes, rules);
  explain.push(...promo.explain);
  if (promo.kind === 'excluded') return skip('excluded_code', `code ${promo.code} is excluded by ${promo.ruleText}`);

  const selection = selectItems(order.lineItems, config, rules);
  explain.push(...selection.explain);
  if (selection.items.length === 0) return skip('no_items', 'no trackable items: every line is a gift card, excluded or empty');

  const click = findClickAttribution(order, config.clickIdParam);
  explain.push(...click.explain);
  const customer = customerFields(order, config, rules);

  const partnerId = promo.rule?.partnerId ?? null;
  let sendClickId = click.clickId;
  let forcedPartner: string | null = null;
  if (config.attributionPrecedence === 'promo' && partnerId) {
    forcedPartner = partnerId;
    if (sendClickId) explain.push(`MediaPartnerId ${partnerId} from code ${promo.orderPromoCode} wins; ClickId left out (attributionPrecedence "promo")`);
    else explain.push(`MediaPartnerId ${partnerId} from code ${promo.orderPromoCode}`);
    sendClickId = null;
  } else if (partnerId && sendClickId) {
    explain.push(`click id wins over code ${promo.orderPromoCode}; MediaPartnerId not sent (attributionPrecedence "click")`);
  } else if (partnerId) {
    forcedPartner = partnerId;
    explain.push(`MediaPartnerId ${partnerId} from code ${promo.orderPromoCode}: no click id`);
  }

  if (!sendClickId && !forcedPartner && !promo.orderPromoCode && !customer.customerId) {
    return skip('unattributable', 'unattributable: no click id, no promo code and no customer id');
  }

  const actionTrackerId = promo.rule?.actionTrackerId ?? config.program.actionTrackerId;
  if (promo.rule?.actionTrackerId) explain.push(`ActionTrackerId ${actionTrackerId} from the code's rule`);

  const eventDate = new Date(order.createdAt);
  if (eventDate.getTime() > context.now.getTime()) {
    explain.push(`EventDate ${order.createdAt} is after the current time; sent as the order gives it`);
  }

  const amounts = impactAmounts(selection.items, currencyExponent(order.currency));
  if (amounts.rounded) {
    explain.push(`${order.currency} has ${currencyExponent(order.currency)} decimals and impact.com takes 2: amounts rounded to 0.01, the sale amount once`);
  }

  const fields: Record<string, string> = {
    CampaignId: config.program.campaignId,
    ActionTrackerId: actionTrackerId,
    EventDate: order.createdAt,
    OrderId: orderId,
  };
  if (sendClickId) fields.ClickId = sendClickId;
  if (forcedPartner) {
    fields.MediaPartnerId = forcedPartner;
    if (click.sharedId) {
      fields.SharedId = truncate(click.sharedId, FIELD_LIMITS.SharedId);
      explain.push('SharedId from the landing URL parameter sharedid');
    }
  }
  if (promo.orderPromoCode) fields.OrderPromoCode = truncate(promo.orderPromoCode, FIELD_LIMITS.OrderPromoCode);
  explain.push(...customer.explain);
  if (customer.customerId) fields.CustomerId = customer.customerId;
  if (customer.emailHash) fields.CustomerEmail = customer.emailHash;
  if (customer.status) fields.CustomerStatus = customer.status;
  fields.CurrencyCode = order.currency;
  fields.OrderDiscount = amounts.discount;
  if (customer.ipAddress) fields.IpAddress = customer.ipAddress;
  if (customer.userAgent) fields.UserAgent = customer.userAgent;

  selection.items.forEach((item, index) => {
    const n = index + 1;
    fields[`ItemSku${n}`] = item.sku;
    fields[`ItemCategory${n}`] = item.category;
    fields[`ItemName${n}`] = item.name;
    fields[`ItemQuantity${n}`] = String(item.quantity);
    fields[`ItemSubTotal${n}`] = amounts.subtotals[index]!;
  });

  return { decision: 'submit', request: { method: 'POST', path: CONVERSIONS_PATH, fields }, explain };
}

/**
 * ItemSubTotalN and OrderDiscount as impact.com's decimals take them: exact for currencies of up to
 * two decimals. For those with three (KWD, BHD…) the sale amount Σ ItemSubTotal − OrderDiscount is
 * the exact one rounded once to 0.01 (half away from zero), and each line is within a cent of its
 * exact amount, never below zero: lines are rounded down, then the cents still missing go one each
 * to the lines with the largest remainders (largest-remainder rounding).
 */
function impactAmounts(items: ReadonlyArray<{ subtotal: MinorUnits; discount: MinorUnits }>, exponent: number) {
  const exactDiscount = sumMinorUnits(items.map((item) => item.discount));
  if (exponent <= 2) {
    return { rounded: false, subtotals: items.map((item) => formatMinorUnits(item.subtotal, exponent)), discount: formatMinorUnits(exactDiscount, exponent) };
  }
  const scale = 10 ** (exponent - 2);
  const round = (units: number) => scaleMinorUnits(units as MinorUnits, 1 as MinorUnits, scale as MinorUnits);
  const sale = round(sumMinorUnits(items.map((item) => item.subtotal)) - exactDiscount);
  let discount: number = round(exactDiscount);
  const subtotals = items.map((item) => Math.floor(item.subtotal / scale));
  let missing = sale + discount - subtotals.reduce((sum, cents) => sum + cents, 0);
  // The two roundings can leave the lines a cent short or over what they can give: the discount takes it.
  if (missing < 0) {
    discount -= missing;
    missing = 0;
  } else if (missing > subtotals.length) {
    discount -= missing - subtotals.length;
    missing = subtotals.length;
  }
  const byRemainder = items.map((item, index) => ({ index, remainder: item.subtotal - subtotals[index]! * scale })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of byRemainder.slice(0, missing)) subtotals[index]!++;
  return {
    rounded: true,
    subtotals: subtotals.map((cents) => formatMinorUnits(cents as MinorUnits, 2)),
    discount: formatMinorUnits(discount as MinorUnits, 2),
  };
}
