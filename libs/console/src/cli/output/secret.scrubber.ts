import { stripCredentials, TOKEN_VARIABLE, URL_VARIABLE } from '../http/console-connection';

const MASK = '****';

/**
 * The secrets this run could print: the token and password however they were given (flags,
 * `--flag=value`, the environment, a URL's userinfo). Read from the raw arguments, before
 * parsing, so that even a command line the parser refuses cannot echo one back.
 */
export function secretsOf(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const secrets = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(token|password)(?:=(.*))?$/s.exec(argv[i]);
    if (match) {
      const value = match[2] ?? argv[i + 1];
      if (value !== undefined) secrets.add(value);
    }
    for (const password of urlPasswords(argv[i])) secrets.add(password);
  }
  if (env[TOKEN_VARIABLE]) secrets.add(env[TOKEN_VARIABLE]);
  for (const password of urlPasswords(env[URL_VARIABLE] ?? '')) secrets.add(password);
  secrets.delete('');
  return [...secrets];
}

/**
 * `text` with every secret masked and every URL's credentials removed: applied to all the
 * CLI writes, stdout and stderr. Every secret, however short: a garbled line is a smaller
 * harm than a password in a terminal log or a CI transcript.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = stripCredentials(text);
  // Longest first: a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    scrubbed = scrubbed.split(secret).join(MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) scrubbed = scrubbed.split(encoded).join(MASK);
  }
  return scrubbed;
}

function urlPasswords(text: string): string[] {
  const passwords: string[] = [];
  for (const match of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/([^\s/?#]*)@/gi)) {
    const userinfo = match[1];
    const colon = userinfo.indexOf(':');
    if (colon < 0) continue;
    const password = userinfo.slice(colon + 1);
    passwords.push(password);
    try {
      passwords.push(decodeURIComponent(password));
    } catch {
      // not percent-encoded as a URL would have it: the raw form is masked anyway
    }
  }
  return passwords;
}
