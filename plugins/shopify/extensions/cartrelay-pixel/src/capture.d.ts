// Types of capture.js. The JS annotates each export with `typeof import('./capture.js').<name>`, which
// resolves to this file, so `npm run typecheck` in this workspace fails when the two drift apart.
// The structural shapes below are the parts of @shopify/web-pixels-extension's ExtensionApi that the
// pixel reads; index.js passes the real API, so tsc also proves the real API satisfies them.

/** What the pixel keeps in the storefront's localStorage: the latest impact.com click. */
export interface StoredClick {
  readonly clickId: string;
  readonly sharedId: string | null;
  /** Epoch milliseconds. */
  readonly capturedAt: number;
}

/** The pixel's settings, as `webPixelCreate` stored them (strings), after checking. */
export interface PixelSettings {
  readonly collectUrl: string;
  readonly clickIdParam: string;
  readonly referralWindowMs: number;
}

/** The body posted to CartRelay's `/collect/shopify`. */
export interface ClickBeacon {
  readonly shop: string;
  readonly clickId: string;
  readonly sharedId: string | null;
  readonly checkoutToken: string;
  readonly orderId: string | null;
}

/** `page_viewed`: the URL is in the event's context. */
export interface PageViewedEvent {
  readonly context: { readonly document: { readonly location: { readonly href: string } } };
}

/** `checkout_completed`: the checkout's token and the resulting order. */
export interface CheckoutCompletedEvent {
  readonly data: {
    readonly checkout: { readonly token: string | null; readonly order: { readonly id: string | null } | null };
  };
}

/** The standard events the capture subscribes to, by name. */
export interface CaptureEvents {
  readonly page_viewed: PageViewedEvent;
  readonly checkout_completed: CheckoutCompletedEvent;
}

export interface ConsentState {
  readonly marketingAllowed: boolean;
  readonly saleOfDataAllowed: boolean;
}

/** The slice of the web pixel extension API the capture uses. */
export interface ClickCaptureApi {
  readonly settings: Readonly<Record<string, unknown>>;
  readonly analytics: {
    subscribe<K extends keyof CaptureEvents>(name: K, callback: (event: CaptureEvents[K]) => unknown): unknown;
  };
  readonly browser: {
    readonly localStorage: {
      getItem(key: string): Promise<string | null>;
      setItem(key: string, value: string): Promise<unknown>;
      removeItem(key: string): Promise<unknown>;
    };
  };
  readonly init: {
    readonly data: { readonly shop: { readonly myshopifyDomain: string } };
    readonly customerPrivacy: ConsentState;
  };
  readonly customerPrivacy: {
    subscribe(name: 'visitorConsentCollected', callback: (event: { readonly customerPrivacy: ConsentState }) => unknown): unknown;
  };
}

export interface ClickCaptureDeps {
  readonly fetch: (
    url: string,
    init: { method: 'POST'; headers: Record<string, string>; body: string; keepalive: boolean },
  ) => Promise<unknown>;
  readonly now: () => number;
  /** Told about a failure the handlers swallowed; the pixel itself stays silent. */
  readonly onError?: (error: unknown) => void;
}

/** The subscribed handlers, returned so a test can await them. Neither ever rejects. */
export interface ClickCaptureHandlers {
  readonly pageViewed: (event: PageViewedEvent) => Promise<void>;
  readonly checkoutCompleted: (event: CheckoutCompletedEvent) => Promise<void>;
}

export const CLICK_STORAGE_KEY: string;
export const DEFAULT_CLICK_ID_PARAM: string;
export const DEFAULT_REFERRAL_WINDOW_DAYS: number;
export const readPixelSettings: (settings: Readonly<Record<string, unknown>>) => PixelSettings | null;
export const clickFromUrl: (href: string, clickIdParam: string, now: number) => StoredClick | null;
export const subscribeClickCapture: (api: ClickCaptureApi, deps: ClickCaptureDeps) => ClickCaptureHandlers | null;
