import { BackoffPolicy } from '@courier-nest/core';
import { NonRetryableError } from '../errors/non-retryable.error';
import { MessageDecodeError } from '../errors/message-decode.error';
import { Outcome } from '../interfaces/processor.interface';
import { describe as describeError, SettlementPolicy } from './settlement.policy';

const backoff = new BackoffPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0 });
const policy = (strategy: 'requeue' | 'dead-letter' | 'ack' | 'exit') =>
  new SettlementPolicy(strategy, 3, backoff);

describe('SettlementPolicy', () => {
  it('acks when the processor returns nothing or ack', () => {
    expect(policy('requeue').fromOutcome(undefined, 1)).toEqual({ kind: 'ack' });
    expect(policy('requeue').fromOutcome(Outcome.ack(), 1)).toEqual({ kind: 'ack' });
  });

  it('dead-letters a reject at once, whatever the attempt', () => {
    expect(policy('requeue').fromOutcome(Outcome.reject('bad order'), 1)).toEqual({
      kind: 'dead_letter',
      reason: 'rejected: bad order',
    });
  });

  it('retries a requeue with the backoff delay, or the one asked for, until maxAttempts', () => {
    expect(policy('ack').fromOutcome(Outcome.requeue('later'), 1)).toEqual({
      kind: 'retry',
      reason: 'later',
      delayMs: 100,
    });
    expect(policy('ack').fromOutcome(Outcome.requeue('later'), 2)).toEqual({
      kind: 'retry',
      reason: 'later',
      delayMs: 200,
    });
    expect(policy('ack').fromOutcome(Outcome.requeue(undefined, 5), 1)).toEqual({
      kind: 'retry',
      reason: 'requeued by the processor',
      delayMs: 5,
    });
    expect(policy('ack').fromOutcome(Outcome.requeue('later'), 3)).toEqual({
      kind: 'dead_letter',
      reason: 'gave up after 3 attempts: later',
    });
  });

  it('acks whatever else a processor returns (a saved entity, a number): only outcomes settle otherwise', () => {
    for (const value of [{ id: 1 }, 42, 'done', { kind: 'weird' }, null]) {
      expect(policy('requeue').fromOutcome(value as never, 1)).toEqual({ kind: 'ack' });
    }
  });

  it('uses the backoff delay when a processor asks for a delay that is not a sane number', () => {
    for (const delayMs of [NaN, Infinity, -5, 8 * 24 * 3_600_000]) {
      expect(policy('requeue').fromOutcome(Outcome.requeue('later', delayMs), 1)).toEqual({
        kind: 'retry',
        reason: 'later',
        delayMs: 100,
      });
      expect(policy('requeue').fromOutcome(Outcome.release('down', delayMs), 2)).toMatchObject({
        delayMs: 200,
      });
    }
  });

  it('releases without counting an attempt', () => {
    expect(policy('requeue').fromOutcome(Outcome.release('db down', 500), 3)).toEqual({
      kind: 'released',
      reason: 'db down',
      delayMs: 500,
    });
  });

  it('applies each failure strategy to a thrown error', () => {
    const error = new Error('boom');
    expect(policy('requeue').fromError(error, 1)).toEqual({
      kind: 'retry',
      reason: 'Error: boom',
      delayMs: 100,
    });
    expect(policy('requeue').fromError(error, 3)).toEqual({
      kind: 'dead_letter',
      reason: 'gave up after 3 attempts: Error: boom',
    });
    expect(policy('dead-letter').fromError(error, 1)).toEqual({ kind: 'dead_letter', reason: 'Error: boom' });
    expect(policy('ack').fromError(error, 1)).toEqual({ kind: 'dropped', reason: 'Error: boom' });
    expect(policy('exit').fromError(error, 1)).toEqual({ kind: 'exit', reason: 'Error: boom', error });
  });

  it('dead-letters a NonRetryableError at once under every strategy, including exit', () => {
    for (const strategy of ['requeue', 'dead-letter', 'ack', 'exit'] as const) {
      expect(policy(strategy).fromError(new NonRetryableError('never valid'), 1)).toEqual({
        kind: 'dead_letter',
        reason: 'NonRetryableError: never valid',
      });
    }
    expect(policy('requeue').fromError(new MessageDecodeError('m-1', new Error('bad')), 1).kind).toBe(
      'dead_letter',
    );
  });

  it('describes an error on one bounded line', () => {
    expect(describeError(new Error('two\nlines'))).toBe('Error: two lines');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(new Error('x'.repeat(600)))).toHaveLength(500);
  });
});
