import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeAnswer } from './fake-http.ts';
import { header, isRecord, listen, parseJsonBody, positiveInt, readBody, send } from './fake-http.ts';
import type { V2Order, V2OrderProduct } from './fake-orders.ts';
import type { FakeScript, ScriptVisibility } from './fake-scripts.ts';
import type { FakeDelivery } from './fake-webhooks.ts';

/**
 * One store's storefront on its own loopback origin, as a Stencil store with Optimized One-Page
 * Checkout looks to a browser: pages that render the scripts registered through the Scripts API, a
 * session cookie holding the cart, the storefront REST API that `@bigcommerce/checkout-sdk` calls
 * (same origin only: "Storefront Web APIs currently don't support CORS"), and a checkout whose
 * "Place order" converts the cart into an order the way checkout-js does, then replaces the page with
 * `/checkout/order-confirmation` (checkout-js `navigateToOrderConfirmation`).
 */
export interface FakeCatalogProduct {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  /** Four decimals, as V2 writes money: `"55.9900"`. */
  readonly price: string;
}

export interface FakeCartLine {
  readonly id: string;
  readonly productId: number;
  readonly sku: string;
  readonly name: string;
  quantity: number;
  readonly price: string;
}

export interface FakeCart {
  readonly id: string;
  readonly lines: FakeCartLine[];
  readonly createdTime: string;
  updatedTime: string;
  /** Set once the cart became an order; the cart is then gone from `/api/storefront/carts`. */
  orderId: number | null;
}

export interface PlacedOrder {
  readonly order: V2Order;
  readonly cartId: string;
  /** The `store/order/created` and `store/cart/converted` deliveries, in that order. */
  readonly deliveries: FakeDelivery[];
}

export const DEFAULT_CATALOG: readonly FakeCatalogProduct[] = [
  { id: 77, sku: 'S-ORAN', name: 'Fog Linen Chambray Towel - Beige Stripe', price: '55.9900' },
  { id: 86, sku: 'SOCK-MERINO-M', name: 'Merino socks - M', price: '14.0000' },
];

/** The cookie a Stencil storefront keeps its session (and so its cart) in. */
const SESSION_COOKIE = 'SHOP_SESSION_TOKEN';

type Page = 'storefront' | 'checkout' | 'order_confirmation';
/** Which visibilities render on which page (scripts.mdx, "Script scope / template"). */
const RENDERED_ON: Record<Page, readonly ScriptVisibility[]> = {
  storefront: ['storefront', 'all_pages'],
  checkout: ['checkout', 'all_pages'],
  order_confirmation: ['order_confirmation', 'all_pages'],
};

export interface StorefrontDependencies {
  readonly storeHash: string;
  readonly catalog: readonly FakeCatalogProduct[];
  /** Scripts with consent category `unknown` are not rendered on stores with a cookie consent banner. */
  readonly consentBanner: boolean;
  /** The V2 status an order placed at checkout gets (default 11, Awaiting Fulfillment). */
  readonly placedStatusId: number;
  readonly now: () => number;
  readonly scripts: () => Iterable<FakeScript>;
  readonly addOrder: (input: { order: Partial<V2Order>; products: V2OrderProduct[] }) => V2Order;
  readonly deliver: (scope: string, data: Record<string, unknown>) => Promise<FakeDelivery[]>;
  readonly record: (call: { method: string; path: string; query: Record<string, string>; operation: string; status: number }) => void;
  /** The fake's `beforeRequest` hook: an answer returned replaces the storefront's. */
  readonly before: (request: { method: string; path: string; query: Record<string, string>; body: unknown }) => Promise<FakeAnswer | undefined>;
}

