import { createHash, randomBytes } from 'node:crypto';
import type { CanActivate, Type } from '@nestjs/common';
import { ConsoleConfigurationError } from './errors';
import type { ConsoleAuthOptions, CourierConsoleOptions } from './interfaces/console-options.interface';

export type ResolvedConsoleAuth =
  | { kind: 'token'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'guard'; guard: Type<CanActivate>; principal?: (request: unknown) => string | undefined }
  | { kind: 'disabled' };

export interface ResolvedConsoleOptions {
  auth: ResolvedConsoleAuth;
  csrfSecret: Buffer;
  maxPageSize: number;
  refreshIntervalMs: number;
}

const MIN_TOKEN_LENGTH = 16;
const AUTH_FORMS = '{ token }, { basic: { username, password } }, { guard } or { disabled: true }';

/** Checks the options once, where they enter, and fills in the defaults. */
export function resolveConsoleOptions(options: CourierConsoleOptions | undefined): ResolvedConsoleOptions {
  const auth = resolveAuth(options?.auth);
  return {
    auth,
    csrfSecret: csrfSecretOf(options?.csrfSecret, auth),
    maxPageSize: integerOption('maxPageSize', options?.maxPageSize, 200, 1, 1_000),
    refreshIntervalMs: integerOption('refreshIntervalMs', options?.refreshIntervalMs, 5_000, 500, 3_600_000),
  };
}

/** A mount path: segments of letters, digits, "-", "_" and ".", joined by "/". */
export function resolveConsolePath(path: unknown): string {
  const trimmed = typeof path === 'string' ? path.replace(/^\/+|\/+$/g, '') : path;
  const segments = typeof trimmed === 'string' ? trimmed.split('/') : [];
  if (segments.length === 0 || !segments.every((s) => /^[A-Za-z0-9._-]+$/.test(s) && !/^\.+$/.test(s))) {
    throw new ConsoleConfigurationError(
      `CourierConsoleModule "path" must be URL path segments of letters, digits, "-", "_" or "." (like "courier" or "ops/courier"); got ${JSON.stringify(path)}.`,
    );
  }
  return segments.join('/');
}

function resolveAuth(auth: ConsoleAuthOptions | undefined): ResolvedConsoleAuth {
  if (auth === undefined || auth === null || typeof auth !== 'object') {
    throw new ConsoleConfigurationError(
      `CourierConsoleModule needs "auth": one of ${AUTH_FORMS}. The console changes messages; ` +
        'it does not start unauthenticated unless you say so with { disabled: true }.',
    );
  }
  const forms = ['token', 'basic', 'guard', 'disabled'].filter((key) => key in auth);
  if (forms.length !== 1) {
    throw new ConsoleConfigurationError(
      `CourierConsoleModule "auth" must be exactly one of ${AUTH_FORMS}; got keys ${JSON.stringify(Object.keys(auth))}.`,
    );
  }
  if ('token' in auth) {
    if (typeof auth.token !== 'string' || auth.token.length < MIN_TOKEN_LENGTH) {
      throw new ConsoleConfigurationError(
        `CourierConsoleModule "auth.token" must be a string of at least ${MIN_TOKEN_LENGTH} characters ` +
          '(e.g. from `openssl rand -hex 24`); it is missing or too short.',
      );
    }
    return { kind: 'token', token: auth.token };
  }
  if ('basic' in auth) {
    const { username, password } = auth.basic ?? ({} as Record<string, unknown>);
    if (typeof username !== 'string' || !/^[^:\s]{1,200}$/.test(username)) {
      throw new ConsoleConfigurationError(
        'CourierConsoleModule "auth.basic.username" must be 1-200 characters without ":" or spaces.',
      );
    }
    if (typeof password !== 'string' || password.length < MIN_TOKEN_LENGTH) {
      throw new ConsoleConfigurationError(
        `CourierConsoleModule "auth.basic.password" must be at least ${MIN_TOKEN_LENGTH} characters; it is missing or too short.`,
      );
    }
    return { kind: 'basic', username, password };
  }
  if ('guard' in auth) {
    if (typeof auth.guard !== 'function') {
      throw new ConsoleConfigurationError(
        'CourierConsoleModule "auth.guard" must be a guard class (implementing CanActivate), not an instance.',
      );
    }
    if (auth.principal !== undefined && typeof auth.principal !== 'function') {
      throw new ConsoleConfigurationError(
        'CourierConsoleModule "auth.principal" must be a function of the request.',
      );
    }
    return { kind: 'guard', guard: auth.guard, principal: auth.principal };
  }
  if (auth.disabled !== true) {
    throw new ConsoleConfigurationError(
      'CourierConsoleModule "auth.disabled" must be exactly true to run the console without authentication.',
    );
  }
  return { kind: 'disabled' };
}

function csrfSecretOf(secret: string | undefined, auth: ResolvedConsoleAuth): Buffer {
  if (secret !== undefined) {
    if (typeof secret !== 'string' || secret.length < MIN_TOKEN_LENGTH) {
      throw new ConsoleConfigurationError(
        `CourierConsoleModule "csrfSecret" must be at least ${MIN_TOKEN_LENGTH} characters.`,
      );
    }
    return createHash('sha256').update(`courier-console-csrf\0${secret}`).digest();
  }
  // Derived from the credential: every instance sharing it accepts the others' tokens,
  // and nobody without the credential can compute one.
  if (auth.kind === 'token')
    return createHash('sha256').update(`courier-console-csrf\0${auth.token}`).digest();
  if (auth.kind === 'basic')
    return createHash('sha256').update(`courier-console-csrf\0${auth.password}`).digest();
  return randomBytes(32);
}

function integerOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConsoleConfigurationError(
      `CourierConsoleModule "${name}" must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
