export * from './static/corpus';
export * from './static/vocab';
export * from './static/keyed-vectors';
export * from './static/formats';
