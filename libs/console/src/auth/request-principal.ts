/** The key under which the console keeps the authenticated principal on the request. */
export const CONSOLE_PRINCIPAL = Symbol.for('courier:console-principal');

export interface ConsoleRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  user?: unknown;
  [CONSOLE_PRINCIPAL]?: string;
}

export function principalOf(request: ConsoleRequest): string {
  return request[CONSOLE_PRINCIPAL] ?? 'anonymous';
}

/** A name for `request.user` as an application's guard left it. */
export function principalOfUser(user: unknown): string | undefined {
  if (typeof user === 'string') return user;
  if (typeof user !== 'object' || user === null) return undefined;
  for (const key of ['username', 'email', 'name', 'sub', 'id']) {
    const value = (user as Record<string, unknown>)[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

export function headerOf(request: ConsoleRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
