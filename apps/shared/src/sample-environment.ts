import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, validateSync } from 'class-validator';

const DATABASE_URL = /^postgres(ql)?:\/\/[^\s]+$/;
const AMQP_URL = /^amqps?:\/\/[^\s]+$/;
const NAME = /^[a-z][a-z0-9_-]{0,40}$/;
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
// Printable ASCII without spaces: it travels in an Authorization header.
const CONSOLE_TOKEN = /^[\x21-\x7e]{16,200}$/;

export type SampleTransport = 'rabbitmq' | 'postgres';

/**
 * The settings both sample services read from the environment, validated once at
 * startup (@nestjs/config's `validate`): a bad value stops the service with a line
 * naming the variable.
 */
export class SampleEnvironment {
  @Matches(DATABASE_URL, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

  @Matches(AMQP_URL, { message: 'AMQP_URL must be an amqp:// or amqps:// URL' })
  AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

  /** Which transport carries the messages: RabbitMQ, or queues in PostgreSQL (no broker). */
  @IsIn(['rabbitmq', 'postgres'], { message: 'COURIER_TRANSPORT must be "rabbitmq" or "postgres"' })
  COURIER_TRANSPORT: SampleTransport = 'rabbitmq';

  /** The PostgreSQL transport's database; DATABASE_URL's when unset. */
  @IsOptional()
  @Matches(DATABASE_URL, { message: 'BUS_DATABASE_URL must be a postgres:// URL' })
  BUS_DATABASE_URL?: string;

  /** The PostgreSQL transport's schema: every service of one system shares it. */
  @Matches(SCHEMA, {
    message: 'COURIER_BUS_SCHEMA must be a lower-case SQL identifier (letters, digits, "_")',
  })
  COURIER_BUS_SCHEMA = 'courier_bus';

  @IsInt({ message: 'PORT must be an integer' })
  @Min(1, { message: 'PORT must be from 1 to 65535' })
  @Max(65_535, { message: 'PORT must be from 1 to 65535' })
  PORT!: number;

  @Matches(NAME, {
    message: 'SERVICE_NAME must be lower-case letters, digits, "_" or "-", starting with a letter',
  })
  SERVICE_NAME!: string;

  @Matches(SCHEMA, { message: 'COURIER_SCHEMA must be a lower-case SQL identifier (letters, digits, "_")' })
  COURIER_SCHEMA!: string;

  // No default: a token written in the code would open every deployed copy of the sample.
  // `npm run demo` and docker-compose.yml set a development one.
  @Matches(CONSOLE_TOKEN, {
    message:
      'COURIER_CONSOLE_TOKEN must be set to 16-200 printable characters without spaces: the token the ' +
      'operations console at /courier asks for (npm run demo and docker compose set a development one)',
  })
  COURIER_CONSOLE_TOKEN!: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace',
  })
  LOG_LEVEL = 'info';

  @IsOptional()
  @IsIn(['pretty', 'json'], { message: 'LOG_FORMAT must be "pretty" or "json"' })
  LOG_FORMAT?: 'pretty' | 'json';
}

/** For `ConfigModule.forRoot({ validate })`: the defaults of one service, then the environment. */
export function environmentValidator(defaults: Partial<SampleEnvironment>) {
  return (raw: Record<string, unknown>): SampleEnvironment => {
    const given = Object.fromEntries(
      Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
    );
    const environment = plainToInstance(
      SampleEnvironment,
      { ...defaults, ...given },
      { enableImplicitConversion: true },
    );
    const errors = validateSync(environment, { skipMissingProperties: false });
    if (errors.length > 0) {
      // One problem per variable: the last constraint reported is its top decorator, the
      // most basic check (an integer at all, before its range).
      const problems = errors.map((error) => Object.values(error.constraints ?? {}).at(-1));
      throw new Error(`Invalid configuration: ${problems.join('; ')}.`);
    }
    return environment;
  };
}
