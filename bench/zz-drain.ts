import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { RabbitMQOutboxPublisher } from '@courier-nest/rabbitmq';
import { OutboxStore } from '../libs/outbox/src/outbox.store';
import { measureRawPublish } from './phases/raw-ceilings';
import { measureDrain } from './phases/relay-drain';
import { BenchContext } from './support/bench-context';
import { readdirSync, readFileSync } from 'node:fs';
import { OutboxRelay } from '@courier-nest/outbox';

function cpuByName(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(f[11]) + Number(f[12]);
      const key = name.startsWith('postgres')
        ? 'postgres'
        : name.startsWith('beam')
          ? 'beam'
          : name === 'node' || name.startsWith('MainThread')
            ? 'node'
            : 'other';
      out[key] = (out[key] ?? 0) + ticks * 10;
    } catch {}
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  out.sysIdle = (cpu[3] + cpu[4]) * 10;
  out.sysBusy = (cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7]) * 10;
  return out;
}
let cpuAtStart: Record<string, number> = {};
let startedAt = 0;
const origStart = OutboxRelay.prototype.start;
OutboxRelay.prototype.start = function (this: any) {
  cpuAtStart = cpuByName();
  startedAt = Date.now();
  console.log('WINDOW start', String(process.hrtime.bigint() / 1000n));
  return origStart.apply(this);
};

const acc: Record<string, { n: number; ms: number; rows: number }> = {};
function wrap(proto: any, name: string) {
  const orig = proto[name];
  proto[name] = async function (...args: any[]) {
    const t = performance.now();
    const r = await orig.apply(this, args);
    const a = (acc[name] ??= { n: 0, ms: 0, rows: 0 });
    a.n++;
    a.ms += performance.now() - t;
    a.rows += Array.isArray(r) ? r.length : r instanceof Set ? r.size : 0;
    return r;
  };
}
if (process.env.PROBE) {
  for (const m of ['claim', 'deleteConfirmed', 'renewClaims', 'insertClaimed'])
    wrap(OutboxStore.prototype, m);
  wrap(RabbitMQOutboxPublisher.prototype, 'publishBatch');
}

async function main() {
  const context = await BenchContext.open();
  const n = Number(process.env.N ?? 50000);
  const rounds = Number(process.env.ROUNDS ?? 3);
  try {
    for (let i = 0; i < rounds; i++) {
      const c0 = cpuByName();
      const t0 = Date.now();
      const a = (await measureRawPublish(context, n)).perSecond;
      const c1 = cpuByName();
      console.log(
        '   cpu ms during raw A incl warmup (wall ' +
          (Date.now() - t0) +
          '): ' +
          Object.keys(c1)
            .map((k) => `${k} ${c1[k] - (c0[k] ?? 0)}`)
            .join(', '),
      );
      for (const k of Object.keys(acc)) delete acc[k];
      const d = await measureDrain(context, { batchSize: 1000, concurrency: 4 }, n);
      console.log('WINDOW end', String(process.hrtime.bigint() / 1000n));
      const cpuEnd = cpuByName();
      const wall = Date.now() - startedAt;
      console.log(
        '   cpu ms during drain (wall ' +
          wall +
          '): ' +
          Object.keys(cpuEnd)
            .map((k) => `${k} ${cpuEnd[k] - (cpuAtStart[k] ?? 0)}`)
            .join(', '),
      );
      console.log(
        `A ${Math.round(a)}  drain ${Math.round(d.perSecond)}  ratio ${((d.perSecond / a) * 100).toFixed(1)}%  delivered ${d.delivered} drainMs ${d.drainMs.toFixed(0)}`,
      );
      for (const [k, v] of Object.entries(acc))
        console.log(
          `   ${k}: n ${v.n} total ${v.ms.toFixed(0)} ms avg ${(v.ms / v.n).toFixed(1)} ms rows ${v.rows}`,
        );
    }
  } finally {
    await context.cleanup();
  }
}
void main();
