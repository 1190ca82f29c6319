/**
 * Click ids captured outside the order (a storefront pixel's beacon), and the rule for which one an
 * order trusts. The store's port for them (ADR 9); its battery: core/src/testing/captures-contract.ts.
 */
export interface ClickCaptures {
  /**
   * Records a click id captured outside the order (a pixel's beacon), under the checkout it came from.
   * The first capture of a checkout stays: a later beacon never replaces it.
   */
  recordClickCapture(capture: ClickCapture): Promise<'recorded' | 'already_captured'>;
  /** The capture of a checkout, by its token. Which capture an order trusts: findOrderClickCapture. */
  findClickCapture(shopId: number, checkoutToken: string): Promise<ClickCapture | null>;
}

export interface ClickCapture {
  readonly shopId: number;
  /** The order the beacon named, when it did (shown to the merchant; never what ties the capture to an order). */
  readonly platformOrderId: string | null;
  readonly checkoutToken: string;
  readonly clickId: string;
  readonly sharedId: string | null;
  /** Where it came from: "pixel". */
  readonly source: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly capturedAt: number;
}

/**
 * The one capture an order trusts: the capture of its own checkout, whose token only the shopper's
 * browser held. Nothing else is believed: anyone can post a beacon naming an order id, so an order
 * without a checkout token keeps its own attribution. Processing, the admin page, `cartrelay actions`
 * and data-request exports all ask here.
 */
export async function findOrderClickCapture(
  captures: Pick<ClickCaptures, 'findClickCapture'>,
  shopId: number,
  order: { readonly checkoutToken?: string | null | undefined },
): Promise<ClickCapture | null> {
  return order.checkoutToken ? captures.findClickCapture(shopId, order.checkoutToken) : null;
}
