import { ConsoleLogger, Injectable, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  InboxConfigurationError,
  InboxHandler,
  InboxModule,
  inboxSchemaSql,
  type InboxModuleOptions,
} from '@courier-nest/inbox';
import { InboxRegistry } from '@courier-nest/inbox/inbox.registry';
import { dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';

class RecordingLogger extends ConsoleLogger {
  readonly lines: string[] = [];
  protected override printMessages(messages: unknown[], context = '', level = 'log'): void {
    this.lines.push(`${level} [${context}] ${messages.map(String).join(' ')}`);
  }
}

@Injectable()
class FirstHandlers {
  @InboxHandler('order_events', 'notify')
  first() {}
}

@Injectable()
class SecondHandlers {
  @InboxHandler('order_events', 'notify')
  second() {}
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedHandlers {
  @InboxHandler('order_events', 'per_request')
  handle() {}
}

describe('Inbox bootstrap: handler discovery and option checks', () => {
  const schema = uniqueName('inbox_bootstrap');

  const boot = async (inbox: InboxModuleOptions, providers: unknown[], logger = new RecordingLogger()) => {
    const app = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: DATABASE_URL }),
        InboxModule.forRoot({ schema, migrationsRun: true, dispatcher: { enabled: false }, ...inbox }),
      ],
      providers: providers as never[],
    })
      .setLogger(logger)
      .compile();
    try {
      await app.init();
    } catch (error) {
      await app.close(); // a failed bootstrap must not leave the pool open
      throw error;
    }
    return { app, logger };
  };

  afterAll(async () => {
    const db = await openDatabase();
    await dropSchema(db, schema);
    await db.end();
  });

  it('fails bootstrap on a second handler with the same key, naming both', async () => {
    const error = await boot({}, [FirstHandlers, SecondHandlers]).catch((e) => e);
    expect(error).toBeInstanceOf(InboxConfigurationError);
    expect(error.message).toMatch(
      /SecondHandlers.second and FirstHandlers.first both handle "order_events" as "notify"/,
    );
    expect(error.message).toMatch(/duplicateHandlers: 'first-wins'/);
  });

  it("keeps the first and warns with duplicateHandlers: 'first-wins' (the seed's behaviour)", async () => {
    const { app, logger } = await boot({ duplicateHandlers: 'first-wins' }, [FirstHandlers, SecondHandlers]);
    expect(app.get(InboxRegistry).get('order_events', 'notify')?.source).toBe('FirstHandlers.first');
    expect(logger.lines.join('\n')).toMatch(/FirstHandlers.first wins/);
    await app.close();
  });

  it('ignores a request-scoped handler with a warning', async () => {
    const { app, logger } = await boot({}, [FirstHandlers, RequestScopedHandlers]);
    expect(app.get(InboxRegistry).handlerKeys('order_events')).toEqual(['notify']);
    expect(logger.lines.join('\n')).toMatch(
      /RequestScopedHandlers.handle is on a request-scoped provider and is ignored/,
    );
    await app.close();
  });

  it.each([
    [
      'a retention window shorter than the retry horizon',
      { retention: { windowDays: 0.001 } },
      /retention.windowDays.*must exceed the retry horizon/,
    ],
    ['a malicious schema', { schema: 'inbox; drop table x' }, /Option "schema" must be a SQL identifier/],
    ['zero max attempts', { maxAttempts: 0 }, /Option "maxAttempts" must be an integer from 1/],
    ['an unknown duplicate policy', { duplicateHandlers: 'last-wins' as never }, /"error" or "first-wins"/],
  ])('refuses %s before connecting', (_case, options, message) => {
    expect(() => InboxModule.forRoot(options)).toThrow(message);
  });
});

describe('Inbox schema', () => {
  const schema = uniqueName('inbox_schema_upgrade');

  it('drops the foreign key an earlier version created on the handler rows, and keeps the rows', async () => {
    const db = await openDatabase();
    try {
      // The tables as the earlier DDL left them: handler rows cascading from their message.
      for (const statement of inboxSchemaSql(schema)) await db.query(statement);
      await db.query(`ALTER TABLE "${schema}".inbox_handler_states
        ADD CONSTRAINT inbox_handler_states_message_id_fkey FOREIGN KEY (message_id)
        REFERENCES "${schema}".inbox_messages (id) ON DELETE CASCADE`);
      await db.query(
        `INSERT INTO "${schema}".inbox_messages (id, event_type, payload) VALUES ('m1', 'order_events', '{}')`,
      );
      await db.query(
        `INSERT INTO "${schema}".inbox_handler_states (message_id, handler_key, event_type, max_attempts)
         VALUES ('m1', 'h', 'order_events', 5)`,
      );
      const foreignKeys = async () =>
        (
          await db.query(
            `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'`,
            [`"${schema}".inbox_handler_states`],
          )
        ).rows.map((r) => r.conname);
      expect(await foreignKeys()).toEqual(['inbox_handler_states_message_id_fkey']);

      for (const statement of inboxSchemaSql(schema)) await db.query(statement);
      expect(await foreignKeys()).toEqual([]);
      expect(
        (await db.query(`SELECT message_id, handler_key FROM "${schema}".inbox_handler_states`)).rows,
      ).toEqual([{ message_id: 'm1', handler_key: 'h' }]);
      for (const statement of inboxSchemaSql(schema)) await db.query(statement); // idempotent
    } finally {
      await dropSchema(db, schema);
      await db.end();
    }
  });
});
