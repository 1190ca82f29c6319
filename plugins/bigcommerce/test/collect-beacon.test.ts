import { describe, expect, it } from 'vitest';
import { parseBigCommerceBeacon } from '../src/app/collect-beacon.ts';

const CART = '7E48F7EF-2E88-4817-AEA4-B0ED01490114';
const beacon = (fields: Record<string, unknown>) => parseBigCommerceBeacon(JSON.stringify({ store: 'Abc123', clickId: 'Qx9-click_1.~', cartId: CART, ...fields }));

describe('the checkout script’s beacon', () => {
  it('names the store, the click and the cart (lower-cased, as the V2 order names it)', () => {
    expect(beacon({ sharedId: 'shared-1', orderId: 252 })).toEqual({
      ok: true,
      value: { shopKey: 'abc123', clickId: 'Qx9-click_1.~', sharedId: 'shared-1', platformOrderId: '252', checkoutToken: CART.toLowerCase() },
    });
    expect(beacon({})).toMatchObject({ ok: true, value: { sharedId: null, platformOrderId: null } });
  });

  it('refuses anything else: a cart that is no UUID, an id outside impact.com’s alphabet, an unknown field, a non-JSON body', () => {
    expect(beacon({ cartId: '12345' })).toMatchObject({ ok: false, error: [{ path: 'cartId' }] });
    expect(beacon({ clickId: 'a b' })).toMatchObject({ ok: false, error: [{ path: 'clickId' }] });
    expect(beacon({ orderId: 'gid://x' })).toMatchObject({ ok: false, error: [{ path: 'orderId' }] });
    expect(beacon({ store: 'stores/abc' })).toMatchObject({ ok: false, error: [{ path: 'store' }] });
    expect(beacon({ extra: 1 })).toMatchObject({ ok: false });
    expect(parseBigCommerceBeacon('{')).toEqual({ ok: false, error: [{ path: '(root)', message: 'body is not valid JSON' }] });
  });
});
