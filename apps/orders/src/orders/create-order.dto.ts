import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class OrderLineDto {
  @Matches(/^[A-Z0-9-]{1,32}$/, { message: 'sku must be 1-32 upper-case letters, digits or "-"' })
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(1_000)
  quantity!: number;
}

// PostgreSQL's text cannot hold U+0000: refused here as a 400 naming the field, not a 500 at the INSERT.
const WITHOUT_NUL = /^[^\u0000]*$/;

export class CreateOrderDto {
  @IsString()
  @Length(1, 100)
  @Matches(WITHOUT_NUL, { message: 'customerId must not contain a NUL character (U+0000)' })
  customerId!: string;

  @IsArray()
  @ArrayUnique((line: OrderLineDto) => line.sku, {
    message: 'lines must not repeat a sku (add up the quantities)',
  })
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  lines!: OrderLineDto[];
}
