import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HealthController } from './health.controller';
import { ReadinessState } from './readiness.state';

/** Health endpoints and `/metrics` (the libraries' metrics plus the process defaults). */
@Module({
  imports: [
    TerminusModule,
    PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } }),
  ],
  controllers: [HealthController],
  providers: [ReadinessState],
})
export class OperationsModule {}
