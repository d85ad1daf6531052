/** The same message for every contender: about 200 bytes of JSON, as an order event. */
export function queuePayload(n: number): Record<string, unknown> {
  return {
    orderId: `order-${n}`,
    customerId: 'customer-42',
    lines: [{ sku: 'BOOK-42', quantity: 1, price: 1999 }],
    note: 'x'.repeat(80),
  };
}

/** Messages per INSERT while loading a backlog (loading is not timed). */
export const LOAD_CHUNK = 1_000;
