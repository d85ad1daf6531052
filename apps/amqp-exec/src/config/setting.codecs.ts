import { JsonCodec } from '@courier-nest/core';
import type { FastCgiAddress } from './amqp-exec-config.interface';

/**
 * A value was refused; `message` is what was expected ("expected an integer from 1 to 1000").
 * Internal: the loader turns it into an InvalidSettingError that also names the source.
 */
export class SettingRejection extends Error {}

/** Flags and environment variables carry text; the config file carries JSON values. */
export type TextLayer = 'flag' | 'env';

/** How one setting's value is read and checked, from text or from JSON. */
export interface SettingCodec<T> {
  /** What a valid value looks like, for messages and `--help`. */
  readonly expected: string;
  fromText(text: string, layer: TextLayer): T;
  fromJson(value: unknown): T;
  /** Repeatable flags: the value of all occurrences together. */
  combine?(values: readonly T[]): T;
}

function reject(expected: string, detail?: string): never {
  throw new SettingRejection(`expected ${expected}${detail ? ` (${detail})` : ''}`);
}

/** Why a JSON value of the wrong type was refused: `"4"` for a number is the usual one. */
function jsonTypeDetail(value: unknown, wanted: string): string {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return `a JSON ${wanted}, not ${got}`;
}

const DIGITS = /^-?\d+$/;

export function integer(min: number, max: number, noun = 'an integer'): SettingCodec<number> {
  const expected = `${noun} from ${min} to ${max}`;
  const check = (n: number): number => {
    if (!Number.isSafeInteger(n) || n < min || n > max) reject(expected);
    return n;
  };
  return {
    expected,
    fromText: (text) => (DIGITS.test(text.trim()) ? check(Number(text.trim())) : reject(expected)),
    fromJson: (value) =>
      typeof value === 'number' ? check(value) : reject(expected, jsonTypeDetail(value, 'number')),
  };
}