export async function startStorefront(deps: StorefrontDependencies) {
  const carts = new Map<string, FakeCart>();
  const sessions = new Map<string, { cartId: string | null; orderIds: number[] }>();
  const iso = () => new Date(deps.now()).toISOString();

  function createCart(lines: ReadonlyArray<{ productId: number; quantity: number }>): FakeCart {
    const cart: FakeCart = { id: randomUUID(), lines: [], createdTime: iso(), updatedTime: iso(), orderId: null };
    addLines(cart, lines);
    carts.set(cart.id, cart);
    return cart;
  }
  function addLines(cart: FakeCart, lines: ReadonlyArray<{ productId: number; quantity: number }>): void {
    for (const { productId, quantity } of lines) {
      const product = deps.catalog.find((candidate) => candidate.id === productId);
      if (!product) throw new Error(`no product ${productId} in the catalog`);
      const existing = cart.lines.find((line) => line.productId === productId);
      if (existing) existing.quantity += quantity;
      else cart.lines.push({ id: randomUUID(), productId, sku: product.sku, name: product.name, quantity, price: product.price });
    }
    cart.updatedTime = iso();
  }

  /** Converts a cart into a V2 order carrying its `cart_id`, then fires the events BigCommerce fires. */
  async function placeOrder(cartId: string, input: { email?: string } = {}): Promise<PlacedOrder> {
    const cart = carts.get(cartId);
    if (!cart || cart.orderId !== null) throw new Error(`no open cart ${cartId}`);
    if (cart.lines.length === 0) throw new Error(`cart ${cartId} is empty`);
    const order = deps.addOrder({
      order: { cart_id: cart.id, status_id: deps.placedStatusId, order_source: 'www', billing_address: { first_name: 'Jane', last_name: 'Doe', email: input.email ?? 'shopper@example.com', country_iso2: 'US', form_fields: [] } },
      products: cart.lines.map((line) => ({ product_id: line.productId, sku: line.sku, name: line.name, quantity: line.quantity, price_inc_tax: line.price, price_ex_tax: line.price })),
    });
    cart.orderId = Number(order.id);
    const deliveries = [
      ...(await deps.deliver('store/order/created', { type: 'order', id: Number(order.id) })),
      // "The cart is automatically deleted … returns both the cart/checkout ID and order ID" (webhooks.v3.yml store_cart_converted).
      ...(await deps.deliver('store/cart/converted', { type: 'cart', id: cart.id, orderId: Number(order.id) })),
    ];
    return { order, cartId: cart.id, deliveries };
  }

  const { url, close } = await listen(handle);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = new URL(request.url ?? '/', url);
    const method = request.method ?? 'GET';
    const cookies = Object.fromEntries((header(request, 'cookie') ?? '').split(/;\s*/).filter(Boolean).map((pair) => pair.split('=', 2) as [string, string]));
    let token = cookies[SESSION_COOKIE];
    const headers: Record<string, string> = {};
    if (!token || !sessions.has(token)) {
      token = randomUUID();
      sessions.set(token, { cartId: null, orderIds: [] });
      headers['set-cookie'] = `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`;
    }
    const session = sessions.get(token)!;
    const openCart = () => {
      const cart = session.cartId ? carts.get(session.cartId) : undefined;
      return cart && cart.orderId === null ? cart : undefined;
    };
    const raw = method === 'GET' ? '' : await readBody(request);
    const query = Object.fromEntries(target.searchParams);
    const parsed = parseJsonBody(raw);
    const replaced = await deps.before({ method, path: target.pathname, query, body: parsed.ok ? parsed.value : raw });
    const [operation, answer] = replaced ? ['storefront.replaced', replaced] : await route(method, target, raw, session, openCart);
    deps.record({ method, path: target.pathname, query, operation, status: answer.status });
    send(response, { ...answer, headers: { ...headers, ...answer.headers } });
  }

  async function route(method: string, target: URL, raw: string, session: { cartId: string | null; orderIds: number[] }, openCart: () => FakeCart | undefined): Promise<[string, FakeAnswer]> {
    const path = target.pathname;
    const json = (status: number, body: unknown): FakeAnswer => ({ status, body });
    const notFound = json(404, { status: 404, title: 'Not found' });
    const lines = (body: unknown) => {
      const items = isRecord(body) && Array.isArray(body.lineItems) ? body.lineItems : [];
      return items.filter(isRecord).map((item) => ({ productId: Number(item.productId), quantity: Number(item.quantity ?? 1) }));
    };

    // Pages.
    if (method === 'GET' && path === '/favicon.ico') return ['storefront.favicon', { status: 204 }];
    if (method === 'GET' && path === '/') return ['storefront.home', html(200, render('storefront', 'Home', home()))];
    const product = /^\/products\/(\d+)$/.exec(path);
    if (method === 'GET' && product) {
      const found = deps.catalog.find((candidate) => candidate.id === Number(product[1]));
      return ['storefront.product', found ? html(200, render('storefront', found.name, productCard(found))) : html(404, render('storefront', 'Not found', '<h1>Not found</h1>'))];
    }
    if (path === '/cart.php' && target.searchParams.get('action') === 'add' && (method === 'GET' || method === 'POST')) {
      const form = method === 'POST' ? new URLSearchParams(raw) : target.searchParams;
      const productId = positiveInt(form.get('product_id'));
      if (!productId || !deps.catalog.some((candidate) => candidate.id === productId)) return ['storefront.cart.add', html(400, render('storefront', 'Cart', '<p>Unknown product</p>'))];
      const quantity = positiveInt(form.get('qty')) ?? 1;
      const cart = openCart();
      if (cart) addLines(cart, [{ productId, quantity }]);
      else session.cartId = createCart([{ productId, quantity }]).id;
      return ['storefront.cart.add', { status: 303, headers: { location: '/cart.php' } }];
    }
    if (method === 'GET' && path === '/cart.php') return ['storefront.cart', html(200, render('storefront', 'Your cart', cartPage(openCart())))];
    if (method === 'GET' && path === '/checkout') {
      const cart = openCart();
      return ['storefront.checkout', cart ? html(200, render('checkout', 'Checkout', checkoutPage(cart))) : { status: 302, headers: { location: '/cart.php' } }];
    }
    if (method === 'GET' && /^\/checkout\/order-confirmation(\/\d+)?$/.test(path)) {
      const orderId = session.orderIds.at(-1) ?? null;
      return ['storefront.order-confirmation', html(200, render('order_confirmation', 'Order confirmation', confirmationPage(orderId)))];
    }

    // The storefront REST API (reference/carts.sf.yml, checkouts.sf.yml, orders.sf.yml).
    if (path === '/api/storefront/carts' && method === 'GET') {
      const cart = openCart();
      return ['storefront.api.carts', json(200, cart ? [cartJson(cart)] : [])];
    }
    if (path === '/api/storefront/carts' && method === 'POST') {
      const parsed = parseJsonBody(raw);
      const wanted = parsed.ok ? lines(parsed.value) : [];
      if (wanted.length === 0 || wanted.some((line) => !deps.catalog.some((candidate) => candidate.id === line.productId))) return ['storefront.api.carts.create', json(422, { status: 422, title: 'Invalid lineItems' })];
      const cart = createCart(wanted);
      session.cartId = cart.id;
      return ['storefront.api.carts.create', json(200, cartJson(cart))];
    }
    const cartPath = /^\/api\/storefront\/carts\/([^/]+)(\/items)?$/.exec(path);
    if (cartPath) {
      const cart = carts.get(cartPath[1]!);
      if (!cart || cart.orderId !== null) return ['storefront.api.cart', notFound];
      if (method === 'GET' && !cartPath[2]) return ['storefront.api.cart', json(200, cartJson(cart))];
      if (method === 'DELETE' && !cartPath[2]) {
        carts.delete(cart.id);
        if (session.cartId === cart.id) session.cartId = null;
        return ['storefront.api.cart.delete', { status: 204 }];
      }
      if (method === 'POST' && cartPath[2]) {
        const parsed = parseJsonBody(raw);
        const wanted = parsed.ok ? lines(parsed.value) : [];
        if (wanted.length === 0 || wanted.some((line) => !deps.catalog.some((candidate) => candidate.id === line.productId))) return ['storefront.api.cart.items', json(422, { status: 422, title: 'Invalid lineItems' })];
        addLines(cart, wanted);
        return ['storefront.api.cart.items', json(200, cartJson(cart))];
      }
    }
    if (method === 'GET' && path === '/api/storefront/checkout-settings') return ['storefront.api.checkout-settings', json(200, checkoutSettings(openCart()?.id ?? null))];
    if (method === 'GET' && path === '/api/storefront/form-fields') return ['storefront.api.form-fields', json(200, { customerAccount: [], shippingAddress: [], billingAddress: [] })];
    // checkout-sdk asks for `/checkout/{id}`, the REST reference documents `/checkouts/{id}`: both answer.
    const checkout = /^\/api\/storefront\/checkouts?\/([^/]+)$/.exec(path);
    if (method === 'GET' && checkout) {
      const cart = carts.get(checkout[1]!);
      return ['storefront.api.checkout', cart ? json(200, checkoutJson(cart)) : notFound];
    }
    const order = /^\/api\/storefront\/orders?\/(\d+)$/.exec(path);
    if (method === 'GET' && order) {
      // Only the shopper who placed it reads an order here.
      const orderId = Number(order[1]);
      const cart = [...carts.values()].find((candidate) => candidate.orderId === orderId);
      return ['storefront.api.order', cart && session.orderIds.includes(orderId) ? json(200, orderJson(cart, orderId)) : notFound];
    }
    if (method === 'POST' && path === '/fake/place-order') {
      const cart = openCart();
      if (!cart) return ['storefront.place-order', json(400, { status: 400, title: 'There is no cart to check out' })];
      const parsed = parseJsonBody(raw);
      const email = parsed.ok && isRecord(parsed.value) && typeof parsed.value.email === 'string' ? parsed.value.email : undefined;
      const placed = await placeOrder(cart.id, { email });
      session.cartId = null;
      session.orderIds.push(Number(placed.order.id));
      return [
        'storefront.place-order',
        json(200, { orderId: Number(placed.order.id), cartId: cart.id, redirectUrl: '/checkout/order-confirmation', webhooks: placed.deliveries.map((delivery) => ({ scope: delivery.scope, status: delivery.status })) }),
      ];
    }
    return ['storefront.not-found', method === 'GET' && !path.startsWith('/api/') ? html(404, render('storefront', 'Not found', '<h1>Not found</h1>')) : notFound];
  }

  /** Scripts of every app of the store that render on this page, in `head` or `footer`. */
  function scriptTags(page: Page, location: 'head' | 'footer'): string {
    return [...deps.scripts()]
      .filter((script) => script.store_hash === deps.storeHash && script.enabled && script.channel_id === 1 && script.location === location)
      .filter((script) => RENDERED_ON[page].includes(script.visibility))
      // "Scripts with an unknown consent category do not display on stores with customer cookie consent banners enabled."
      .filter((script) => !(deps.consentBanner && script.consent_category === 'unknown'))
      .sort((a, b) => a.date_created.localeCompare(b.date_created))
      .map((script) => {
        if (script.kind === 'script_tag') return script.html;
        const attributes = [`src="${escapeHtml(script.src)}"`];
        // For src scripts BigCommerce writes the hashes into `integrity` and sets crossorigin="anonymous" (scripts.mdx, SRI).
        if (script.integrity_hashes.length > 0) attributes.push(`integrity="${escapeHtml(script.integrity_hashes.join(' '))}"`, 'crossorigin="anonymous"');
        if (script.load_method !== 'default') attributes.push(script.load_method);
        return `<script ${attributes.join(' ')}></script>`;
      })
      .join('\n');
  }

  function render(page: Page, title: string, body: string): string {
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} – fake store ${escapeHtml(deps.storeHash)}</title>
${scriptTags(page, 'head')}
</head><body data-page="${page}">
<nav><a href="/">Home</a> · <a href="/cart.php">Cart</a></nav>
${body}
${scriptTags(page, 'footer')}
</body></html>`;
  }

  const productCard = (product: FakeCatalogProduct) =>
    `<article class="product" data-product-id="${product.id}"><h2><a href="/products/${product.id}">${escapeHtml(product.name)}</a></h2><p class="price">$${Number(product.price).toFixed(2)}</p>` +
    `<form method="post" action="/cart.php?action=add"><input type="hidden" name="product_id" value="${product.id}"><input type="number" name="qty" value="1" min="1"><button type="submit" id="add-to-cart-${product.id}">Add to cart</button></form></article>`;
  const home = () => `<h1>Fake store ${escapeHtml(deps.storeHash)}</h1>\n${deps.catalog.map(productCard).join('\n')}`;
  const cartPage = (cart: FakeCart | undefined) =>
    cart
      ? `<h1>Your cart</h1><ul>${cart.lines.map((line) => `<li data-sku="${escapeHtml(line.sku)}">${line.quantity} × ${escapeHtml(line.name)}</li>`).join('')}</ul><a id="checkout" href="/checkout">Check out</a>`
      : '<h1>Your cart is empty</h1>';
  const checkoutPage = (cart: FakeCart) => `<div id="checkout-app"><h1>Checkout</h1>
