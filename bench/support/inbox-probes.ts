import { readdirSync, readFileSync } from 'node:fs';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { InboxService } from '@courier-nest/inbox';
import { InboxStore } from '@courier-nest/inbox/inbox.store';
import { readProcessTicks, TICKS_PER_SECOND } from './proc-stat';

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
  /** Calls that threw (receive: the bridge then requeues the batch after a delay). */
  failed: number;
  /** Calls by items carried, in buckets (receive only): `1-4`, `5-19`, … */
  sizes: Record<string, number>;
}

function newStats(): CallStats {
  return { calls: 0, items: 0, busyMs: 0, activeMs: 0, maxConcurrent: 0, empty: 0, failed: 0, sizes: {} };
}

export const SIZE_BUCKETS = ['1-4', '5-19', '20-49', '50-99', '100-199', '200+'] as const;

function bucket(n: number): string {
  if (n < 5) return '1-4';
  if (n < 20) return '5-19';
  if (n < 50) return '20-49';
  if (n < 100) return '50-99';
  if (n < 200) return '100-199';
  return '200+';
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
        onStart: (at, args) => {
          probes.firstReceiveAt ??= at;
          const size = bucket((args[0] as unknown[]).length);
          probes.receive.sizes[size] = (probes.receive.sizes[size] ?? 0) + 1;
        },
        onResolved: () => {
          if (probes.receive.items >= probes.target) probes.storedAckedAt ??= performance.now();
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
      onStart?: (at: number, args: unknown[]) => void;
      onResult?: (result: unknown) => void;
      onResolved?: () => void;
    },
  ): void {
    const host = target as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = host[method];
    let running = 0;
    let activeSince = 0;
    host[method] = async function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      hooks.onStart?.(started, args);
      if (running++ === 0) activeSince = started;
      stats.maxConcurrent = Math.max(stats.maxConcurrent, running);
      try {
        const result = await original.apply(this, args);
        stats.calls++;
        const items = itemsOf(args);
        stats.items += items;
        hooks.onResult?.(result);
        hooks.onResolved?.();
        return result;
      } catch (error) {
        stats.failed++;
        throw error;
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

/**
 * Whole-machine CPU (all cores), this process's, and that of the PostgreSQL and RabbitMQ
 * processes on this machine, between construction and `stop()`. The last two say where
 * a 2-core machine's CPU went: the broker, the database and the app share it.
 */
export class CpuMeter {
  private readonly startedAt = performance.now();
  private readonly system = readSystemCpu();
  private readonly process = process.cpuUsage();
  private readonly loop = performance.eventLoopUtilization();
  private readonly services = readServiceCpu();

  stop(): CpuReading {
    const wallMs = performance.now() - this.startedAt;
    const system = readSystemCpu();
    const own = process.cpuUsage(this.process);
    const loop: EventLoopUtilization = performance.eventLoopUtilization(this.loop);
    const services = readServiceCpu();
    const cores = system.cores;
    const busy = system.busy - this.system.busy;
    const total = system.total - this.system.total;
    return {
      wallMs,
      cores,
      machineBusy: total > 0 ? busy / total : Number.NaN,
      nodeCores: (own.user + own.system) / 1000 / wallMs,
      eventLoopUtilization: loop.utilization,
      postgresCores: serviceCores(this.services, services, 'postgres', wallMs),
      brokerCores: serviceCores(this.services, services, 'broker', wallMs),
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
  /** Cores' worth of CPU of the PostgreSQL / RabbitMQ processes here (NaN without /proc). */
  postgresCores: number;
  brokerCores: number;
}

type Service = 'postgres' | 'broker';
/** CPU ticks per process of a service, by pid. */
type ServiceCpu = Map<number, { service: Service; ticks: number }> | null;

function readServiceCpu(): ServiceCpu {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  const byPid: NonNullable<ServiceCpu> = new Map();
  for (const pid of pids) {
    const read = readProcessTicks(pid);
    const service: Service | null = read?.name.startsWith('postgres')
      ? 'postgres'
      : read?.name.startsWith('beam')
        ? 'broker'
        : null;
    if (read && service) byPid.set(Number(pid), { service, ticks: read.ticks });
  }
  return byPid;
}

/**
 * Cores' worth of CPU a service used: per pid, so a connection's backend that started
 * during the interval counts from zero. One that ended before `stop()` is not counted.
 */
function serviceCores(before: ServiceCpu, after: ServiceCpu, service: Service, wallMs: number): number {
  if (!before || !after || wallMs <= 0) return Number.NaN;
  let ticks = 0;
  for (const [pid, now] of after) {
    if (now.service === service) ticks += now.ticks - (before.get(pid)?.ticks ?? 0);
  }
  return ticks / TICKS_PER_SECOND / (wallMs / 1000);
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
