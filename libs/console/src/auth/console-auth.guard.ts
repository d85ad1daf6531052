import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { RESOLVED_CONSOLE_OPTIONS } from '../console.constants';
import type { ResolvedConsoleOptions } from '../console-options.resolver';
import { principalFromCredentials } from './credentials';
import { checkCrossSite } from './cross-site.check';
import { CONSOLE_PRINCIPAL, principalOfUser, headerOf, type ConsoleRequest } from './request-principal';

const CHALLENGE = 'Basic realm="Courier console", charset="UTF-8"';

/**
 * Every console route: who is asking (401 without valid credentials), then, for a
 * state-changing call, that it comes from the console's own page or a client that read
 * its CSRF token (403 otherwise).
 */
@Injectable()
export class ConsoleAuthGuard implements CanActivate {
  private applicationGuard?: CanActivate;

  constructor(
    @Inject(RESOLVED_CONSOLE_OPTIONS) private readonly options: ResolvedConsoleOptions,
    private readonly moduleRef: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<ConsoleRequest>();
    request[CONSOLE_PRINCIPAL] = await this.authenticate(context, request, http.getResponse());
    checkCrossSite(request, this.options.csrfSecret);
    return true;
  }

  private async authenticate(
    context: ExecutionContext,
    request: ConsoleRequest,
    response: unknown,
  ): Promise<string> {
    const { auth } = this.options;
    switch (auth.kind) {
      case 'disabled':
        return 'anonymous';
      case 'token':
      case 'basic': {
        const principal = principalFromCredentials(auth, headerOf(request, 'authorization'));
        if (principal !== null) return principal;
        setHeader(response, 'WWW-Authenticate', CHALLENGE);
        throw new UnauthorizedException(
          auth.kind === 'token'
            ? 'The Courier console needs credentials: send "Authorization: Bearer <token>" (a browser: the token as password).'
            : 'The Courier console needs credentials: HTTP Basic with the configured user name and password.',
        );
      }
      case 'guard': {
        const allowed = await this.runApplicationGuard(context);
        if (!allowed)
          throw new ForbiddenException('The application guard of the Courier console refused this request.');
        return auth.principal?.(request) ?? principalOfUser(request.user) ?? 'authenticated';
      }
    }
  }

  private async runApplicationGuard(context: ExecutionContext): Promise<boolean> {
    if (this.options.auth.kind !== 'guard') return false;
    const { guard } = this.options.auth;
    if (!this.applicationGuard) {
      let found: CanActivate | undefined;
      try {
        found = this.moduleRef.get(guard, { strict: false });
      } catch {
        // Not a provider anywhere: made here, with its dependencies from the application.
      }
      this.applicationGuard = found ?? (await this.moduleRef.create(guard));
    }
    const result = this.applicationGuard.canActivate(context);
    return isObservable(result) ? lastValueFrom(result) : result;
  }
}

function setHeader(response: unknown, name: string, value: string): void {
  const target = response as {
    setHeader?: (n: string, v: string) => void;
    header?: (n: string, v: string) => void;
  };
  if (typeof target.setHeader === 'function') target.setHeader(name, value);
  else target.header?.(name, value);
}
