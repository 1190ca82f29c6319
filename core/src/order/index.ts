export {
  CANCEL_REASONS,
  type CancelReason,
  type LineItem,
  LineItemSchema,
  type Order,
  OrderSchema,
  PAYMENT_STATES,
  type PaymentState,
  type Refund,
  RefundSchema,
} from './order.ts';
