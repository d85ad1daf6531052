import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { courierModules } from '../../shared/src/courier-modules';
import { OperationsModule } from '../../shared/src/operations/operations.module';
import { environmentValidator } from '../../shared/src/sample-environment';
import { sampleLoggerModule } from '../../shared/src/sample-logging';
import { OrderEventsHandlers } from './shipping/order-events.handlers';
import { Shipment } from './shipping/shipment.entity';
import { ShipmentsController } from './shipping/shipments.controller';
import { StockReservation } from './shipping/stock-reservation.entity';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      validate: environmentValidator({
        PORT: 3001,
        SERVICE_NAME: 'shipping',
        COURIER_SCHEMA: 'courier_shipping',
      }),
    }),
    sampleLoggerModule(),
    ...courierModules([Shipment, StockReservation]),
    OperationsModule,
  ],
  controllers: [ShipmentsController],
  providers: [OrderEventsHandlers],
})
export class ShippingAppModule {}
