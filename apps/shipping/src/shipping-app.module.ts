import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { courierModules } from '../../shared/src/courier-modules';
import { OperationsModule } from '../../shared/src/operations/operations.module';
import { sampleConsoleModule } from '../../shared/src/sample-console';
import { sampleLoggerModule } from '../../shared/src/sample-logging';
import { validateShippingEnvironment } from './shipping.environment';
import { OrderEventsHandlers } from './shipping/order-events.handlers';
import { Shipment } from './shipping/shipment.entity';
import { ShipmentsController } from './shipping/shipments.controller';
import { StockReservation } from './shipping/stock-reservation.entity';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      validate: validateShippingEnvironment,
    }),
    sampleLoggerModule(),
    ...courierModules([Shipment, StockReservation]),
    OperationsModule,
    sampleConsoleModule(),
  ],
  controllers: [ShipmentsController],
  providers: [OrderEventsHandlers],
})
export class ShippingAppModule {}
