import type { WorkerConfig } from './amqp-exec-config.interface';
import type { ConfigLayers } from './config-layers';
import { describeSource, type ConfigSource } from './config-source';
import { ConfigMessages } from './config.messages';
import { SETTINGS } from './config.settings';
import { ConflictingSettingsError } from './errors/conflicting-settings.error';
import { InvalidSettingError } from './errors/invalid-setting.error';
import { MissingSettingError } from './errors/missing-setting.error';
import { whereToSet } from './setting.hints';

/**
 * Chooses the worker: exactly one of `exec` or `fastcgi`.
 *
 * The highest layer that sets either decides, so `--fastcgi` on the command line replaces an
 * `exec` worker from the config file rather than conflicting with it. Within that layer, both
 * is an error. The other kind's companion setting (`script` for exec, `args` for FastCGI) is
 * an error at or above the deciding layer, where the user clearly meant it for this run, and
 * ignored below it, where it belongs to the worker that was overridden. Companions of the chosen
 * kind follow normal precedence: `--arg` overrides the file's `args` for the file's `exec`.
 */
export function resolveWorker(layers: ConfigLayers): WorkerConfig {
  let deciding = -1;
  let chosenBy: ConfigSource | undefined;
  for (let index = 0; index < layers.depth && deciding < 0; index++) {
    const exec = layers.sourceIn(index, 'exec');
    const fastcgi = layers.sourceIn(index, 'fastcgi');
    if (exec && fastcgi) {
      throw new ConflictingSettingsError(
        ['exec', 'fastcgi'],
        ConfigMessages.conflictingWorkers(describeSource(exec, 'exec'), describeSource(fastcgi, 'fastcgi')),
      );
    }
    if (exec || fastcgi) {
      deciding = index;
      chosenBy = exec ?? fastcgi;
    }
  }
  if (!chosenBy) {
    throw new MissingSettingError(
      'exec',
      ConfigMessages.missingWorker(SETTINGS.exec.flag, SETTINGS.fastcgi.flag),
    );
  }

  const type = layers.sourceIn(deciding, 'exec') ? 'exec' : 'fastcgi';
  const foreign = type === 'exec' ? 'script' : 'args';
  for (let index = 0; index <= deciding; index++) {
    const misplaced = layers.sourceIn(index, foreign);
    if (misplaced) {
      throw new InvalidSettingError(
        foreign,
        misplaced,
        ConfigMessages.settingNeedsWorker(
          describeSource(misplaced, foreign),
          type === 'exec' ? 'FastCGI (--fastcgi)' : 'command (--exec)',
          describeSource(chosenBy, type),
        ),
      );
    }
  }

  // The `!`s below: the deciding layer sets the chosen setting, as found above.
  if (type === 'exec') {
    return {
      type,
      command: layers.findIn(deciding, 'exec')!.value,
      args: layers.find('args')?.value ?? [],
    };
  }
  const script = layers.find('script');
  if (!script) {
    throw new MissingSettingError(
      'script',
      ConfigMessages.missingSetting(
        `${SETTINGS.script.flag} (SCRIPT_FILENAME), which a FastCGI worker needs`,
        whereToSet('script'),
      ),
    );
  }
  return { type, address: layers.findIn(deciding, 'fastcgi')!.value, scriptFilename: script.value };
}
