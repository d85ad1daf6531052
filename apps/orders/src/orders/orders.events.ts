/** The messages orders publishes and reads: exchange names are the contract between services. */
export const OrderEvents = {
  exchange: 'order_events',
  created: 'order_created',
  cancelled: 'order_cancelled',
} as const;
export const ShipmentEvents = { exchange: 'shipment_events', created: 'shipment_created' } as const;

export interface OrderCreated {
  orderId: string;
  customerId: string;
  lines: { sku: string; quantity: number }[];
}

export interface ShipmentCreated {
  orderId: string;
  shipmentId: string;
}
