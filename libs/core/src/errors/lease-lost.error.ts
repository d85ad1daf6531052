import { CourierError } from './courier.error';
import { CoreMessages } from '../core.messages';

/**
 * The reason a handler's `AbortSignal` aborts when this process no longer holds the
 * lease on the work it runs: another process has taken it, or the database could not
 * be reached to renew it. The run's transactional effects will not commit (settling is
 * fenced by the lease); stop side effects outside the transaction too, since another
 * process runs the work again.
 */
export class LeaseLostError extends CourierError {
  readonly code = 'COURIER_LEASE_LOST';

  /** @param reason why the lease is gone: `taken` by another process, or `unreachable` database */
  constructor(readonly reason: 'taken' | 'unreachable') {
    super(CoreMessages.leaseLost(reason));
  }
}
