import { load, loadError } from './testing/config.fixture';
import { ConflictingSettingsError, MissingSettingError } from './errors';

const FILE = '/etc/amqp-exec.json';
const withFile = (settings: object) => ({ [FILE]: JSON.stringify(settings) });

describe('loadConfig worker: exactly one of exec and fastcgi', () => {
  const base = ['--url', 'amqp://h', '--queue', 'q'];

  it('builds a FastCGI worker from host:port, [ipv6]:port or unix:/path, with its script', () => {
    expect(load([...base, '--fastcgi', '127.0.0.1:9000', '--script', '/app/worker.php']).worker).toEqual({
      type: 'fastcgi',
      address: { host: '127.0.0.1', port: 9000 },
      scriptFilename: '/app/worker.php',
    });
    expect(load([...base, '--fastcgi', '[::1]:9000', '--script', 's']).worker).toMatchObject({
      address: { host: '::1', port: 9000 },
    });
    expect(load([...base, '--fastcgi', 'unix:/run/php-fpm.sock', '--script', 's']).worker).toMatchObject({
      address: { path: '/run/php-fpm.sock' },
    });
  });

  it('refuses exec and fastcgi set at the same level', () => {
    const error = loadError([...base, '--exec', 'x', '--fastcgi', '127.0.0.1:9000']);
    expect(error).toBeInstanceOf(ConflictingSettingsError);
    expect(error.message).toBe(
      'conflicting settings: --exec and --fastcgi both choose the worker; set only one',
    );

    const inFile = loadError(
      [...base, '--config', FILE],
      {},
      withFile({ exec: 'x', fastcgi: 'unix:/s', script: 's' }),
    );
    expect(inFile.message).toBe(
      `conflicting settings: "exec" in config file ${FILE} and "fastcgi" in config file ${FILE} both choose the worker; set only one`,
    );
  });

  it('lets a higher level replace the worker kind chosen below it', () => {
    const file = withFile({ exec: './worker.sh', args: ['--from-file'] });
    const config = load(
      [...base, '--config', FILE, '--fastcgi', '127.0.0.1:9000', '--script', '/app/index.php'],
      {},
      file,
    );
    expect(config.worker).toEqual({
      type: 'fastcgi',
      address: { host: '127.0.0.1', port: 9000 },
      scriptFilename: '/app/index.php',
    });

    const back = load([...base, '--exec', './w.sh'], {
      AMQP_EXEC_FASTCGI: 'unix:/s',
      AMQP_EXEC_SCRIPT: 'ignored.php',
    });
    expect(back.worker).toEqual({ type: 'exec', command: './w.sh', args: [] });
  });

  it("refuses the other kind's companion at or above the level that chose the worker", () => {
    expect(loadError([...base, '--exec', 'x', '--script', 'index.php']).message).toBe(
      'invalid --script: it applies only to a FastCGI (--fastcgi) worker, but the worker is chosen by --exec',
    );
    expect(
      loadError([...base, '--arg=-v'], { AMQP_EXEC_FASTCGI: 'unix:/s', AMQP_EXEC_SCRIPT: 's' }).message,
    ).toBe(
      'invalid --arg: it applies only to a command (--exec) worker, but the worker is chosen by AMQP_EXEC_FASTCGI',
    );
  });

  it('requires the script with fastcgi, from any level', () => {
    const error = loadError([...base, '--fastcgi', '127.0.0.1:9000']);
    expect(error).toBeInstanceOf(MissingSettingError);
    expect(error.message).toBe(
      'missing --script (SCRIPT_FILENAME), which a FastCGI worker needs: set --script, AMQP_EXEC_SCRIPT, or "script" in the config file',
    );
    expect(
      load([...base, '--fastcgi', 'unix:/s'], { AMQP_EXEC_SCRIPT: '/app/index.php' }).worker,
    ).toMatchObject({
      scriptFilename: '/app/index.php',
    });
  });
});
