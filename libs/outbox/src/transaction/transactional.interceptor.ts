import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { OutboxTransactions } from './outbox-transactions.service';

/** Runs the route handler inside `OutboxTransactions.run`; see `@Transactional()`. */
@Injectable()
export class TransactionalInterceptor implements NestInterceptor {
  constructor(private readonly transactions: OutboxTransactions) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return from(this.transactions.run(() => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
