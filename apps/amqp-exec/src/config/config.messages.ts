/**
 * Texts of configuration errors. Each is one line (the CLI prints `amqp-exec: <message>`),
 * names the setting and where its value came from, and says what would be accepted.
 */
export const ConfigMessages = {
  invalidValue: (valueAt: string, expectation: string) => `invalid ${valueAt}: ${expectation}`,

  missingValue: (flag: string, valueName: string) =>
    `missing value for ${flag}: write ${flag} ${valueName} or ${flag}=${valueName}`,
  ambiguousValue: (flag: string, next: string) =>
    `missing value for ${flag}: the next argument ${JSON.stringify(next)} looks like a flag; ` +
    `if it is the value, write ${flag}=${next}`,
  flagTakesNoValue: (flag: string) => `${flag} takes no value`,
  unknownFlag: (flag: string, suggestion: string | undefined) =>
    `unknown flag ${flag}${didYouMean(suggestion)}; run amqp-exec --help for the list`,
  unexpectedArgument: (argument: string) =>
    `unexpected argument ${JSON.stringify(argument)}: amqp-exec takes only flags; ` +
    `give the command with --exec and its arguments with --arg`,

  unknownEnvironmentVariable: (variable: string, suggestion: string | undefined) =>
    `ignoring environment variable ${variable}${didYouMean(suggestion)}: amqp-exec has no such setting`,

  unreadableFile: (file: string, from: string, reason: string) =>
    `cannot read config file ${file} (from ${from}): ${reason}`,
  invalidJson: (file: string, from: string, where: string) =>
    `config file ${file} (from ${from}) is not valid JSON: ${where}`,
  unsafeJson: (file: string, from: string) =>
    `config file ${file} (from ${from}) has a "__proto__" or "constructor" key, refused because it ` +
    `could pollute object prototypes; remove it`,
  notAnObject: (file: string, from: string, got: string) =>
    `config file ${file} (from ${from}) must hold a JSON object of settings such as {"queue": "jobs"}, not ${got}`,
  unknownFileKey: (key: string, file: string, suggestion: string | undefined) =>
    `unknown key ${JSON.stringify(key)} in config file ${file}${didYouMean(suggestion)}; ` +
    `the keys are the setting names listed by amqp-exec --help`,

  missingSetting: (what: string, where: string) => `missing ${what}: set ${where}`,
  missingWorker: (exec: string, fastcgi: string) =>
    `missing a worker: set ${exec} <command> (or ${fastcgi} <address> with --script <path>), ` +
    `as a flag, an environment variable or in the config file`,
  conflictingWorkers: (exec: string, fastcgi: string) =>
    `conflicting settings: ${exec} and ${fastcgi} both choose the worker; set only one`,
  settingNeedsWorker: (setting: string, worker: string, chosenBy: string) =>
    `invalid ${setting}: it applies only to a ${worker} worker, but the worker is chosen by ${chosenBy}`,
  atLeast: (valueAt: string, other: string, otherValue: number, otherFrom: string) =>
    `invalid ${valueAt}: must be at least ${other} (${otherValue}, from ${otherFrom})`,
  deadLetterIsQueue: (valueAt: string) =>
    `invalid ${valueAt}: must differ from the queue, or dead messages would be consumed again`,
} as const;

function didYouMean(suggestion: string | undefined): string {
  return suggestion ? ` (did you mean ${suggestion}?)` : '';
}
