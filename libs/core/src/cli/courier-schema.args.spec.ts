import { parseCourierSchemaArgs } from './courier-schema.args';

describe('parseCourierSchemaArgs', () => {
  it('reads sql with defaults: every component, from version 0', () => {
    expect(parseCourierSchemaArgs(['sql', '--schema', 'orders_courier'])).toEqual({
      command: 'sql',
      schema: 'orders_courier',
      components: ['outbox', 'inbox'],
      fromVersion: 0,
    });
  });

  it('reads flags as "--flag value" or "--flag=value"', () => {
    expect(parseCourierSchemaArgs(['sql', '--schema=x', '--component', 'inbox', '--from-version=2'])).toEqual(
      {
        command: 'sql',
        schema: 'x',
        components: ['inbox'],
        fromVersion: 2,
      },
    );
    expect(parseCourierSchemaArgs(['typeorm', '--schema', 'x', '--out', 'src/migrations'])).toEqual({
      command: 'typeorm',
      schema: 'x',
      components: ['outbox', 'inbox'],
      out: 'src/migrations',
    });
  });

  it.each([[[]], [['--help']], [['sql', '-h']], [['help']]])('gives help for %j', (argv) => {
    expect(parseCourierSchemaArgs(argv)).toEqual({ command: 'help' });
  });

  it.each([
    [['apply', '--schema', 'x'], /Unknown command "apply": use "sql" or "typeorm"/],
    [['sql'], /"sql" needs --schema <name>/],
    [['sql', '--schema', 'Orders'], /Option "--schema" must be a SQL identifier/],
    [['sql', '--schema', 'x; drop table y'], /Option "--schema" must be a SQL identifier/],
    [
      ['sql', '--schema', 'x', '--out', 'dir'],
      /Unknown flag --out for "sql": it takes --schema, --component, --from-version/,
    ],
    [['typeorm', '--schema', 'x', '--from-version', '1'], /Unknown flag --from-version for "typeorm"/],
    [['sql', '--schema', 'x', 'extra'], /Unexpected argument "extra"/],
    [['sql', '--schema'], /--schema needs a value/],
    [['sql', '--schema', '--component', 'inbox'], /--schema needs a value/],
    [['sql', '--schema', 'x', '--schema', 'y'], /--schema is given twice/],
    [['sql', '--schema', 'x', '--component', 'relay'], /--component must be outbox or inbox; got "relay"/],
    [['sql', '--schema', 'x', '--from-version', '-1'], /--from-version must be a schema version/],
    [['sql', '--schema', 'x', '--from-version', '1.5'], /--from-version must be a schema version/],
    [['typeorm', '--schema', 'x'], /"typeorm" needs --out <folder>/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCourierSchemaArgs(argv)).toThrow(message);
  });
});
