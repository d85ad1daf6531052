import { Injectable } from '@nestjs/common';
import type { InboxHandlerFn, InboxHandlerOptions } from './interfaces/inbox-handler.interface';

export interface RegisteredHandler {
  eventType: string;
  handlerKey: string;
  options: InboxHandlerOptions;
  handle: InboxHandlerFn;
  /** `ClassName.method`, for logs and errors. */
  source: string;
}

/** What a registration changed: the handler, and whether its event type is new. */
export interface HandlerAdded {
  handler: RegisteredHandler;
  newEventType: boolean;
}

/**
 * Which handlers exist for which event types: filled by the explorer at bootstrap, and at
 * run time through `InboxService.registerHandler` (e.g. by a microservice strategy's
 * `listen()`, which runs after bootstrap). Listeners hear of every handler added, so the
 * dispatcher claims its work and a transport subscribes to a new event type.
 */
@Injectable()
export class InboxRegistry {
  private readonly byEventType = new Map<string, Map<string, RegisteredHandler>>();
  /** `handlersOf` per event type; emptied by every registration. */
  private readonly handlerLists = new Map<string, readonly RegisteredHandler[]>();
  private readonly listeners: Array<(added: HandlerAdded) => void> = [];

  /** Adds a handler; returns the one already registered under its key, if any (then nothing changes). */
  register(handler: RegisteredHandler): RegisteredHandler | undefined {
    let handlers = this.byEventType.get(handler.eventType);
    const newEventType = !handlers;
    if (!handlers) this.byEventType.set(handler.eventType, (handlers = new Map()));
    const existing = handlers.get(handler.handlerKey);
    if (existing) return existing;
    handlers.set(handler.handlerKey, handler);
    this.handlerLists.clear();
    for (const listener of this.listeners) listener({ handler, newEventType });
    return undefined;
  }

  /** Calls `listener` after each handler added from now on (not for those already there). */
  onHandlerAdded(listener: (added: HandlerAdded) => void): void {
    this.listeners.push(listener);
  }

  eventTypes(): string[] {
    return [...this.byEventType.keys()];
  }

  handlerKeys(eventType: string): string[] {
    return this.handlersOf(eventType).map((handler) => handler.handlerKey);
  }

  /**
   * The handlers of an event type, in registration order: the same array until a handler
   * is registered, so callers may cache what they derive from it by its identity.
   */
  handlersOf(eventType: string): readonly RegisteredHandler[] {
    let list = this.handlerLists.get(eventType);
    if (!list)
      this.handlerLists.set(eventType, (list = [...(this.byEventType.get(eventType)?.values() ?? [])]));
    return list;
  }

  get(eventType: string, handlerKey: string): RegisteredHandler | undefined {
    return this.byEventType.get(eventType)?.get(handlerKey);
  }

  /** Every (eventType, handlerKey), e.g. for metric labels. */
  all(): RegisteredHandler[] {
    return [...this.byEventType.values()].flatMap((handlers) => [...handlers.values()]);
  }
}
