export * from './config.error';
export * from './config-file.error';
export * from './conflicting-settings.error';
export * from './invalid-argument.error';
export * from './invalid-setting.error';
export * from './missing-setting.error';
export * from './unknown-config-key.error';
export * from './unknown-flag.error';
