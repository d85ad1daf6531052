import type { WorkerLogger } from '../worker.interface';

export interface LoggedLine {
  level: 'info' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** Keeps every line a worker logs, for specs to assert on. */
export class RecordingLogger implements WorkerLogger {
  readonly lines: LoggedLine[] = [];

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }

  messages(level: LoggedLine['level'], messageId?: string): string[] {
    return this.lines
      .filter(
        (line) => line.level === level && (messageId === undefined || line.fields.messageId === messageId),
      )
      .map((line) => line.message);
  }
}
