import { waitFor } from '../../../../test/harness/wait-for';
import { LeaseLostError } from '../errors/lease-lost.error';
import { BatchClaimers } from './batch-claimers.capacity';
import type { CapacityStrategy } from './capacity.strategy';
import { InMemoryLeasedQueue } from './in-memory-leased.queue';
import type { Claim } from './leased-queue.port';
import { LeasedWorkEngine, type LeasedWorkOptions } from './leased-work.engine';
import { SlotFilling } from './slot-filling.capacity';
import type { ClaimOrigin, ProcessContext, WorkProcessor } from './work-processor.interface';

interface Seen {
  claim: Claim<string>;
  context: ProcessContext;
}

/** Settles what it gets, unless told to hold it until `finish`. */
class RecordingProcessor implements WorkProcessor<string, number> {
  readonly seen: Seen[] = [];
  hold = false;
  ready = true;
  failures = 0;
  claimFailed?: (error: Error) => void;
  private readonly waiting = new Map<Claim<string>, () => void>();

  constructor(private readonly queue: InMemoryLeasedQueue<string>) {}

  readyChecks = 0;

  isReady(): boolean {
    this.readyChecks++;
    return this.ready;
  }

  async process(claim: Claim<string>, context: ProcessContext): Promise<number> {
    this.seen.push({ claim, context });
    if (this.failures > 0) {
      this.failures--;
      throw new Error('publish failed');
    }
    if (this.hold) await new Promise<void>((resolve) => this.waiting.set(claim, resolve));
    return this.queue.settle(claim);
  }

  finish(): void {
    for (const [claim, resume] of this.waiting) {
      this.waiting.delete(claim);
      resume();
    }
  }

  get items(): string[] {
    return this.seen.flatMap((seen) => seen.claim.items);
  }
}

const logger = { log: () => undefined, warn: () => undefined, error: () => undefined };
const rows = (count: number, prefix = 'm') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

function setUp(
  options: Partial<LeasedWorkOptions> = {},
  capacity: CapacityStrategy = new BatchClaimers(1, 0),
) {
  const queue = new InMemoryLeasedQueue<string>();
  const processor = new RecordingProcessor(queue);
  const engine = new LeasedWorkEngine(
    queue,
    processor,
    capacity,
    {
      batchSize: 10,
      leaseMs: 60_000,
      pollIntervalMs: 60_000,
      pollJitter: 0,
      shutdownTimeoutMs: 5_000,
      ...options,
    },
    logger,
  );
  return { queue, processor, engine };
}

