import { readFileSync } from 'node:fs';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { InboxService } from '@courier/inbox';
import { InboxStore } from '@courier/inbox/inbox.store';

/** Time spent in one kind of call, and how much it carried. */
export interface CallStats {
  calls: number;
  /** Items in (receive: deliveries; claim: rows claimed; settle: outcomes). */
  items: number;
  /** Sum of call durations, ms (calls may overlap: compare with the wall time). */
  busyMs: number;
  /** Wall time during which at least one call was running, ms. */
  activeMs: number;
  maxConcurrent: number;
  /** Calls that returned nothing (claim only). */
  empty: number;
}

function newStats(): CallStats {
  return { calls: 0, items: 0, busyMs: 0, activeMs: 0, maxConcurrent: 0, empty: 0 };
}

/**
 * Counts and times the inbox's own calls from outside: `InboxService.receiveMany`
 * (what the RabbitMQ bridge awaits per batch before acking it), `InboxStore.claim` and
 * `InboxStore.settle` (the dispatcher's two statements per batch). It wraps the
 * prototypes for the duration of one phase (the app is booted after `install`, so its
 * first batch is seen too) and `restore()` puts them back. One wrapper call per batch,
 * never per message: no measurable cost.
 */
export class InboxProbes {
  readonly receive = newStats();
  readonly claim = newStats();
  readonly settle = newStats();
  /** Outcomes settled as done (the rows the benchmark waits for). */
  settledDone = 0;
  firstReceiveAt?: number;
  /** When the receiveMany calls that resolved had carried `target` deliveries (they are acked right after). */
  storedAckedAt?: number;
  /** When settled-done outcomes reached `doneTarget`. */
  doneAt?: number;
  private readonly restorers: Array<() => void> = [];

  private constructor(
    private readonly target: number,
    private readonly doneTarget: number,
  ) {}

  static install(deliveries: number, uniqueIds: number): InboxProbes {
    const probes = new InboxProbes(deliveries, uniqueIds);
    probes.wrap(
      InboxService.prototype,
      'receiveMany',
      probes.receive,
      (args) => (args[0] as unknown[]).length,
      {
        onStart: (at) => (probes.firstReceiveAt ??= at),
        onResolved: (items) => {
          if (probes.receive.items >= probes.target) probes.storedAckedAt ??= performance.now();
          return items;
        },
      },
    );
    probes.wrap(InboxStore.prototype, 'claim', probes.claim, () => 0, {
      onResult: (result) => {
        const rows = (result as unknown[]).length;
        probes.claim.items += rows;
        if (rows === 0) probes.claim.empty++;
      },
    });
    probes.wrap(InboxStore.prototype, 'settle', probes.settle, (args) => (args[0] as unknown[]).length, {
      onResult: (result) => {
        probes.settledDone += (result as Array<{ status: string }>).filter((r) => r.status === 'done').length;
        if (probes.settledDone >= probes.doneTarget) probes.doneAt ??= performance.now();
      },
    });
    return probes;
  }

  restore(): void {
    this.restorers.splice(0).forEach((restore) => restore());
  }

  private wrap(
    target: object,
    method: string,
    stats: CallStats,
    itemsOf: (args: unknown[]) => number,
    hooks: {
      onStart?: (at: number) => void;
      onResult?: (result: unknown) => void;
      onResolved?: (items: number) => number;
    },
  ): void {
    const host = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = host[method];
    let running = 0;
    let activeSince = 0;
    host[method] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      hooks.onStart?.(started);
      if (running++ === 0) activeSince = started;
      stats.maxConcurrent = Math.max(stats.maxConcurrent, running);
      try {
        const result = await original.apply(this, args);
        stats.calls++;
        const items = itemsOf(args);
        stats.items += items;
        hooks.onResult?.(result);
        hooks.onResolved?.(items);
        return result;
      } finally {
        const ended = performance.now();
        stats.busyMs += ended - started;
        if (--running === 0) stats.activeMs += ended - activeSince;
      }
    };
    this.restorers.push(() => {
      host[method] = original;
    });
  }
}

/** Whole-machine CPU (all cores) and this process's, between `start()` and `stop()`. */
export class CpuMeter {
  private readonly startedAt = performance.now();
  private readonly system = readSystemCpu();
  private readonly process = process.cpuUsage();
  private readonly loop = performance.eventLoopUtilization();

  stop(): CpuReading {
    const wallMs = performance.now() - this.startedAt;
    const system = readSystemCpu();
    const own = process.cpuUsage(this.process);
    const loop: EventLoopUtilization = performance.eventLoopUtilization(this.loop);
    const cores = system.cores;
    const busy = system.busy - this.system.busy;
    const total = system.total - this.system.total;
    return {
      wallMs,
      cores,
      machineBusy: total > 0 ? busy / total : Number.NaN,
      nodeCores: (own.user + own.system) / 1000 / wallMs,
      eventLoopUtilization: loop.utilization,
    };
  }
}

export interface CpuReading {
  wallMs: number;
  cores: number;
  /** Fraction of all cores busy (user+nice+system+irq+softirq+steal) over the interval. */
  machineBusy: number;
  /** Cores' worth of CPU this node process used. */
  nodeCores: number;
  eventLoopUtilization: number;
}

function readSystemCpu(): { busy: number; total: number; cores: number } {
  try {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n');
    const [, ...fields] = lines[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
    const busy = user + nice + system + irq + softirq + (steal || 0);
    const cores = lines.filter((l) => /^cpu\d+ /.test(l)).length;
    return { busy, total: busy + idle + iowait, cores };
  } catch {
    return { busy: 0, total: 0, cores: 0 };
  }
}
