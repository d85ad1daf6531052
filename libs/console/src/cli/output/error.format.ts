import { ConsoleAnswerError, ConsoleRefusedError, ConsoleUnreachableError } from '../errors';
import { terminalSafe } from './terminal-text';

/** One line (or two) for a failed run: what answered what, and what to do about it. */
export function describeError(error: unknown): string {
  if (error instanceof ConsoleRefusedError) {
    const answer = `${error.url} answered ${error.status}${error.statusText ? ` ${error.statusText}` : ''}: ${terminalSafe(error.apiMessage)}`;
    if (error.status === 401)
      return `${answer}\nCheck --token (or COURIER_CONSOLE_TOKEN), or --user and --password.`;
    if (error.status === 404 && /^Cannot (GET|POST) /.test(error.apiMessage)) {
      return `${answer}\nIs --url the console's mount URL (e.g. http://localhost:3001/courier), and does the service import CourierConsoleModule?`;
    }
    return answer;
  }
  if (error instanceof ConsoleUnreachableError) {
    return `nothing answered at ${error.url} (${terminalSafe(error.reason)}): is the service running, and is --url right?`;
  }
  if (error instanceof ConsoleAnswerError) {
    return `${error.message}: is --url the console's mount URL (e.g. http://localhost:3001/courier)?`;
  }
  return terminalSafe(error instanceof Error ? error.message : String(error));
}
