import type { RawSetting } from './config-layers';
import { CONFIG_ENV, ENV_PREFIX, WORKER_ENV_NAMES } from './config.constants';
import { ConfigMessages } from './config.messages';
import { SETTING_KEYS, SETTINGS, type SettingKey } from './config.settings';
import { closestName } from './closest-name';

/** The environment as a process gets it. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface EnvironmentSettings {
  readonly settings: ReadonlyMap<SettingKey, RawSetting>;
  /** `AMQP_EXEC_CONFIG`. */
  readonly configFile?: string;
  /** One line per `AMQP_EXEC_*` variable that names no setting, e.g. a typo. */
  readonly warnings: readonly string[];
}

const KNOWN = new Set([...SETTING_KEYS.flatMap((key) => SETTINGS[key].env), CONFIG_ENV]);
const KNOWN_WITH_PREFIX = [...KNOWN].filter((name) => name.startsWith(ENV_PREFIX));

/**
 * Reads `AMQP_EXEC_*` variables (and `AMQP_URL`, below `AMQP_EXEC_URL`). An empty variable
 * counts as unset, as `FOO=` in a compose file usually means.
 *
 * An `AMQP_EXEC_*` variable that names no setting is a warning, not an error: unlike flags and
 * file keys, the environment is shared (the exec worker passes its own `AMQP_EXEC_*` variables
 * to commands, which inherit ours too), so a stray name there is not proof of a mistake.
 */
export function readEnv(env: Environment): EnvironmentSettings {
  const warnings = Object.keys(env)
    .filter((name) => name.startsWith(ENV_PREFIX) && !KNOWN.has(name) && !WORKER_ENV_NAMES.includes(name))
    .sort()
    .map((name) => ConfigMessages.unknownEnvironmentVariable(name, suggest(name)));

  const settings = new Map<SettingKey, RawSetting>();
  for (const key of SETTING_KEYS) {
    for (const variable of SETTINGS[key].env) {
      const text = env[variable];
      if (text === undefined || text === '') continue;
      settings.set(key, { source: { layer: 'env', variable }, input: { texts: [text] } });
      break;
    }
  }
  const configFile = env[CONFIG_ENV];
  return { settings, configFile: configFile === '' ? undefined : configFile, warnings };
}

/** Compares without the common prefix, which would make every name look alike. */
function suggest(name: string): string | undefined {
  const strip = (full: string) => full.slice(ENV_PREFIX.length);
  const match = closestName(strip(name), KNOWN_WITH_PREFIX.map(strip));
  return match === undefined ? undefined : ENV_PREFIX + match;
}
