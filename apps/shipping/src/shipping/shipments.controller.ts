import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Shipment } from './shipment.entity';

@Controller('shipments')
export class ShipmentsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get(':orderId')
  async byOrder(@Param('orderId') orderId: string): Promise<Shipment> {
    const shipment = await this.dataSource.getRepository(Shipment).findOneBy({ orderId });
    if (!shipment) throw new NotFoundException(`No shipment for order ${orderId}`);
    return shipment;
  }
}
