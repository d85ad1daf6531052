import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getToken, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register, type Gauge } from 'prom-client';
import { makeStoreGaugeProvider } from './store-gauge.provider';

class Figures {
  constructor(readonly backlog: number) {}
}

describe('makeStoreGaugeProvider', () => {
  afterEach(() => register.clear());

  async function scrape(name: string, imports: DynamicModule[] = []) {
    @Module({
      imports,
      providers: [
        { provide: Figures, useValue: new Figures(7) },
        makeStoreGaugeProvider({ name, help: 'test' }, Figures, async (gauge, figures: Figures) =>
          gauge.set(figures.backlog),
        ),
      ],
    })
    class GaugeModule {}
    const app = await NestFactory.createApplicationContext(GaugeModule, { logger: false });
    try {
      return { gauge: app.get<Gauge<string>>(getToken(name)), text: await register.metrics() };
    } finally {
      await app.close();
    }
  }

  it('sets the gauge from the injected source at each scrape', async () => {
    const { gauge, text } = await scrape('store_gauge_backlog');
    expect(text).toContain('store_gauge_backlog 7');
    expect((await gauge.get()).values).toEqual([{ value: 7, labels: {} }]);
  });

  it('keeps the prefix the application gave PrometheusModule', async () => {
    const prometheus = PrometheusModule.register({
      customMetricPrefix: 'app',
      defaultMetrics: { enabled: false },
    });
    const { text } = await scrape('store_gauge_prefixed', [prometheus]);
    expect(text).toContain('app_store_gauge_prefixed 7');
  });
});
