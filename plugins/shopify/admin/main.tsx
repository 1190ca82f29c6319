import { AdminApp, type AdminPlatform } from '@cartrelay/admin';
import { useAppBridge } from '@shopify/app-bridge-react';
import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { shopifyPlatform } from './shopify-platform.ts';
import { shopifyShell } from './shopify-shell.tsx';

/**
 * The Shopify mount of the shared admin page: session tokens from `shopify.idToken()`, and App
 * Bridge's title bar, navigation menu, save bar, toasts and leave confirmation as the page's shell.
 * The browser tests run it under a stand-in for App Bridge's script that provides just these.
 */
function ShopifyAdmin() {
  const shopify = useAppBridge();
  const platform = useMemo<AdminPlatform>(() => ({ ...shopifyPlatform(() => shopify.idToken()), shell: shopifyShell(shopify) }), [shopify]);
  return <AdminApp platform={platform} />;
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
