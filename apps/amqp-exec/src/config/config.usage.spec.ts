import { SETTING_KEYS, SETTINGS } from './config.settings';
import { usage } from './config.usage';

describe('usage', () => {
  const text = usage();

  it('lists every setting by flag, variables and file key', () => {
    for (const key of SETTING_KEYS) {
      const spec = SETTINGS[key];
      expect(text).toContain(spec.flag);
      expect(text).toContain(`file "${key}"`);
      for (const variable of spec.env) expect(text).toContain(variable);
    }
    expect(text).toContain('--no-declare-queue');
    expect(text).toContain('--config <file>');
    expect(text).toContain('AMQP_EXEC_CONFIG');
  });

  it('shows the defaults and fits a terminal', () => {
    expect(text).toMatch(/--concurrency <n> +Messages processed at once\. Default: 1\./);
    expect(text).toContain('Default: 75.');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
