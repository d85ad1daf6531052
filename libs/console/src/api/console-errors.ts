import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';

/** Errors Courier's services throw for a request's own input: a 400 with their message. */
const INPUT_ERRORS = new Set([
  'InvalidCursorError',
  'InvalidMessageError',
  'DeadLetterWindowError',
  'DeadLetterSelectionError',
]);
/** Errors that name something the service does not have: a 404. */
const MISSING_ERRORS = new Set(['UnknownConsumerQueueError']);
/** The broker refused part of an action (a requeue's queue is gone): what was done is in the message. */
const REFUSED_ERRORS = new Set(['DeadLetterRequeueError']);

/** Runs a service call, turning the errors its input caused into 4xx answers. */
export async function answering<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = (error as Error)?.name;
    if (INPUT_ERRORS.has(name)) throw new BadRequestException((error as Error).message);
    if (MISSING_ERRORS.has(name)) throw new NotFoundException((error as Error).message);
    if (REFUSED_ERRORS.has(name)) throw new ConflictException((error as Error).message);
    throw error;
  }
}

export function absent(component: 'outbox' | 'inbox' | 'consumer'): NotFoundException {
  const module = {
    outbox: 'OutboxModule',
    inbox: 'InboxModule',
    consumer: 'ConsumerModule with a transport',
  }[component];
  return new NotFoundException(`This service has no ${component}: ${module} is not imported.`);
}
