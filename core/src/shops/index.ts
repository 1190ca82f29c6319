export { type NewShopInput, type Shop, ShopDirectory } from './shop-directory.ts';
