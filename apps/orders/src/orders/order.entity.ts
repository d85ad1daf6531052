import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type OrderStatus = 'created' | 'cancelled' | 'shipped';

export interface OrderLine {
  sku: string;
  quantity: number;
}

@Entity({ name: 'sample_orders' })
export class Order {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  customerId!: string;

  @Column({ type: 'jsonb' })
  lines!: OrderLine[];

  @Column({ type: 'text', default: 'created' })
  status!: OrderStatus;

  /** Set when shipping announces the shipment. */
  @Column({ type: 'text', nullable: true })
  shipmentId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
