import { parseArgs } from 'node:util';
import type { RawSetting } from './config-layers';
import { CONFIG_FLAG } from './config.constants';
import { ConfigMessages } from './config.messages';
import { SETTING_KEYS, SETTINGS, type SettingKey } from './config.settings';
import { closestName } from './closest-name';
import { InvalidArgumentError } from './errors/invalid-argument.error';
import { UnknownFlagError } from './errors/unknown-flag.error';

/** What the command line says. */
export interface CommandLine {
  readonly settings: ReadonlyMap<SettingKey, RawSetting>;
  /** `--config <file>`. */
  readonly configFile?: string;
  readonly help: boolean;
  readonly version: boolean;
}

type FlagTarget =
  | {
      readonly kind: 'setting';
      readonly key: SettingKey;
      readonly takesValue: boolean;
      readonly negated?: boolean;
    }
  | { readonly kind: 'config' }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

/** Long flag name (without `--`) → what it sets. */
const FLAGS: ReadonlyMap<string, FlagTarget> = new Map<string, FlagTarget>([
  ...SETTING_KEYS.flatMap((key): Array<[string, FlagTarget]> => {
    const spec = SETTINGS[key];
    const name = spec.flag.slice(2);
    const takesValue = !spec.negatable;
    return spec.negatable
      ? [
          [name, { kind: 'setting', key, takesValue }],
          [`no-${name}`, { kind: 'setting', key, takesValue, negated: true }],
        ]
      : [[name, { kind: 'setting', key, takesValue }]];
  }),
  [CONFIG_FLAG.slice(2), { kind: 'config' }],
  ['help', { kind: 'help' }],
  ['version', { kind: 'version' }],
]);

const FLAG_NAMES = [...FLAGS.keys()].map((name) => `--${name}`);

// Telling parseArgs which flags take a value lets it read `--queue jobs` as one option.
const PARSE_OPTIONS = Object.fromEntries(
  [...FLAGS].map(([name, target]) => [
    name,
    {
      type:
        target.kind === 'config' || (target.kind === 'setting' && target.takesValue)
          ? ('string' as const)
          : ('boolean' as const),
      ...(target.kind === 'help' ? { short: 'h' } : {}),
    },
  ]),
);

/**
 * Reads flags: `--name value`, `--name=value`, repeatable `--arg` / `--retry-exit-code`,
 * `--no-declare-queue`, `-h`. A repeated flag that is not repeatable keeps its last value, so
 * a wrapper script can append an override. Unknown flags, stray arguments and missing
 * values are errors naming the argument. When `--help` or `--version` is anywhere, nothing
 * else is checked: asking for help must work on a broken command line.
 */
export function readArgv(argv: readonly string[]): CommandLine {
  const { tokens } = parseArgs({
    args: [...argv],
    options: PARSE_OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const asked = (...flags: string[]) =>
    tokens.some((token) => token.kind === 'option' && flags.includes(token.rawName));
  const help = asked('--help', '-h');
  const version = asked('--version');
  if (help || version) return { settings: new Map(), help, version };

  const settings = new Map<SettingKey, RawSetting>();
  let configFile: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      throw new InvalidArgumentError(token.value, ConfigMessages.unexpectedArgument(token.value));
    }
    const flag = token.rawName;
    const target = flag.startsWith('--') ? FLAGS.get(token.name) : undefined;
    if (!target)
      throw new UnknownFlagError(flag, ConfigMessages.unknownFlag(flag, closestName(flag, FLAG_NAMES)));

    if (target.kind === 'config') {
      configFile = valueOf(token, flag, '<file>');
    } else if (target.kind === 'setting') {
      const text = target.takesValue
        ? valueOf(token, flag, SETTINGS[target.key].valueName)
        : booleanText(token, flag, target.negated);
      const previous = settings.get(target.key);
      const texts =
        SETTINGS[target.key].repeatable && previous && 'texts' in previous.input
          ? [...previous.input.texts, text]
          : [text];
      settings.set(target.key, { source: { layer: 'flag', flag }, input: { texts } });
    }
  }
  return { settings, configFile, help: false, version: false };
}

interface OptionToken {
  readonly value?: string;
  readonly inlineValue?: boolean;
}

function valueOf(token: OptionToken, flag: string, valueName: string): string {
  if (token.value === undefined)
    throw new InvalidArgumentError(flag, ConfigMessages.missingValue(flag, valueName));
  // `--exec --queue jobs` forgot the command; parseArgs would take "--queue" as it. A value
  // that really starts with "-" is written `--arg=-v`; "-" alone and negative numbers pass.
  if (!token.inlineValue && token.value.startsWith('-') && token.value !== '-' && !/^-\d/.test(token.value)) {
    throw new InvalidArgumentError(flag, ConfigMessages.ambiguousValue(flag, token.value));
  }
  return token.value;
}

/** `--declare-queue` is "true", `--no-declare-queue` "false"; `--declare-queue=false` is read by the codec. */
function booleanText(token: OptionToken, flag: string, negated: boolean | undefined): string {
  if (token.value === undefined) return negated ? 'false' : 'true';
  if (negated) throw new InvalidArgumentError(flag, ConfigMessages.flagTakesNoValue(flag));
  return token.value;
}
