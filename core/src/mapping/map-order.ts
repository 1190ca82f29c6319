import type { TrackingConfig } from '../config/tracking-config.ts';
import { currencyExponent } from '../money/currency.ts';
import { type MinorUnits, formatMinorUnits, scaleMinorUnits, sumMinorUnits } from '../money/minor-units.ts';
import type { Order } from '../order/order.ts';
import { findClickAttribution } from './click-id.ts';
import { CONVERSIONS_PATH, FIELD_LIMITS, type Mapping, type SkipCode, truncate } from './conversion.ts';
import { customerFields } from './customer.ts';
import { type ExplainLine, explainLine } from './explain-line.ts';
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
  const explain: ExplainLine[] = [];
  const skip = (code: SkipCode, reason: string, merchantReason: string): Mapping => ({ decision: 'skip', code, reason, merchantReason, explain });
  const rules = compileRules(config);

  if (order.test) {
    if (config.testOrders === 'skip') return skip('test_order', 'test order (testOrders is "skip")', "a test order, and the settings say not to send test orders");
    explain.push(explainLine('test order submitted: testOrders is "submit"', 'A test order, sent because the settings say to send test orders.'));
  }

  if (!isTriggered(order.paymentState, config.trigger)) {
    return skip(
      'not_triggered',
      `not ${config.trigger === 'paid' ? 'paid' : 'a live order'}: ${order.platformStatus} (trigger "${config.trigger}")`,
      `not ${config.trigger === 'paid' ? 'paid yet' : 'a live order'} (the store says ${order.platformStatus})`,
    );
  }
  explain.push(
    explainLine(
      `trigger "${config.trigger}": ${order.platformStatus} counts as ${order.paymentState}`,
      `The order counts as ${order.paymentState.replace(/_/g, ' ')} (the store says ${order.platformStatus}); orders are sent once ${config.trigger === 'paid' ? 'paid' : 'placed'}.`,
    ),
  );

  const orderId = order.number.trim();
  if (orderId.length === 0 || orderId.length > FIELD_LIMITS.OrderId) {
    return skip(
      'invalid_order',
      `OrderId "${truncate(orderId, 80)}" must be 1 to ${FIELD_LIMITS.OrderId} characters`,
      `the order number "${truncate(orderId, 80)}" is not one impact.com takes (1 to ${FIELD_LIMITS.OrderId} characters)`,
    );
  }

  const promo = decidePromoCodes(order.discountCodes, rules);
  explain.push(...promo.explain);
  if (promo.kind === 'excluded') return skip('excluded_code', `code ${promo.code} is excluded by ${promo.ruleText}`, `code ${promo.code} is excluded by ${promo.ruleName}`);

  const selection = selectItems(order.lineItems, config, rules);
  explain.push(...selection.explain);
  if (selection.items.length === 0) {
    return skip('no_items', 'no trackable items: every line is a gift card, excluded or empty', 'nothing to count: every item is a gift card, excluded by a SKU rule or empty');
  }

  const click = findClickAttribution(order, config.clickIdParam);
  explain.push(...click.explain);
  const customer = customerFields(order, config, rules);

  const partnerId = promo.rule?.partnerId ?? null;
  let sendClickId = click.clickId;
  let forcedPartner: string | null = null;
  if (config.attributionPrecedence === 'promo' && partnerId) {
    forcedPartner = partnerId;
    if (sendClickId) {
      explain.push(
        explainLine(
          `MediaPartnerId ${partnerId} from code ${promo.orderPromoCode} wins; ClickId left out (attributionPrecedence "promo")`,
          `Partner ${partnerId} is credited for code ${promo.orderPromoCode}: the settings put codes before click ids, so the click id is not sent.`,
        ),
      );
    } else explain.push(explainLine(`MediaPartnerId ${partnerId} from code ${promo.orderPromoCode}`, `Partner ${partnerId} is credited for code ${promo.orderPromoCode}.`));
    sendClickId = null;
  } else if (partnerId && sendClickId) {
    explain.push(
      explainLine(
        `click id wins over code ${promo.orderPromoCode}; MediaPartnerId not sent (attributionPrecedence "click")`,
        `The click id wins over code ${promo.orderPromoCode}: the settings put click ids before codes, so impact.com credits the partner of the click.`,
      ),
    );
  } else if (partnerId) {
    forcedPartner = partnerId;
    explain.push(explainLine(`MediaPartnerId ${partnerId} from code ${promo.orderPromoCode}: no click id`, `Partner ${partnerId} is credited for code ${promo.orderPromoCode}: the order has no click id.`));
  }

  if (!sendClickId && !forcedPartner && !promo.orderPromoCode && !customer.customerId) {
    return skip('unattributable', 'unattributable: no click id, no promo code and no customer id', 'no partner: the order has no click id, no promo code and no customer id');
  }

  const actionTrackerId = promo.rule?.actionTrackerId ?? config.program.actionTrackerId;
  if (promo.rule?.actionTrackerId) explain.push(explainLine(`ActionTrackerId ${actionTrackerId} from the code's rule`, `Sent to action tracker ${actionTrackerId}, as the code's promo mapping says.`));

  const eventDate = new Date(order.createdAt);
  if (eventDate.getTime() > context.now.getTime()) {
    explain.push(explainLine(`EventDate ${order.createdAt} is after the current time; sent as the order gives it`, `The order's date (${order.createdAt}) is in the future; it is sent as the store gives it.`));
  }

  const amounts = impactAmounts(selection.items, currencyExponent(order.currency));
  if (amounts.rounded) {
    explain.push(
      explainLine(
        `${order.currency} has ${currencyExponent(order.currency)} decimals and impact.com takes 2: amounts rounded to 0.01, the sale amount once`,
        `${order.currency} amounts have ${currencyExponent(order.currency)} decimals and impact.com takes 2: they are rounded to 0.01.`,
      ),
    );
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
      explain.push(explainLine('SharedId from the landing URL parameter sharedid', "The partner's shared id came from the landing page's address."));
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
