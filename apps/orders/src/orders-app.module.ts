import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { courierModules } from '../../shared/src/courier-modules';
import { OperationsModule } from '../../shared/src/operations/operations.module';
import { sampleConsoleModule } from '../../shared/src/sample-console';
import { sampleLoggerModule } from '../../shared/src/sample-logging';
import { validateOrdersEnvironment } from './orders.environment';
import { Order } from './orders/order.entity';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { ShipmentEventsHandler } from './orders/shipment-events.handler';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      validate: validateOrdersEnvironment,
    }),
    sampleLoggerModule(),
    ...courierModules([Order]),
    OperationsModule,
    sampleConsoleModule(),
  ],
  controllers: [OrdersController],
  providers: [OrdersService, ShipmentEventsHandler],
})
export class OrdersAppModule {}
