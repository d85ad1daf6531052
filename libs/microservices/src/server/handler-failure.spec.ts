import {
  BadRequestException,
  NotFoundException,
  RequestTimeoutException,
  ServiceUnavailableException,
  HttpException,
  HttpStatus,
} from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { InboxNonRetryableError } from '@courier-nest/inbox';
import { toInboxFailure } from './handler-failure';

const deadAtOnce = (error: Error) => error instanceof InboxNonRetryableError;

describe('toInboxFailure', () => {
  it("makes ValidationPipe's BadRequestException non-retryable, with the pipe's messages as the text", () => {
    const failure = toInboxFailure(
      new BadRequestException(['sku must be a string', 'quantity must be a positive number']),
    );
    expect(deadAtOnce(failure)).toBe(true);
    expect(failure.message).toBe(
      'BadRequestException: sku must be a string; quantity must be a positive number',
    );
    expect(failure.cause).toBeInstanceOf(BadRequestException);
  });

  it('makes any other 4xx HttpException non-retryable, but retries 408 and 429', () => {
    expect(deadAtOnce(toInboxFailure(new NotFoundException('no such order')))).toBe(true);
    expect(deadAtOnce(toInboxFailure(new RequestTimeoutException()))).toBe(false);
    expect(deadAtOnce(toInboxFailure(new HttpException('slow down', HttpStatus.TOO_MANY_REQUESTS)))).toBe(
      false,
    );
  });

  it('retries a 5xx HttpException and a plain Error, keeping the error itself', () => {
    const unavailable = new ServiceUnavailableException('stock service down');
    expect(toInboxFailure(unavailable)).toBe(unavailable);
    const plain = new Error('connection reset');
    expect(toInboxFailure(plain)).toBe(plain);
  });

  it('keeps an InboxNonRetryableError as it is', () => {
    const error = new InboxNonRetryableError('order was cancelled');
    expect(toInboxFailure(error)).toBe(error);
  });

  it('makes an RpcException with a 4xx error object non-retryable, and retries one with a string', () => {
    const rejected = toInboxFailure(new RpcException({ statusCode: 422, message: 'quantity too large' }));
    expect(deadAtOnce(rejected)).toBe(true);
    expect(rejected.message).toBe('RpcException: quantity too large');

    const retried = toInboxFailure(new RpcException('try again'));
    expect(deadAtOnce(retried)).toBe(false);
    expect(retried.message).toBe('try again');
  });

  it("reads what an exception filter emitted: a 4xx object is non-retryable, Nest's default error is retried", () => {
    expect(deadAtOnce(toInboxFailure({ status: 400, message: ['name is empty'] }))).toBe(true);
    const unknown = toInboxFailure({ status: 'error', message: 'Internal server error' });
    expect(deadAtOnce(unknown)).toBe(false);
    expect(`${unknown.name}: ${unknown.message}`).toBe('RpcError: Internal server error');
    expect(toInboxFailure('boom').message).toBe('boom');
  });
});