describe('LeasedWorkEngine', () => {
  let stopEngine: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stopEngine?.();
    stopEngine = undefined;
  });
  const started = (setup: ReturnType<typeof setUp>) => {
    setup.engine.start();
    stopEngine = () => setup.engine.stop();
    return setup;
  };

  describe('claiming', () => {
    it('claims due rows in batches and processes each claim under its own token', async () => {
      const setup = setUp({ batchSize: 4 });
      setup.queue.add(...rows(10));
      const { queue, processor } = started(setup);
      await waitFor(() => queue.pending.length === 0, 'the rows to be settled');
      expect(processor.items.sort()).toEqual(rows(10).sort());
      expect(processor.seen.map((s) => s.claim.items.length)).toEqual([4, 4, 2]);
      expect(new Set(processor.seen.map((s) => s.claim.token)).size).toBe(3);
      expect(processor.seen.every((s) => s.context.origin === 'claimed')).toBe(true);
    });

    it('does not claim while the processor is not ready, and claims once it is', async () => {
      const setup = setUp();
      setup.processor.ready = false;
      setup.queue.add('a');
      started(setup);
      await waitFor(() => setup.processor.readyChecks >= 2, 'the engine to check twice');
      expect(setup.queue.calls.claim).toBe(0);
      setup.processor.ready = true;
      await waitFor(() => setup.queue.pending.length === 0, 'the row to be settled once ready');
    });
  });

  describe('wake and poll', () => {
    it('sleeps when nothing is due and claims at once when woken', async () => {
      const setup = started(setUp({ pollIntervalMs: 60_000 }));
      await waitFor(() => setup.queue.calls.claim === 1, 'the first (empty) claim');
      setup.queue.add('a');
      setup.engine.wake();
      await waitFor(() => setup.queue.pending.length === 0, 'the woken claimer to settle the row');
      expect(setup.queue.calls.claim).toBe(2);
    });

    it('finds rows nobody announced at the next poll', async () => {
      const setup = started(setUp({ pollIntervalMs: 40 }));
      await waitFor(() => setup.queue.calls.claim >= 1, 'the first claim');
      setup.queue.add('a');
      await waitFor(() => setup.queue.pending.length === 0, 'a poll to find the row');
    });

    it('a wake that comes while the claimer is busy is not lost', async () => {
      const setup = setUp({ pollIntervalMs: 60_000 });
      setup.processor.hold = true;
      setup.queue.add('a');
      started(setup);
      await waitFor(() => setup.processor.seen.length === 1, 'the first batch to run');
      setup.queue.add('b');
      setup.engine.wake();
      setup.processor.hold = false;
      setup.processor.finish();
      await waitFor(() => setup.queue.pending.length === 0, 'the row added during the batch');
    });

    it('wakeAfter claims when a retry comes due, before the poll', async () => {
      const setup = started(setUp({ pollIntervalMs: 60_000 }));
      await waitFor(() => setup.queue.calls.claim === 1, 'the first claim');
      setup.queue.add('later');
      setup.engine.wakeAfter(30);
      await waitFor(() => setup.queue.pending.length === 0, 'the wake after 30 ms');
    });
  });

  describe('errors', () => {
    it('backs off after a failed claim instead of spinning, then recovers', async () => {
      const setup = setUp({ pollIntervalMs: 10 });
      setup.queue.fail('claim');
      started(setup);
      await waitFor(() => setup.queue.calls.claim >= 2, 'a second attempt');
      // Wakes do not cut a back-off short: the claims stay few however often it is woken.
      for (let i = 0; i < 50; i++) setup.engine.wake();
      const attempts = setup.queue.calls.claim;
      expect(attempts).toBeLessThanOrEqual(3);
      setup.queue.heal('claim');
      setup.queue.add('a');
      await waitFor(() => setup.queue.pending.length === 0, 'the claim to work again', { timeoutMs: 5_000 });
    });

    it('a claim that works, even finding nothing, ends a streak of failures: the next one backs off from the start', async () => {
      jest.useFakeTimers();
      try {
        const setup = setUp({ pollIntervalMs: 60_000 });
        setup.queue.fail('claim');
        started(setup);
        // Three failures in a row: 200, 400, then 800 ms of back-off.
        await jest.advanceTimersByTimeAsync(0);
        await jest.advanceTimersByTimeAsync(200);
        await jest.advanceTimersByTimeAsync(400);
        expect(setup.queue.calls.claim).toBe(3);
        setup.queue.heal('claim');
        await jest.advanceTimersByTimeAsync(800);
        expect(setup.queue.calls.claim).toBe(4); // worked, nothing due: asleep until woken
        setup.queue.fail('claim');
        setup.engine.wake();
        await jest.advanceTimersByTimeAsync(0);
        expect(setup.queue.calls.claim).toBe(5);
        setup.queue.heal('claim');
        setup.queue.add('a');
        // 200 ms (a first failure), not 1.6 s (a fourth).
        await jest.advanceTimersByTimeAsync(200);
        expect(setup.queue.pending).toEqual([]);
      } finally {
        jest.useRealTimers();
      }
    });

    it('tells the processor of each failed claim', async () => {
      const setup = setUp({ pollIntervalMs: 10 });
      const failures: Error[] = [];
      setup.processor.claimFailed = (error) => void failures.push(error);
      setup.queue.fail('claim', new Error('connection lost'));
      started(setup);
      await waitFor(() => failures.length === 1, 'the failure reported');
      expect(failures[0].message).toBe('connection lost');
    });

    it('a batch that throws leaves its rows leased and backs off', async () => {
      const setup = setUp({ leaseMs: 60_000 });
      setup.processor.failures = 1;
      setup.queue.add('a');
      started(setup);
      await waitFor(() => setup.processor.seen.length === 1, 'the failing batch');
      expect(setup.queue.pending).toEqual(['a']);
      expect(setup.queue.due).toEqual([]);
    });
  });

  describe('leases', () => {
    it('renews the leases of a claim while it is processed', async () => {
      const setup = setUp({ leaseMs: 90 });
      setup.processor.hold = true;
      setup.queue.add('a');
      started(setup);
      await waitFor(() => setup.processor.seen.length === 1, 'the batch to start');
      await waitFor(() => setup.queue.calls.renew >= 4, 'several renewals (over a lease)');
      expect(setup.queue.due).toEqual([]);
      expect(setup.processor.seen[0].context.signal.aborted).toBe(false);
      setup.processor.finish();
      await waitFor(() => setup.queue.pending.length === 0, 'the row to settle');
      expect(setup.processor.seen).toHaveLength(1);
    });

    it('aborts the signal with LeaseLostError("taken") when another process took the rows', async () => {
      const setup = setUp({ leaseMs: 60 });
      setup.processor.hold = true;
      setup.queue.add('a');
      started(setup);
      const { claim, context } = await waitFor(() => setup.processor.seen[0], 'the batch to start');
      setup.queue.steal(claim);
      await waitFor(() => context.signal.aborted, 'the signal to abort');
      expect(context.signal.reason).toBeInstanceOf(LeaseLostError);
      expect((context.signal.reason as LeaseLostError).reason).toBe('taken');
      // Fenced: the late settle of the old claim touches nothing the thief holds.
      setup.processor.finish();
      await waitFor(() => setup.engine.heldClaims === 0, 'the claim to end');
      expect(setup.queue.pending).toEqual(['a']);
    });

    it('aborts with LeaseLostError("unreachable") only once renewals failed for a whole lease', async () => {
      const setup = setUp({ leaseMs: 150 });
      setup.processor.hold = true;
      setup.queue.add('a');
      started(setup);
      const { context } = await waitFor(() => setup.processor.seen[0], 'the batch to start');
      setup.queue.fail('renew');
      const failedFrom = Date.now();
      await waitFor(() => context.signal.aborted, 'the signal to abort');
      expect(Date.now() - failedFrom).toBeGreaterThanOrEqual(100);
      expect((context.signal.reason as LeaseLostError).reason).toBe('unreachable');
      setup.processor.finish();
    });
  });

  describe('bounded stop', () => {
    it('waits for a batch in flight, then stops claiming', async () => {
      const setup = setUp();
      setup.processor.hold = true;
      setup.queue.add('a');
      started(setup);
      await waitFor(() => setup.processor.seen.length === 1, 'the batch to start');
      const stopping = setup.engine.stop();
      setup.queue.add('b');
      setup.processor.finish();
      await stopping;
      expect(setup.queue.pending).toEqual(['b']);
      expect(setup.engine.isRunning()).toBe(false);
    });

    it('after shutdownTimeoutMs aborts what still runs and gives its rows back', async () => {
      const setup = setUp({ shutdownTimeoutMs: 50, leaseMs: 60_000 });
      setup.processor.hold = true;
      setup.queue.add('a', 'b');
      started(setup);
      const { context } = await waitFor(() => setup.processor.seen[0], 'the batch to start');
      await setup.engine.stop();
      expect(context.signal.aborted).toBe(true);
      expect(setup.queue.due.sort()).toEqual(['a', 'b']);
      expect(setup.queue.calls.release).toBe(1);
      setup.processor.finish();
    });
  });

  describe('pause', () => {
    it('stops claiming at once while a batch in flight goes on, its lease renewed; start claims again', async () => {
      // One claimer beside its batches (slot filling): a batch claimer would finish its batch first.
      const setup = setUp({ leaseMs: 90 }, new SlotFilling(4, 10));
      setup.processor.hold = true;
      setup.queue.add('a');
      started(setup);
      await waitFor(() => setup.processor.seen.length === 1, 'the batch to start');
      await setup.engine.pause();
      expect(setup.engine.isRunning()).toBe(false);
      setup.queue.add('b');
      setup.engine.wake();
      const renewals = setup.queue.calls.renew;
      await waitFor(() => setup.queue.calls.renew >= renewals + 2, 'renewals while paused');
      expect(setup.processor.items).toEqual(['a']);
      expect(setup.queue.due).toEqual(['b']);
      setup.processor.hold = false;
      setup.processor.finish();
      setup.engine.start();
      await waitFor(() => setup.queue.pending.length === 0, 'b claimed after start');
    });

    it('stop after pause gives back what is still held', async () => {
      const setup = setUp({ shutdownTimeoutMs: 0, leaseMs: 60_000 }, new SlotFilling(4, 10));
      setup.processor.hold = true;
      setup.queue.add('a');
      started(setup);
      const { context } = await waitFor(() => setup.processor.seen[0], 'the batch to start');
      await setup.engine.pause();
      await setup.engine.stop();
      expect(context.signal.aborted).toBe(true);
      expect(setup.queue.due).toEqual(['a']);
      setup.processor.finish();
    });
  });

  describe('capacity', () => {
    it('N batch claimers each take a batch while the others are busy', async () => {
      const setup = setUp({ batchSize: 2 }, new BatchClaimers(3, 0));
      setup.processor.hold = true;
      setup.queue.add(...rows(10));
      started(setup);
      await waitFor(() => setup.processor.seen.length === 3, 'three claimers to hold a batch each');
      expect(setup.queue.calls.claim).toBe(3);
      setup.processor.hold = false;
      setup.processor.finish();
      await waitFor(() => setup.queue.pending.length === 0, 'the rest to drain');
    });

    it('a batch claimer with two batches per claimer claims the next while the first is processed, never a third', async () => {
      const setup = setUp({ batchSize: 2 }, new BatchClaimers(1, 0, 2));
      setup.processor.hold = true;
      setup.queue.add(...rows(10));
      started(setup);
      await waitFor(() => setup.processor.seen.length === 2, 'two batches in flight');
      expect(setup.queue.calls.claim).toBe(2);
      expect(new Set(setup.processor.items).size).toBe(4);
      setup.processor.hold = false;
      setup.processor.finish();
      await waitFor(() => setup.queue.pending.length === 0, 'the rest to drain');
      expect(setup.processor.items.sort()).toEqual(rows(10).sort());
    });

    it("a failed batch among a claimer's two backs off while the other still settles", async () => {
      const setup = setUp({ batchSize: 2 }, new BatchClaimers(1, 0, 2));
      setup.processor.failures = 1;
      setup.queue.add(...rows(4));
      started(setup);
      await waitFor(() => setup.processor.seen.length === 2, 'both batches to run');
      await waitFor(() => setup.queue.pending.length === 2, 'the second batch to settle');
      // The failed batch's rows stay leased (their lease would expire), not retried at once.
      expect(setup.queue.due).toEqual([]);
      expect(setup.processor.seen.length).toBe(2);
    });

    it('slot filling claims no more rows than free slots, and claims again as slots free up', async () => {
      const slots = new SlotFilling(3, 10);
      const setup = setUp({ batchSize: 10, pollIntervalMs: 60_000 }, slots);
      const running: Array<() => void> = [];
      const ran: string[] = [];
      setup.processor.process = async (claim, context) => {
        setup.processor.seen.push({ claim, context });
        await Promise.all(
          claim.items.map(async (item) => {
            await slots.startRun(context.origin);
            await new Promise<void>((resolve) => running.push(resolve));
            ran.push(item);
            slots.endRun();
          }),
        );
        return setup.queue.settle(claim);
      };
      setup.queue.add(...rows(7));
      started(setup);
      await waitFor(() => running.length === 3, 'three runs (the slots)');
      expect(setup.processor.seen.map((s) => s.claim.items.length)).toEqual([3]);
      running.splice(0).forEach((resume) => resume());
      await waitFor(
        () => running.length === 3 && setup.processor.seen.length === 2,
        'the next claim of three',
      );
      running.splice(0).forEach((resume) => resume());
      await waitFor(() => running.length === 1, 'the last run');
      running.splice(0).forEach((resume) => resume());
      await waitFor(() => setup.queue.pending.length === 0, 'everything settled');
      expect(ran.sort()).toEqual(rows(7).sort());
    });
  });

  describe('claimed as stored', () => {
    it('processes a reservation\'s rows with origin "stored" and renews their leases', async () => {
      const setup = started(setUp({ leaseMs: 90 }, new BatchClaimers(1, 5)));
      setup.processor.hold = true;
      const reservation = setup.engine.reserve(8)!;
      expect(reservation.rows).toBe(5);
      expect(setup.engine.reserve(1)).toBeNull();
      // The writer stores its rows claimed (here: a claim of its own), then hands them over.
      setup.queue.add('s1', 's2');
      const stored = await setup.queue.claim(2, reservation.leaseMs);
      reservation.run(stored);
      await waitFor(() => setup.processor.seen.length === 1, 'the stored rows to run');
      expect(setup.processor.seen[0].context.origin).toBe<ClaimOrigin>('stored');
      await waitFor(() => setup.queue.calls.renew >= 3, 'renewals');
      setup.processor.finish();
      await waitFor(() => setup.queue.pending.length === 0, 'the stored rows to settle');
      // The room came back: unused at once, used once settled.
      expect(setup.engine.reserve(5)?.rows).toBe(5);
    });

    it('a cancelled reservation gives its room back, and one cannot end twice', () => {
      const setup = started(setUp({}, new BatchClaimers(1, 3)));
      const reservation = setup.engine.reserve(3)!;
      reservation.cancel();
      expect(() => reservation.cancel()).toThrow(/already ended/);
      expect(setup.engine.reserve(3)?.rows).toBe(3);
    });

    it('refuses a reservation when the engine is not running', () => {
      expect(setUp({}, new BatchClaimers(1, 3)).engine.reserve(1)).toBeNull();
    });

    it('stop waits for a reservation still storing', async () => {
      const setup = started(setUp({}, new BatchClaimers(1, 3)));
      const reservation = setup.engine.reserve(1)!;
      let stopped = false;
      const stopping = setup.engine.stop().then(() => (stopped = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      reservation.cancel();
      await stopping;
      expect(stopped).toBe(true);
    });
  });
});
