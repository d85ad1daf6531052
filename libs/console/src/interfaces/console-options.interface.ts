import type { CanActivate, Type } from '@nestjs/common';

/** A bearer token: API clients send `Authorization: Bearer <token>`, a browser sends it as the Basic password. */
export interface ConsoleTokenAuth {
  /** At least 16 characters. */
  token: string;
}

/** HTTP Basic credentials; the user name is the principal in the action log. */
export interface ConsoleBasicAuth {
  basic: { username: string; password: string };
}

/** A Nest guard of the application's (its session or JWT guard), resolved from the application's modules. */
export interface ConsoleGuardAuth {
  guard: Type<CanActivate>;
  /**
   * Who made a request, for the action log and the CSRF token.
   * @default request.user's username, email, name, sub or id
   */
  principal?: (request: unknown) => string | undefined;
}

/** No authentication: for a console behind a trusted proxy. Logs a warning at every start. */
export interface ConsoleAuthDisabled {
  disabled: true;
}

export type ConsoleAuthOptions = ConsoleTokenAuth | ConsoleBasicAuth | ConsoleGuardAuth | ConsoleAuthDisabled;

export interface CourierConsoleOptions {
  /** Required: the module refuses to start without it. */
  auth: ConsoleAuthOptions;
  /**
   * The key CSRF tokens are signed with. Token and Basic auth derive one from the
   * credentials, the same in every instance; a guard gets a random one per process, so
   * set this when several instances serve one console behind a load balancer.
   */
  csrfSecret?: string;
  /** The largest `limit` a list accepts. @default 200 */
  maxPageSize?: number;
  /** How often the open page refreshes. @default 5000 */
  refreshIntervalMs?: number;
}

export interface CourierConsoleExtras {
  /** Where the page (`GET /<path>`) and the API (`/<path>/api/…`) are mounted. @default 'courier' */
  path: string;
}
