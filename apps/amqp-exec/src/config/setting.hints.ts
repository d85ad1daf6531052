import { SETTINGS, type SettingKey } from './config.settings';

/** Every way to set `key`: `--url, AMQP_EXEC_URL or AMQP_URL, or "url" in the config file`. */
export function whereToSet(key: SettingKey): string {
  const spec = SETTINGS[key];
  return `${spec.flag}, ${spec.env.join(' or ')}, or ${JSON.stringify(key)} in the config file`;
}
