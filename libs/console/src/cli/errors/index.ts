export * from './cli-usage.error';
export * from './console-answer.error';
export * from './console-refused.error';
export * from './console-unreachable.error';
