import { readFileSync } from 'node:fs';

// USER_HZ, the unit of /proc/<pid>/stat's times: 100 on every mainstream Linux.
export const TICKS_PER_SECOND = 100;

/** A process's name and the CPU it used so far (user + system, in ticks); null when it cannot be read. */
export function readProcessTicks(pid: number | string): { name: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const nameEnd = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, nameEnd);
    // Fields after the name: state is the 1st, utime the 12th, stime the 13th.
    const fields = stat.slice(nameEnd + 2).split(' ');
    return { name, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    // No /proc, or the process ended.
    return null;
  }
}
