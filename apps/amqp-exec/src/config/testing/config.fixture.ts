import { loadConfig, type LoadConfigInput } from '../amqp-exec-config.loader';
import type { AmqpExecConfig } from '../amqp-exec-config.interface';
import type { ReadFile } from '../config-file.reader';
import { ConfigError } from '../errors/config.error';

/** The settings every run needs, as flags: tests add what they are about. */
export const REQUIRED_FLAGS = [
  '--url',
  'amqp://guest:guest@localhost:5672/',
  '--queue',
  'jobs',
  '--exec',
  './worker.sh',
];

/** A file system holding only `files`; any other path fails as a missing file would. */
export function fakeFiles(files: Record<string, string>): ReadFile {
  return (path) => {
    if (Object.hasOwn(files, path)) return files[path];
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
  };
}

/** Loads a config that must come out as `run`. */
export function load(
  argv: readonly string[],
  env: LoadConfigInput['env'] = {},
  files: Record<string, string> = {},
): AmqpExecConfig {
  const result = loadConfig({ argv, env, readFile: fakeFiles(files) });
  if (result.action !== 'run') throw new Error(`expected a config, got text: ${result.text}`);
  return result.config;
}

/** The ConfigError that loading throws; fails the test if it throws nothing or something else. */
export function loadError(
  argv: readonly string[],
  env: LoadConfigInput['env'] = {},
  files: Record<string, string> = {},
): ConfigError {
  try {
    load(argv, env, files);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}
