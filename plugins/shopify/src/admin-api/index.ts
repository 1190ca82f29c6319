export { type ShopifyApiOptions, createShopifyApi } from './shopify-api.ts';
export { type AdminGraphqlClient, type GraphqlAnswer, type GraphqlFailure, type GraphqlRequester, type QueryCost, adminGraphql } from './graphql.ts';
export { numericId } from './gid.ts';
export { ORDER_INSIGHTS_QUERY, type OrderInsights, fetchOrderInsights } from './order-insights.ts';
export { WEB_PIXEL_CREATE, WEB_PIXEL_QUERY, WEB_PIXEL_UPDATE, activateWebPixel } from './web-pixel.ts';
export { GraphqlOrderSchema, type GraphqlOrderNode, LINE_ITEMS_PER_ORDER, ORDER_NODE_FIELDS, normalizeShopifyGraphqlOrder } from './graphql-order.ts';
