import type { AmqpExecConfig } from './amqp-exec-config.interface';
import { readArgv } from './argv.reader';
import { readConfigFile, readFileUtf8, type ReadFile } from './config-file.reader';
import { check, ConfigLayers, showValue, type LayerValues, type Resolved } from './config-layers';
import { describeSource, type ConfigSource } from './config-source';
import { CONFIG_ENV, CONFIG_FLAG, DEAD_LETTER_SUFFIX } from './config.constants';
import { ConfigMessages } from './config.messages';
import { DEFAULTS, SETTINGS, type SettingKey, type SettingValues } from './config.settings';
import { usage } from './config.usage';
import { readEnv, type Environment } from './env.reader';
import { InvalidSettingError } from './errors/invalid-setting.error';
import { MissingSettingError } from './errors/missing-setting.error';
import { whereToSet } from './setting.hints';
import { resolveWorker } from './worker.resolver';

export interface LoadConfigInput {
  /** The arguments after the program name: `process.argv.slice(2)`. */
  readonly argv: readonly string[];
  readonly env: Environment;
  /** Reads the config file. @default fs.readFileSync(path, 'utf8') */
  readonly readFile?: ReadFile;
  /** Printed by `--version`. @default 'unknown' */
  readonly version?: string;
}

/**
 * What the command line asks for: run with a config (logging the `warnings` first, at warn
 * level), or print text (`--help`, `--version`) to stdout and exit 0. The loader never prints
 * or exits itself.
 */
export type LoadConfigResult =
  | { readonly action: 'run'; readonly config: AmqpExecConfig; readonly warnings: readonly string[] }
  | { readonly action: 'print'; readonly text: string };

const DEFAULT: ConfigSource = { layer: 'default' };

/**
 * Builds amqp-exec's settings from the command line, the environment, the config file
 * (`--config` or `AMQP_EXEC_CONFIG`) and the defaults, in that order of precedence.
 * Pure but for `readFile`: no process globals are read, nothing is printed.
 *
 * @throws ConfigError (a subclass per failure) whose one-line message names the setting,
 *   where its value came from and what would be accepted, with any AMQP password hidden.
 *
 * @example
 * const result = loadConfig({ argv: process.argv.slice(2), env: process.env, version });
 * if (result.action === 'print') process.stdout.write(result.text);
 */
export function loadConfig(input: LoadConfigInput): LoadConfigResult {
  const command = readArgv(input.argv);
  if (command.help) return { action: 'print', text: usage() };
  if (command.version) return { action: 'print', text: `amqp-exec ${input.version ?? 'unknown'}\n` };

  const env = readEnv(input.env);
  const layers: LayerValues[] = [command.settings, env.settings];
  const configFile = command.configFile ?? env.configFile;
  if (configFile !== undefined) {
    const from = command.configFile !== undefined ? CONFIG_FLAG : CONFIG_ENV;
    layers.push(readConfigFile(configFile, from, input.readFile ?? readFileUtf8));
  }
  return { action: 'run', config: resolve(new ConfigLayers(layers), configFile), warnings: env.warnings };
}

function resolve(layers: ConfigLayers, configFile: string | undefined): AmqpExecConfig {
  const url = required(layers, 'url', 'the AMQP URI');
  const queue = required(layers, 'queue', 'the queue name');
  const worker = resolveWorker(layers);

  const concurrency = withDefault(layers, 'concurrency', DEFAULTS.concurrency);
  // One message per worker slot keeps every worker fed without holding messages others could take.
  const prefetch = withDefault(layers, 'prefetch', concurrency.value);
  atLeast('prefetch', prefetch, 'concurrency', concurrency);

  const retryDelay = withDefault(layers, 'retryDelay', DEFAULTS.retryDelay);
  // The default ceiling bends to a larger base delay rather than refusing it.
  const retryMaxDelay = withDefault(
    layers,
    'retryMaxDelay',
    Math.max(DEFAULTS.retryMaxDelay, retryDelay.value),
  );
  atLeast('retryMaxDelay', retryMaxDelay, 'retryDelay', retryDelay);

  const deadLetterQueue = layers.find('deadLetterQueue') ?? defaultDeadLetterQueue(queue.value);
  if (deadLetterQueue.value === queue.value) {
    throw new InvalidSettingError(
      'deadLetterQueue',
      deadLetterQueue.source,
      ConfigMessages.deadLetterIsQueue(
        showValue('deadLetterQueue', deadLetterQueue.source, deadLetterQueue.value),
      ),
    );
  }

  return {
    url: url.value,
    queue: queue.value,
    worker,
    concurrency: concurrency.value,
    prefetch: prefetch.value,
    timeout: withDefault(layers, 'timeout', DEFAULTS.timeout).value,
    retryExitCodes: withDefault(layers, 'retryExitCodes', [...DEFAULTS.retryExitCodes]).value,
    retryStatuses: withDefault(layers, 'retryStatuses', [...DEFAULTS.retryStatuses]).value,
    maxAttempts: withDefault(layers, 'maxAttempts', DEFAULTS.maxAttempts).value,
    retryDelay: retryDelay.value,
    retryMaxDelay: retryMaxDelay.value,
    deadLetterQueue: deadLetterQueue.value,
    declareQueue: withDefault(layers, 'declareQueue', DEFAULTS.declareQueue).value,
    logFormat: withDefault(layers, 'logFormat', DEFAULTS.logFormat).value,
    logLevel: withDefault(layers, 'logLevel', DEFAULTS.logLevel).value,
    shutdownTimeout: withDefault(layers, 'shutdownTimeout', DEFAULTS.shutdownTimeout).value,
    configFile,
  };
}

function required<K extends SettingKey>(
  layers: ConfigLayers,
  key: K,
  what: string,
): Resolved<SettingValues[K]> {
  const found = layers.find(key);
  if (!found) throw new MissingSettingError(key, ConfigMessages.missingSetting(what, whereToSet(key)));
  return found;
}

function withDefault<K extends SettingKey>(
  layers: ConfigLayers,
  key: K,
  fallback: SettingValues[K],
): Resolved<SettingValues[K]> {
  return layers.find(key) ?? { value: fallback, source: DEFAULT };
}

/** `<queue>.dead`, checked like a configured name: a 252-byte queue leaves no room for the suffix. */
function defaultDeadLetterQueue(queue: string): Resolved<string> {
  const name = `${queue}${DEAD_LETTER_SUFFIX}`;
  try {
    return {
      value: check('deadLetterQueue', DEFAULT, name, () =>
        SETTINGS.deadLetterQueue.codec.fromText(name, 'flag'),
      ),
      source: DEFAULT,
    };
  } catch (error) {
    if (!(error instanceof InvalidSettingError)) throw error;
    throw new InvalidSettingError(
      'deadLetterQueue',
      DEFAULT,
      `${error.message}; set ${whereToSet('deadLetterQueue')}`,
    );
  }
}

function atLeast(
  key: SettingKey,
  value: Resolved<number>,
  otherKey: SettingKey,
  other: Resolved<number>,
): void {
  if (value.value >= other.value) return;
  throw new InvalidSettingError(
    key,
    value.source,
    ConfigMessages.atLeast(
      showValue(key, value.source, value.value),
      otherKey,
      other.value,
      describeSource(other.source, otherKey),
    ),
  );
}
