import { StringDecoder } from 'node:string_decoder';
import type { WorkerLogger } from './worker.interface';

/** Per message, what the job may write to the log before the rest is dropped. */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
/** A "line" without a newline is cut here, so one endless line cannot grow a buffer. */
const MAX_LINE_CHARS = 8 * 1024;
const TAIL_LINES = 3;
const TAIL_LINE_CHARS = 500;

export interface OutputStream {
  write(chunk: Buffer): void;
  /** Flushes a last line that had no newline. */
  end(): void;
}

/**
 * One job's stdout and stderr, turned into log lines (stdout at info, stderr at error)
 * carrying `fields` (the message id). Both streams share one byte budget: past it lines
 * are dropped, with one note saying so, while the pipes keep being drained so the job
 * never blocks on a full pipe. The last stderr lines are kept apart (bounded) for the
 * reject reason, even past the budget.
 */
export class JobOutput {
  private remaining: number;
  private truncated = false;
  private readonly tail: string[] = [];

  constructor(
    private readonly logger: WorkerLogger,
    private readonly fields: Record<string, unknown>,
    private readonly maxBytes = DEFAULT_MAX_OUTPUT_BYTES,
  ) {
    this.remaining = maxBytes;
  }

  stream(kind: 'stdout' | 'stderr'): OutputStream {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    const emitAll = (text: string, final: boolean) => {
      const lines = text.split('\n');
      pending = final ? '' : lines.pop()!;
      if (pending.length > MAX_LINE_CHARS) {
        lines.push(pending);
        pending = '';
      }
      for (const line of lines) this.line(kind, line.endsWith('\r') ? line.slice(0, -1) : line);
    };
    return {
      write: (chunk) => emitAll(pending + decoder.write(chunk), false),
      end: () => emitAll(pending + decoder.end(), true),
    };
  }

  /** The last stderr lines, joined with " | ", or '' when there were none. */
  lastErrorLines(): string {
    return this.tail.join(' | ');
  }

  private line(kind: 'stdout' | 'stderr', line: string): void {
    if (line.length === 0) return;
    if (kind === 'stderr') {
      this.tail.push(line.slice(0, TAIL_LINE_CHARS));
      if (this.tail.length > TAIL_LINES) this.tail.shift();
    }
    if (this.truncated) return;
    const bytes = Buffer.byteLength(line) + 1;
    if (bytes > this.remaining) {
      // Once one line is dropped, all later ones are too: a log with holes would mislead.
      this.truncated = true;
      this.logger.error(`output over ${this.maxBytes} bytes: the rest is not logged`, this.fields);
      return;
    }
    this.remaining -= bytes;
    if (kind === 'stdout') this.logger.info(line, { ...this.fields, stream: kind });
    else this.logger.error(line, { ...this.fields, stream: kind });
  }
}
