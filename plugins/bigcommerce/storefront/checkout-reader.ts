/**
 * The seam between the small checkout script and @bigcommerce/checkout-sdk, which only shoppers with a
 * click id download: the SDK chunk (checkout-sdk.ts) puts a CheckoutReader on `window`, and the checkout
 * script (checkout.ts) takes it from there once the chunk has loaded.
 */

export interface CheckoutIds {
  /** The cart id, which is also the checkout id. */
  readonly cartId: string | null;
  /** Set once the checkout has become an order. */
  readonly orderId: number | null;
}

export interface CheckoutReader {
  /** The shopper's checkout (the storefront's current one without `cartId`). */
  checkout(cartId?: string): Promise<CheckoutIds>;
  /** One of the shopper's own orders: the storefront answers only for orders of this session. */
  order(orderId: number): Promise<CheckoutIds>;
}

/** Where the SDK chunk leaves its reader. */
export const READER_GLOBAL = '__cartrelayCheckoutReader';

declare global {
  interface Window {
    [READER_GLOBAL]?: CheckoutReader;
  }
}

/**
 * The slice of checkout-sdk's CheckoutService that the reader uses; checkout-sdk.ts passes the real
 * `createCheckoutService`, so tsc checks that it fits.
 */
export interface CheckoutServiceLike {
  loadCheckout(id?: string): Promise<{
    readonly data: { getCheckout(): { readonly id: string; readonly cart?: { readonly id: string }; readonly orderId?: number } | undefined };
  }>;
  loadOrder(orderId: number): Promise<{ readonly data: { getOrder(): { readonly orderId: number; readonly cartId?: string } | undefined } }>;
}

/** A reader over one CheckoutService, made at the first call (making it sends no request, but costs time). */
export function checkoutReader(createService: () => CheckoutServiceLike): CheckoutReader {
  let service: CheckoutServiceLike | null = null;
  const sdk = () => {
    service ??= createService();
    return service;
  };
  return {
    async checkout(cartId) {
      const checkout = (await sdk().loadCheckout(cartId)).data.getCheckout();
      return { cartId: checkout?.cart?.id ?? checkout?.id ?? null, orderId: checkout?.orderId ?? null };
    },
    async order(orderId) {
      const order = (await sdk().loadOrder(orderId)).data.getOrder();
      return { cartId: order?.cartId ?? null, orderId: order?.orderId ?? null };
    },
  };
}
