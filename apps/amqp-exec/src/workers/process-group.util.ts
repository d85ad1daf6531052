/**
 * Sends `signal` to every process in the group led by `pid` (spawned with `detached: true`,
 * so the group is the command and everything it started that did not leave it).
 * A group already gone (ESRCH) is not an error.
 */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: gone already. EPERM: what is left belongs to another user (a setuid helper);
    // nothing more can be done, and throwing here (from timers and exit listeners) would
    // take the whole consumer down with it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ESRCH' && code !== 'EPERM') throw error;
  }
}
