import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { catchError, throwError, type Observable } from 'rxjs';
import { CourierContext } from './courier.context';
import { CourierRequestContext } from './courier-request.context';
import { captureFailure, markIntercepted } from './failure-capture';

/**
 * Registered globally by `CourierMicroservicesModule` (APP_INTERCEPTOR): around a handler
 * that `CourierServer` runs, it notes the error the pipes or the handler threw, before
 * Nest's exception filter turns it into a generic one, and passes it on unchanged.
 * Anywhere else (HTTP, other transports) it does nothing.
 */
@Injectable()
export class CourierErrorInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rpc = context.switchToRpc().getContext<unknown>();
    if (!(rpc instanceof CourierContext || rpc instanceof CourierRequestContext)) return next.handle();
    markIntercepted(rpc);
    return next.handle().pipe(
      catchError((error: unknown) => {
        captureFailure(rpc, error);
        return throwError(() => error);
      }),
    );
  }
}
