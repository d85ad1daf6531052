import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { courierModules } from '../../shared/src/courier-modules';
import { OperationsModule } from '../../shared/src/operations/operations.module';
import { environmentValidator } from '../../shared/src/sample-environment';
import { sampleLoggerModule } from '../../shared/src/sample-logging';
import { Order } from './orders/order.entity';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { ShipmentEventsHandler } from './orders/shipment-events.handler';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      validate: environmentValidator({
        PORT: 3000,
        SERVICE_NAME: 'orders',
        COURIER_SCHEMA: 'courier_orders',
      }),
    }),
    sampleLoggerModule(),
    ...courierModules([Order]),
    OperationsModule,
  ],
  controllers: [OrdersController],
  providers: [OrdersService, ShipmentEventsHandler],
})
export class OrdersAppModule {}
