import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'sample_shipments' })
export class Shipment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** One shipment per order: a second delivery of the event cannot create another. */
  @Column({ unique: true })
  orderId!: string;

  @Column({ type: 'timestamptz' })
  pickupAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
