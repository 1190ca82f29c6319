// The SDK chunk: @bigcommerce/checkout-sdk (its `essential` build, without the payment integrations),
// loaded by the checkout script with its integrity pinned, for shoppers with a click id only. It leaves
// a CheckoutReader on window for the checkout script.
import { createCheckoutService } from '@bigcommerce/checkout-sdk/essential';
import { checkoutReader, READER_GLOBAL } from './checkout-reader.ts';

window[READER_GLOBAL] = checkoutReader(createCheckoutService);
