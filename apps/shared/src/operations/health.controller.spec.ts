import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckService } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ReadinessState } from './readiness.state';

describe('HealthController', () => {
  const checked: unknown[] = [];
  const health = {
    check: (indicators: unknown[]) => (checked.push(indicators), { status: 'ok' }),
  } as unknown as HealthCheckService;
  const unused = {} as never;

  it('is ready while running, and not ready once shutdown has started', () => {
    const readiness = new ReadinessState();
    const controller = new HealthController(health, unused, unused, unused, unused, readiness);
    expect(controller.ready()).toEqual({ status: 'ok' });
    expect(checked).toHaveLength(1);

    readiness.onModuleDestroy();
    expect(() => controller.ready()).toThrow(ServiceUnavailableException);
    expect(checked).toHaveLength(1); // no dependency is asked once shutting down
    expect(controller.live()).toEqual({ status: 'ok' });
  });
});
