import { AdminApp } from '@cartrelay/admin';
import { TitleBar, useAppBridge } from '@shopify/app-bridge-react';
import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { shopifyPlatform } from './shopify-platform.ts';

/**
 * The Shopify mount of the shared admin page. Only `shopify.idToken()` and the title bar are used,
 * so the page also runs under a stand-in for App Bridge's script (as the browser tests serve).
 */
function ShopifyAdmin() {
  const shopify = useAppBridge();
  const platform = useMemo(() => shopifyPlatform(() => shopify.idToken()), [shopify]);
  return (
    <>
      <TitleBar title="CartRelay" />
      <AdminApp platform={platform} />
    </>
  );
}

/** Opened outside Shopify's admin (or the App Bridge script was blocked): say so instead of a blank page. */
function OutsideShopify() {
  return (
    <main style={{ font: '14px system-ui, sans-serif', padding: '1rem' }}>
      <h1>CartRelay</h1>
      <p role="alert">Open CartRelay from your Shopify admin (Apps › CartRelay): this page needs Shopify’s App Bridge to sign you in.</p>
    </main>
  );
}

const element = document.getElementById('root');
if (!element) throw new Error('index.html has no #root element');
const appBridgeLoaded = typeof window.shopify === 'object' && window.shopify !== null && typeof window.shopify.idToken === 'function';
createRoot(element).render(<StrictMode>{appBridgeLoaded ? <ShopifyAdmin /> : <OutsideShopify />}</StrictMode>);
