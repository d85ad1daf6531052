import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'sample_stock_reservations' })
export class StockReservation {
  @PrimaryColumn()
  orderId!: string;

  @PrimaryColumn()
  sku!: string;

  @Column({ type: 'int' })
  quantity!: number;
}
