import { describeValueAt, type ConfigSource } from './config-source';
import { ConfigMessages } from './config.messages';
import { InvalidSettingError } from './errors/invalid-setting.error';
import { SETTINGS, type SettingKey, type SettingValues } from './config.settings';
import { SettingRejection } from './setting.codecs';
import { redactUrl } from '@courier-nest/core/internal';

/** A setting as one source gave it, not yet checked: text (flag occurrences, a variable) or a JSON value. */
export interface RawSetting {
  readonly source: ConfigSource;
  readonly input: { readonly texts: readonly string[] } | { readonly json: unknown };
}

/** The settings one source gave, by name. */
export type LayerValues = ReadonlyMap<SettingKey, RawSetting>;

/** A checked value and where it came from. */
export interface Resolved<T> {
  readonly value: T;
  readonly source: ConfigSource;
}

/**
 * The flag, environment and file layers, highest precedence first. A value is checked when
 * it is looked up, so only the value that wins is validated: a bad value in the file that a
 * flag overrides does not stop the consumer (the override is how a user works around it).
 */
export class ConfigLayers {
  constructor(private readonly layers: readonly LayerValues[]) {}

  get depth(): number {
    return this.layers.length;
  }

  /** The winning value of `key`, or undefined when no layer sets it. */
  find<K extends SettingKey>(key: K): Resolved<SettingValues[K]> | undefined {
    for (let index = 0; index < this.layers.length; index++) {
      const found = this.findIn(index, key);
      if (found) return found;
    }
    return undefined;
  }

  /** The value of `key` in one layer (0 = flags), or undefined. */
  findIn<K extends SettingKey>(index: number, key: K): Resolved<SettingValues[K]> | undefined {
    const raw = this.layers[index]?.get(key);
    return raw ? { value: decode(key, raw), source: raw.source } : undefined;
  }

  /** Where `key` is set in one layer, without checking the value. */
  sourceIn(index: number, key: SettingKey): ConfigSource | undefined {
    return this.layers[index]?.get(key)?.source;
  }
}

/** Checks a value with its setting's codec; a refusal names the setting, the source and the value. */
export function decode<K extends SettingKey>(key: K, raw: RawSetting): SettingValues[K] {
  const codec = SETTINGS[key].codec;
  if ('json' in raw.input) {
    const json = raw.input.json;
    return check(key, raw.source, json, () => codec.fromJson(json));
  }
  const layer = raw.source.layer === 'env' ? 'env' : 'flag';
  // Each occurrence of a repeatable flag is checked on its own, so the message shows the bad one.
  const values = raw.input.texts.map((text) =>
    check(key, raw.source, text, () => codec.fromText(text, layer)),
  );
  return codec.combine ? codec.combine(values) : values[values.length - 1];
}

/** Runs a codec and turns its refusal into an InvalidSettingError; also used for derived defaults. */
export function check<K extends SettingKey, T>(
  key: K,
  source: ConfigSource,
  shown: unknown,
  read: () => T,
): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof SettingRejection)) throw error;
    throw new InvalidSettingError(
      key,
      source,
      ConfigMessages.invalidValue(showValue(key, source, shown), error.message),
    );
  }
}

/** `--prefetch "2"` and the like, with a URI's password hidden even when the URI is malformed. */
export function showValue(key: SettingKey, source: ConfigSource, value: unknown): string {
  let shown = SETTINGS[key].secret && typeof value === 'string' ? redactUrl(value) : value;
  // A flag or variable was text: show a checked number the way it was typed, `--prefetch "2"`.
  if ((source.layer === 'flag' || source.layer === 'env') && typeof shown === 'number') shown = String(shown);
  return describeValueAt(source, shown, key);
}
