import type { AdminShop } from '@cartrelay/core/admin-contract';
import type { AdminApi } from '../api.ts';

/** What every page gets from the app: the API, the shop as last loaded or saved, and a way to update it. */
export interface PageProps {
  readonly api: AdminApi;
  readonly shop: AdminShop;
  readonly onShopChange: (shop: AdminShop) => void;
}
