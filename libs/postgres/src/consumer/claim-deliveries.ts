import type { Claim } from '@courier-nest/core/internal';
import type { BusDelivery } from './bus-delivery';
import { BusMessage, type BusMessageOwner } from './bus.message';
import type { BusSettler } from './bus-settler';

/**
 * The messages of one claim, handed out one by one: `done` resolves when each was
 * settled, or at once when the claim's lease is lost or the consumer closes (`abort`):
 * their later settles are no-ops, and their places free now.
 */
export class ClaimDeliveries implements BusMessageOwner {
  readonly messages: BusMessage[];
  readonly done: Promise<void>;
  private open: Set<BusMessage>;
  private finish!: () => void;

  constructor(
    private readonly claim: Claim<BusDelivery>,
    source: string,
    readonly settler: BusSettler,
    readonly deadLetterQueue: string,
    private readonly freed: (count: number) => void,
  ) {
    this.messages = claim.items.map((delivery) => new BusMessage(delivery, source, this));
    this.open = new Set(this.messages);
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  holds(message: BusMessage): boolean {
    return this.open.has(message);
  }

  settled(message: BusMessage): void {
    if (!this.open.delete(message)) return;
    this.freed(1);
    if (this.open.size === 0) this.finish();
  }

  /** Ends the claim now; returns what was still open (not settled), to give back. */
  abort(): Claim<BusDelivery> {
    const open = [...this.open];
    this.open = new Set();
    if (open.length > 0) this.freed(open.length);
    this.finish();
    return { token: this.claim.token, items: open.map((message) => message.delivery) };
  }
}
