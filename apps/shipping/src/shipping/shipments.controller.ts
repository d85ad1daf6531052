import { Controller, Get, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Shipment } from './shipment.entity';

@Controller('shipments')
export class ShipmentsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Order ids are UUIDs: anything else (a NUL, which PostgreSQL's text refuses) is a 400, not a 500.
  @Get(':orderId')
  async byOrder(@Param('orderId', ParseUUIDPipe) orderId: string): Promise<Shipment> {
    const shipment = await this.dataSource.getRepository(Shipment).findOneBy({ orderId });
    if (!shipment) throw new NotFoundException(`No shipment for order ${orderId}`);
    return shipment;
  }
}
