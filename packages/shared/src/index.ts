export * from './errors.js';
export * from './error-body.js';
export * from './proxy-envelope.js';
export * from './control-plane.js';
export * from './admin.js';
export * from './rules.js';
