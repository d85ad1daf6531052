import { InvalidOptionError } from '@courier-nest/core';
import { OptionChecks } from '@courier-nest/core/internal';
import type { FastCgiAddress } from './fastcgi/fastcgi.client';
import { integerList, resolveCommonWorkerOptions } from './worker-option.checks';
import type { WorkerLogger } from './worker.interface';

export interface FastCgiWorkerOptions {
  /** Where the FastCGI server (PHP-FPM) listens: TCP `{ host, port }` or a unix socket `{ path }`. */
  address: FastCgiAddress;
  /** The script the server runs, as a path on the server's side (`SCRIPT_FILENAME`). */
  scriptFilename: string;
  /**
   * How long one request may take, connecting included; then the connection is closed and
   * the message requeued. The server may still finish the script: bound it there too
   * (PHP-FPM `request_terminate_timeout`), and make the script safe to run twice.
   */
  timeoutMs: number;
  /** Response statuses that mean "try again later". @default [429, 503] */
  retryStatuses?: number[];
  /** Delay asked for with every `requeue` outcome but an abort. @default undefined (the runner's) */
  retryDelayMs?: number;
  /**
   * How long a message waits before it is given back when the worker cannot run at all
   * (the command cannot start, the FastCGI server is unreachable). Not an attempt. @default 1000
   */
  unavailableDelayMs?: number;
  /** Extra FastCGI params (e.g. `DOCUMENT_ROOT`); the worker's own params win on a clash. */
  params?: Record<string, string>;
  /** Response body plus stderr bytes logged per message; the rest is dropped. @default 65536 */
  maxOutputBytes?: number;
  logger: WorkerLogger;
}

export type ResolvedFastCgiWorkerOptions = Required<Omit<FastCgiWorkerOptions, 'retryDelayMs'>> &
  Pick<FastCgiWorkerOptions, 'retryDelayMs'>;

/** Defaults and checks, once, when the worker is built: a typo fails at startup, not per message. */
export function resolveFastCgiWorkerOptions(options: FastCgiWorkerOptions): ResolvedFastCgiWorkerOptions {
  return {
    address: checkAddress(options.address),
    scriptFilename: OptionChecks.text('scriptFilename', options.scriptFilename),
    ...resolveCommonWorkerOptions(options),
    retryStatuses: integerList('retryStatuses', options.retryStatuses ?? [429, 503], 100, 599),
    params: { ...options.params },
    logger: options.logger,
  };
}

function checkAddress(address: FastCgiAddress): FastCgiAddress {
  if (address && 'path' in address && typeof address.path === 'string' && address.path.length > 0) {
    return { path: address.path };
  }
  if (address && 'host' in address && typeof address.host === 'string' && address.host.length > 0) {
    return { host: address.host, port: OptionChecks.integer('address.port', address.port, 1, 65535) };
  }
  throw new InvalidOptionError(
    'address',
    'Option "address" must be { host, port } for TCP or { path } for a unix socket.',
  );
}