<ul>${cart.lines.map((line) => `<li>${line.quantity} × ${escapeHtml(line.name)}</li>`).join('')}</ul>
<label>Email <input id="email" type="email" value="shopper@example.com"></label>
<button id="place-order" type="button">Place order</button>
<p id="checkout-error" hidden></p></div>
<script>
  document.getElementById('place-order').addEventListener('click', async () => {
    const response = await fetch('/fake/place-order', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: document.getElementById('email').value }) });
    if (response.ok) window.location.replace((await response.json()).redirectUrl);
    else Object.assign(document.getElementById('checkout-error'), { hidden: false, textContent: 'Order failed: HTTP ' + response.status });
  });
</script>`;
  const confirmationPage = (orderId: number | null) =>
    `<div id="checkout-app" data-order-id="${orderId ?? ''}"><h1>Thank you</h1>${orderId === null ? '' : `<p>Your order number is <strong id="order-id">${orderId}</strong>.</p>`}</div>`;

  const amount = (price: string, quantity = 1) => Math.round(Number(price) * 10_000 * quantity) / 10_000;
  const cartTotal = (cart: FakeCart) => cart.lines.reduce((sum, line) => sum + Math.round(Number(line.price) * 10_000) * line.quantity, 0) / 10_000;
  const lineItems = (cart: FakeCart) => ({
    physicalItems: cart.lines.map((line) => ({
      id: line.id,
      parentId: null,
      variantId: line.productId,
      productId: line.productId,
      sku: line.sku,
      name: line.name,
      url: `${url}/products/${line.productId}`,
      quantity: line.quantity,
      isTaxable: true,
      discounts: [],
      discountAmount: 0,
      couponAmount: 0,
      originalPrice: amount(line.price),
      listPrice: amount(line.price),
      salePrice: amount(line.price),
      extendedListPrice: amount(line.price, line.quantity),
      extendedSalePrice: amount(line.price, line.quantity),
      isShippingRequired: true,
      type: 'physical',
      isMutable: true,
      giftWrapping: null,
    })),
    digitalItems: [],
    giftCertificates: [],
    customItems: [],
  });
  const currency = { name: 'US Dollars', code: 'USD', symbol: '$', decimalPlaces: 2 };
  const cartJson = (cart: FakeCart) => ({
    id: cart.id,
    customerId: 0,
    email: '',
    currency,
    isTaxIncluded: false,
    baseAmount: cartTotal(cart),
    discountAmount: 0,
    cartAmount: cartTotal(cart),
    coupons: [],
    discounts: [],
    lineItems: lineItems(cart),
    createdTime: cart.createdTime,
    updatedTime: cart.updatedTime,
    locale: 'en',
  });
  /** The least checkout-sdk's `loadCheckout()` needs, with the cart's lines (checked in Chromium against checkout-sdk 1.983.2). */
  const checkoutJson = (cart: FakeCart) => ({
    id: cart.id,
    cart: cartJson(cart),
    orderId: cart.orderId,
    customer: { id: 0, addresses: [], isGuest: true, storeCredit: 0 },
    billingAddress: { id: 'b1' },
    consignments: [],
    coupons: [],
    giftCertificates: [],
    payments: [],
    promotions: [],
    subtotal: cartTotal(cart),
    grandTotal: cartTotal(cart),
    outstandingBalance: cart.orderId === null ? cartTotal(cart) : 0,
  });
  const checkoutSettings = (checkoutId: string | null) => ({
    context: { checkoutId, flashMessages: [], payment: {} },
    storeConfig: {
      paymentSettings: { bigpayBaseUrl: 'https://127.0.0.1' },
      checkoutSettings: { capabilities: {}, features: {} },
      links: { cartLink: `${url}/cart.php`, checkoutLink: `${url}/checkout`, orderConfirmationLink: `${url}/checkout/order-confirmation`, siteLink: url },
      storeProfile: { storeHash: deps.storeHash, storeName: `Fake store ${deps.storeHash}` },
      currency: { code: 'USD' },
      shopperCurrency: { code: 'USD' },
    },
    customization: { languageData: [] },
  });
  const orderJson = (cart: FakeCart, orderId: number) => ({
    orderId,
    cartId: cart.id,
    customerId: 0,
    billingAddress: { id: 'b1' },
    status: 'AWAITING_FULFILLMENT',
    orderAmount: cartTotal(cart),
    lineItems: lineItems(cart),
    payments: [],
    currency,
    coupons: [],
  });

  return { url, close, carts, createCart, placeOrder };
}

function html(status: number, body: string): FakeAnswer {
  return { status, body, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export type FakeStorefront = Awaited<ReturnType<typeof startStorefront>>;
