/**
 * Sends `signal` to every process in the group led by `pid` (spawned with `detached: true`,
 * so the group is the command and everything it started that did not leave it).
 * A group already gone (ESRCH) is not an error.
 */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
