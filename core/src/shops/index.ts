export { type NewShopInput, type Shop, ShopDirectory, type ShopDirectoryStore } from './shop-directory.ts';
export type { LeasedCredentials, ShopCredentials, ShopKey, StoredCredentials } from './shop-credentials.ts';
export type { ShopCursors } from './shop-cursors.ts';
export type { AccessProblem, NewShop, ShopPatch, ShopRecords, ShopRow } from './shop-records.ts';
