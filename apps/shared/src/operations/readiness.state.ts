import { Injectable, type OnModuleDestroy } from '@nestjs/common';

/**
 * Turns readiness down as soon as shutdown starts: Nest destroys modules before it
 * drains the relay and the consumers and before the HTTP server stops, so a load
 * balancer stops sending traffic while work is still being finished.
 */
@Injectable()
export class ReadinessState implements OnModuleDestroy {
  private shuttingDown = false;

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  onModuleDestroy(): void {
    this.shuttingDown = true;
  }
}
