export * from './courier.error';
export * from './invalid-identifier.error';
export * from './invalid-message.error';
export * from './invalid-option.error';
export * from './malformed-json.error';
export * from './payload-too-large.error';
export * from './unsafe-json.error';
export * from './schema-version.error';
