/**
 * jest's node environment with the host realm's typed arrays and ArrayBuffer.
 *
 * Tests run in a vm context with its own Float32Array etc.; onnxruntime-node creates output
 * tensors' arrays in the host realm, and onnxruntime-common's `instanceof Float32Array` check (in
 * the test realm) then throws "A float32 tensor's data must be type of function Float32Array()".
 * Sharing the host's constructors makes both sides agree.
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];

class HostTypedArrayEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) {
      if (typeof globalThis[name] === 'function') this.global[name] = globalThis[name];
    }
  }
}

module.exports = HostTypedArrayEnvironment;
