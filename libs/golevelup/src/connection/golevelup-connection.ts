import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { InjectionToken } from '@nestjs/common';
import { GolevelupConfigurationError } from '../errors/golevelup-configuration.error';
import { GOLEVELUP_PACKAGE, RESOLVED_GOLEVELUP_OPTIONS } from '../golevelup.constants';
import type { ResolvedGolevelupOptions } from '../golevelup-options.resolver';
import type { GolevelupAmqpConnection, ManagedAmqpConnection } from './golevelup.types';

/**
 * golevelup's connection, found and checked at bootstrap. Looked up through `ModuleRef`
 * (not injected) because golevelup's `RabbitMQModule` is not global: its `AmqpConnection`
 * is visible to the app's module only, and it is ready (connected, unless
 * `connectionInitOptions.wait` is false) once every module is instantiated.
 */
@Injectable()
export class GolevelupConnection implements OnModuleInit {
  private managedConnection?: ManagedAmqpConnection;

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(RESOLVED_GOLEVELUP_OPTIONS) private readonly options: ResolvedGolevelupOptions,
  ) {}

  onModuleInit(): void {
    this.managedConnection = checkedManagedConnection(this.find());
  }

  /** amqp-connection-manager's connection (checked at bootstrap). */
  get managed(): ManagedAmqpConnection {
    if (!this.managedConnection)
      throw new GolevelupConfigurationError('golevelup connection used before bootstrap');
    return this.managedConnection;
  }

  private find(): unknown {
    const token = this.options.connection ?? golevelupConnectionClass();
    try {
      return this.moduleRef.get(token, { strict: false });
    } catch {
      throw new GolevelupConfigurationError(
        `CourierGolevelupModule found no golevelup connection (${describe(token)}). Import ` +
          `RabbitMQModule.forRoot({ uri, ... }) from ${GOLEVELUP_PACKAGE} in your app, or pass the ` +
          `token of your AmqpConnection as option "connection".`,
      );
    }
  }
}

/** golevelup's `AmqpConnection` class: the token its `RabbitMQModule` registers the connection under. */
function golevelupConnectionClass(): InjectionToken {
  let lib: { AmqpConnection?: InjectionToken };
  try {
    // Loaded at run time only: this repository compiles without golevelup (see golevelup.types.ts).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    lib = require(GOLEVELUP_PACKAGE) as { AmqpConnection?: InjectionToken };
  } catch (error) {
    throw new GolevelupConfigurationError(
      `CourierGolevelupModule needs ${GOLEVELUP_PACKAGE} 9 installed in the app (npm install ${GOLEVELUP_PACKAGE}@^9).`,
      { cause: error },
    );
  }
  if (!lib.AmqpConnection) {
    throw new GolevelupConfigurationError(
      `${GOLEVELUP_PACKAGE} exports no AmqpConnection; Courier supports golevelup 9.`,
    );
  }
  return lib.AmqpConnection;
}

/**
 * Refuses, at bootstrap, a connection the publisher cannot keep Courier's promise on:
 * it needs amqp-connection-manager's current amqplib connection to open a confirm
 * channel of its own (see docs/golevelup.md, "Why not golevelup's publish").
 */
export function checkedManagedConnection(candidate: unknown): ManagedAmqpConnection {
  const connection = candidate as Partial<GolevelupAmqpConnection> | null | undefined;
  if (!connection || typeof connection !== 'object') {
    throw new GolevelupConfigurationError(
      'The golevelup connection is undefined: RabbitMQModule.forRoot was given no config (golevelup then skips ' +
        'connecting). Give it a uri.',
    );
  }
  const managed = connection.managedConnection;
  if (!managed) {
    throw new GolevelupConfigurationError(
      "golevelup's AmqpConnection has no managed connection (RabbitMQModule.forRoot was given no config, or " +
        'it is not initialised). Courier needs golevelup 9 with a uri.',
    );
  }
  if (
    typeof managed.isConnected !== 'function' ||
    typeof managed.on !== 'function' ||
    !('connection' in managed)
  ) {
    throw new GolevelupConfigurationError(
      "golevelup's managed connection does not expose amqp-connection-manager 4/5's `connection`, " +
        '`isConnected()` and events; Courier supports @golevelup/nestjs-rabbitmq 9.',
    );
  }
  return managed;
}

function describe(token: InjectionToken): string {
  return typeof token === 'function' ? token.name : String(token);
}
