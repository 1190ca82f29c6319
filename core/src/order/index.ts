export { type LineItem, LineItemSchema, type Order, OrderSchema, PAYMENT_STATES, type PaymentState } from './order.ts';
