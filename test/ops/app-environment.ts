import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './ops-files';

export interface AppEnvironmentCheck {
  /** The variables the sample services validate (apps/shared/src/sample-environment.ts). */
  variables: string[];
  /** What the app's own validator makes of the given environment. */
  validated: Record<string, unknown>;
}

// Runs in a child process, as the apps themselves run (SWC, reflect-metadata), and reaches
// the apps by path: the libraries never import the apps, and neither does a test in-process.
const PROBE = `
require('reflect-metadata');
const { getMetadataStorage } = require('class-validator');
const { SampleEnvironment } = require('./apps/shared/src/sample-environment.ts');
const app = process.env.PROBE_APP;
const name = 'validate' + app[0].toUpperCase() + app.slice(1) + 'Environment';
const validate = require('./apps/' + app + '/src/' + app + '.environment.ts')[name];
const variables = getMetadataStorage()
  .getTargetValidationMetadatas(SampleEnvironment, '', true, false)
  .map((metadata) => metadata.propertyName);
const validated = validate(JSON.parse(process.env.PROBE_ENV));
process.stdout.write(JSON.stringify({ variables: [...new Set(variables)], validated }));
`;

/**
 * Validates `env` with the sample app's own validator (`validate<App>Environment` of
 * apps/<app>/src/<app>.environment.ts). Throws with the app's message when it refuses it.
 */
export function checkAppEnvironment(app: string, env: Record<string, string>): AppEnvironmentCheck {
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', PROBE], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', PROBE_APP: app, PROBE_ENV: JSON.stringify(env) },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${app} refused its environment: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as AppEnvironmentCheck;
}
