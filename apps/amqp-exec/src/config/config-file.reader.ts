import { readFileSync } from 'node:fs';
import { JsonCodec, MalformedJsonError, PayloadTooLargeError, UnsafeJsonError } from '@courier-nest/core';
import type { RawSetting } from './config-layers';
import { ConfigMessages } from './config.messages';
import { SETTING_KEYS, SETTINGS, type SettingKey } from './config.settings';
import { closestName } from './closest-name';
import { ConfigFileError } from './errors/config-file.error';
import { UnknownConfigKeyError } from './errors/unknown-config-key.error';

/** Reads a file as UTF-8 text; throws (with a Node `code`) when it cannot. */
export type ReadFile = (path: string) => string;

export const readFileUtf8: ReadFile = (path) => readFileSync(path, 'utf8');

// A config file is a few hundred bytes; a megabyte means the wrong file.
const codec = new JsonCodec(1024 * 1024);

/**
 * Reads the JSON config file: one object whose keys are setting names (`"prefetch": 20`,
 * `"retryExitCodes": [75]`). `from` says who named the file (`--config`, `AMQP_EXEC_CONFIG`).
 * Parsing refuses `__proto__` and `constructor.prototype` keys, and any key that is not a
 * setting (a bare `"constructor"` included), so the file cannot reach an object's prototype.
 */
export function readConfigFile(file: string, from: string, readFile: ReadFile): Map<SettingKey, RawSetting> {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new ConfigFileError(file, ConfigMessages.unreadableFile(file, from, readFailure(error)), {
      cause: error,
    });
  }

  let parsed: unknown;
  try {
    // Editors on Windows like to start a file with a byte-order mark; JSON.parse does not.
    parsed = codec.decode(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    if (error instanceof UnsafeJsonError) {
      throw new ConfigFileError(file, ConfigMessages.unsafeJson(file, from), { cause: error });
    }
    if (error instanceof PayloadTooLargeError) {
      throw new ConfigFileError(
        file,
        ConfigMessages.unreadableFile(file, from, 'over 1 MiB; is it the right file?'),
      );
    }
    if (error instanceof MalformedJsonError) {
      throw new ConfigFileError(file, ConfigMessages.invalidJson(file, from, syntaxProblem(error, text)), {
        cause: error,
      });
    }
    throw error;
  }

  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const got = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new ConfigFileError(file, ConfigMessages.notAnObject(file, from, got));
  }

  const settings = new Map<SettingKey, RawSetting>();
  for (const [key, value] of Object.entries(parsed)) {
    // Object.hasOwn: "constructor" or "toString" must not be found on SETTINGS' prototype.
    if (!Object.hasOwn(SETTINGS, key)) {
      const suggestion = closestName(key, SETTING_KEYS);
      throw new UnknownConfigKeyError(
        key,
        file,
        ConfigMessages.unknownFileKey(key, file, suggestion && JSON.stringify(suggestion)),
      );
    }
    settings.set(key as SettingKey, { source: { layer: 'file', key, file }, input: { json: value } });
  }
  return settings;
}

function readFailure(error: unknown): string {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * "Expected ',' or '}' after property value at line 3, column 5". Only V8's description is
 * kept, cut before any excerpt of the input it quotes: the file may hold a password.
 */
function syntaxProblem(error: MalformedJsonError, text: string): string {
  const reason = error.cause instanceof Error ? error.cause.message : error.message;
  const description = reason.split(/ in JSON|, "| is not valid JSON/)[0].trim() || 'syntax error';
  const position = /at position (\d+)/.exec(reason);
  if (!position) return description;
  const before = text.replace(/^\uFEFF/, '').slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${description} at line ${line}, column ${column}`;
}
