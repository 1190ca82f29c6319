// The checkout script, on the checkout and order-confirmation pages (Scripts API visibilities
// `checkout` and `order_confirmation`, with its SRI hash): for a shopper with a kept click, loads the
// SDK chunk and reports the cart, then the order. Its settings come from its own src (script-query.ts).
import { captureCheckout } from './checkout-capture.ts';
import { loadCheckoutReader } from './load-checkout-reader.ts';
import { checkoutSettings, ownScriptUrl } from './script-url.ts';

// Set by build.ts from the SDK chunk it built first: its hashed file name and integrity.
declare const __CHECKOUT_SDK_FILE__: string;
declare const __CHECKOUT_SDK_INTEGRITY__: string;

const url = ownScriptUrl(document, 'checkout');
const settings = url && checkoutSettings(url);
if (url && settings) {
  void captureCheckout(window, settings, () => loadCheckoutReader(window, new URL(__CHECKOUT_SDK_FILE__, url).href, __CHECKOUT_SDK_INTEGRITY__));
}