/** A list of integers: comma-separated in text (and the flag repeatable), an array in JSON. Duplicates are dropped. */
export function integerList(min: number, max: number, noun: string): SettingCodec<number[]> {
  const range = `${noun} from ${min} to ${max}`;
  const inRange = (n: number) => Number.isSafeInteger(n) && n >= min && n <= max;
  const dedupe = (values: readonly number[]): number[] => [...new Set(values)];
  return {
    expected: `${range}, comma-separated`,
    fromText: (text) => {
      const parts = text.split(',').map((part) => part.trim());
      // "" is the empty list ("retry on none"); "75,,76" is a typo.
      if (parts.length === 1 && parts[0] === '') return [];
      return dedupe(
        parts.map((part) =>
          DIGITS.test(part) && inRange(Number(part)) ? Number(part) : reject(`${range}, comma-separated`),
        ),
      );
    },
    fromJson: (value) => {
      if (!Array.isArray(value)) reject(`an array of ${range}`, jsonTypeDetail(value, 'array'));
      return dedupe(
        value.map((entry: unknown) =>
          typeof entry === 'number' && inRange(entry)
            ? entry
            : reject(`an array of ${range}`, `${JSON.stringify(entry) ?? String(entry)} is not one`),
        ),
      );
    },
    combine: (values) => dedupe(values.flat()),
  };
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export function boolean(): SettingCodec<boolean> {
  const expected = 'true or false';
  return {
    expected,
    fromText: (text) => {
      const word = text.trim().toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return reject(expected, 'or 1/0, yes/no, on/off');
    },
    fromJson: (value) =>
      typeof value === 'boolean' ? value : reject(expected, jsonTypeDetail(value, 'boolean')),
  };
}

/** One of a few words, case-insensitive, returned lower-case. */
export function oneOf<T extends string>(allowed: readonly T[]): SettingCodec<T> {
  const expected = allowed.map((word) => JSON.stringify(word)).join(' or ');
  const check = (text: string): T => {
    const word = text.trim().toLowerCase();
    return allowed.find((candidate) => candidate === word) ?? reject(expected);
  };
  return {
    expected,
    fromText: check,
    fromJson: (value) =>
      typeof value === 'string' ? check(value) : reject(expected, jsonTypeDetail(value, 'string')),
  };
}

/** A string that `check` accepts (it returns a problem, or undefined), taken as written. */
function text(expected: string, check: (value: string) => string | undefined): SettingCodec<string> {
  const accept = (value: string): string => {
    const problem = check(value);
    return problem === undefined ? value : reject(expected, problem);
  };
  return {
    expected,
    fromText: accept,
    fromJson: (value) =>
      typeof value === 'string' ? accept(value) : reject(expected, jsonTypeDetail(value, 'string')),
  };
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** AMQP queue names are short strings: at most 255 bytes of UTF-8; control characters only cause grief. */
export function queueName(maxBytes: number): SettingCodec<string> {
  return text(`a queue name of 1 to ${maxBytes} bytes without control characters`, (value) => {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes === 0) return 'got an empty name';
    if (bytes > maxBytes) return `got ${bytes} bytes`;
    if (CONTROL.test(value)) return 'got a control character';
    return undefined;
  });
}

/** A path or command name: the OS refuses NUL in one, so catch it here with a clear message. */
export function path(noun: string): SettingCodec<string> {
  return text(`${noun}: a non-empty string without NUL characters`, (value) =>
    value === '' ? 'got an empty string' : value.includes('\0') ? 'got a NUL character' : undefined,
  );
}

// The environment is the user's own, but the same parser keeps `__proto__` keys out everywhere.
const json = new JsonCodec(64 * 1024);

/**
 * A command's arguments. A flag gives one argument per occurrence (`--arg -v --arg=--x=1`);
 * the environment variable is a JSON array, since no separator is safe inside arguments.
 */
export function argumentList(): SettingCodec<string[]> {
  const expected = 'a JSON array of strings, e.g. ["--verbose","a b"]';
  const check = (value: unknown): string[] => {
    if (!Array.isArray(value)) reject(expected, jsonTypeDetail(value, 'array'));
    return value.map((entry: unknown) =>
      typeof entry === 'string' && !entry.includes('\0')
        ? entry
        : reject(expected, `${JSON.stringify(entry) ?? String(entry)} is not a string without NUL`),
    );
  };
  return {
    expected,
    fromText: (value, layer) => {
      if (layer === 'flag') return check([value]);
      let parsed: unknown;
      try {
        parsed = json.decode(value);
      } catch {
        reject(expected);
      }
      return check(parsed);
    },
    fromJson: check,
    combine: (values) => values.flat(),
  };
}

/**
 * An AMQP URI: `amqp://` or `amqps://`, with a host. Returned trimmed, otherwise as written
 * (amqplib reads the vhost, heartbeat and TLS parameters from it). Messages never echo it:
 * the loader shows a redacted copy.
 */
export function amqpUrl(): SettingCodec<string> {
  const expected = 'an amqp:// or amqps:// URI with a host, such as amqp://localhost:5672/vhost';
  const base = text(expected, (value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'not a URI';
    }
    if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') return 'the scheme must be amqp or amqps';
    if (url.hostname === '') return 'no host';
    return undefined;
  });
  return {
    expected,
    // Trimmed: a URI read from a file by `$(cat …)` often ends in a newline.
    fromText: (value, layer) => base.fromText(value.trim(), layer),
    fromJson: (value) => base.fromJson(typeof value === 'string' ? value.trim() : value),
  };
}

const PORT = /^\d{1,5}$/;

/** `host:port`, `[ipv6]:port` or `unix:/path/to/socket`. */
export function fastCgiAddress(): SettingCodec<FastCgiAddress> {
  const expected = 'host:port (e.g. 127.0.0.1:9000, [::1]:9000) or unix:/path/to/socket';
  const parse = (raw: string): FastCgiAddress => {
    const value = raw.trim();
    if (value.startsWith('unix:')) {
      const socket = value.slice('unix:'.length);
      if (socket === '' || socket.includes('\0')) reject(expected, 'no socket path');
      return { path: socket };
    }
    const colon = value.lastIndexOf(':');
    if (colon <= 0) reject(expected, 'no port');
    let host = value.slice(0, colon);
    const portText = value.slice(colon + 1);
    const port = Number(portText);
    if (!PORT.test(portText) || port < 1 || port > 65_535) reject(expected, 'the port must be 1 to 65535');
    if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
    else if (host.includes(':')) reject(expected, 'put an IPv6 address in brackets');
    if (host === '' || /[\s/[\]]/.test(host)) reject(expected, 'not a host name or address');
    return { host, port };
  };
  return {
    expected,
    fromText: parse,
    fromJson: (value) =>
      typeof value === 'string' ? parse(value) : reject(expected, jsonTypeDetail(value, 'string')),
  };
}
